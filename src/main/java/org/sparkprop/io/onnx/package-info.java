/**
 * ONNX export: a trained network and its saved preprocessing as one ONNX graph, built with the
 * classes protoc generates at build time from the ONNX project's own schema
 * ({@code src/main/proto/onnx.proto}, package {@code org.sparkprop.io.onnx.schema}).
 */
package org.sparkprop.io.onnx;
