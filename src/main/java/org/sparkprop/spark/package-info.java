/**
 * The distributed layer: data packed and cached per partition, one Spark job per round
 * (broadcast, per-partition gradients, merge in partition order), distributed evaluation, Kryo
 * registration, Spark settings, and the train, evaluate and predict jobs that tie configuration,
 * data, loop, checkpoints, models and outputs together.
 *
 * <p>Reading data: {@link org.sparkprop.spark.RowInputs} opens any supported format as one lazily
 * opened row cursor per partition (only metadata is read on the driver), and
 * {@link org.sparkprop.spark.RowLoader} turns any such input into balanced, cached, scaled
 * partitions of contiguous global row indices: scan (counts and bad rows), stage (pack, fit the
 * scaling), distribute. {@link org.sparkprop.spark.PackedDataset#fromDataFrame} and
 * {@link org.sparkprop.spark.FrameData} are the API entries for any {@code Dataset<Row>}.
 */
package org.sparkprop.spark;
