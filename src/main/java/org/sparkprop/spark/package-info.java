/**
 * The distributed engine and nothing else: training data packed once into float32 blocks and
 * cached per partition ({@link org.sparkprop.spark.PackedDataset}), one Spark job per round that
 * broadcasts the weights, lets every partition compute the gradient of its rows of the global
 * batch and merges the results in partition order ({@link org.sparkprop.spark.SparkGradientSource}),
 * the distributed trainer that runs the shared loop on it ({@link org.sparkprop.spark.SparkTrainer}),
 * distributed evaluation, Spark sessions with Sparkprop's settings, and Kryo registration.
 *
 * <p>Reading files and DataFrames into packed partitions lives in {@code spark.input}; the Spark ML
 * estimators in {@code spark.ml}; the jobs that use all of it in {@code org.sparkprop.app}.
 */
package org.sparkprop.spark;
