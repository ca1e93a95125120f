/** Tests of the ONNX export: ONNX Runtime runs the exported graph of small networks worked out by hand. */
package org.sparkprop.io.onnx;
