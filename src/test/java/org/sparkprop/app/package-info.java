/**
 * End-to-end tests of the train, evaluate and predict jobs in Spark local mode: example
 * configurations, HDFS, Fashion-MNIST, outputs.
 */
package org.sparkprop.app;
