/**
 * Training without Spark for small local data: the {@code train} command's input pipeline and
 * round loop in the driver process alone, with the same splits, the same statistics merged in the
 * same order and the same partitions as the Spark pipeline, so the weights are the same bits.
 * {@link org.sparkprop.driver.InProcessInput} decides when; {@link org.sparkprop.driver.LocalLoader}
 * reads, scans, packs, scales and redistributes; {@link org.sparkprop.driver.HeldSets} is the result.
 * Hadoop's file-system and input-format classes are used (the same splits as Spark's HadoopRDD);
 * no SparkContext is ever created here.
 */
package org.sparkprop.driver;
