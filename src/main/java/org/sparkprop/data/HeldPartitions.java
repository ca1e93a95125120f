package org.sparkprop.data;

import java.io.IOException;

/**
 * The partitions of an input as the driver reads them, one after the other, each opened as the
 * {@link PartitionReader} a Spark task would open for it: a file's input splits, or the rows of a
 * DataFrame's partitions collected in one job. The loading steps run in the driver over them give
 * the blocks, statistics and partitions the Spark pipeline gives over the same partitions.
 */
public interface HeldPartitions {

  /** How many partitions the input has (the Spark pipeline's task count for it). */
  int count();

  /** A reader of partition {@code p}'s rows, opened now. */
  PartitionReader open(int p) throws IOException;
}
