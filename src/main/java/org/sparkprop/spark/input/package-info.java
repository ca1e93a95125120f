/**
 * Readers of every input into packed, cached partitions, one pipeline for all of them:
 * {@link org.sparkprop.spark.input.InputOpener} opens a CSV, LibSVM, Parquet or IDX input (only
 * metadata is read on the driver) as one lazily opened
 * {@link org.sparkprop.data.PartitionReader} per partition, and
 * {@link org.sparkprop.spark.input.InputLoader} turns any such input into balanced, cached, scaled
 * partitions of contiguous global row indices: scan (counts and bad rows), stage (pack, fit the
 * scaling), distribute. {@link org.sparkprop.spark.input.DataSets} loads the training, validation
 * and test sets a job describes; {@link org.sparkprop.spark.input.FrameData} does the same for any
 * {@code Dataset<Row>}.
 */
package org.sparkprop.spark.input;
