package org.sparkprop.train;

import java.util.Iterator;
import java.util.List;
import org.sparkprop.data.RowBlock;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;

/**
 * The two halves of a round that every execution shares, so that a round computed by Spark tasks
 * and one computed on the driver are the same float operations in the same order, and give the
 * same bits: the gradient of one partition's rows of a global batch ({@link #gradient}), and the
 * fixed-order merge of the partitions' gradients ({@link #merge}).
 */
public final class PartitionRound {
  private PartitionRound() {
  }

  /**
   * The gradient sum of the rows of global batch [positionStart, positionEnd) that one partition's
   * blocks hold, added block by block into a fresh accumulator.
   */
  public static GradientAccumulator gradient(DenseNetwork network, float[] params, Iterator<? extends RowBlock> blocks,
                                             EpochPermutation permutation, long positionStart, long positionEnd,
                                             Workspace ws) {
    GradientAccumulator acc = new GradientAccumulator(params.length);
    while (blocks.hasNext()) acc.add(network, params, blocks.next(), permutation, positionStart, positionEnd, ws);
    return acc;
  }

  /**
   * The partitions' gradients merged as the Spark round merges them: up to {@code fanIn}
   * partitions in partition order; beyond that, groups of {@code fanIn} consecutive partitions
   * each merged in order, then the groups in order.
   *
   * @param byPartition one accumulator per partition, in partition-index order (merged into in place)
   */
  public static GradientAccumulator merge(List<GradientAccumulator> byPartition, int fanIn) {
    if (byPartition.size() <= fanIn) return inOrder(byPartition);
    List<GradientAccumulator> groups = new java.util.ArrayList<>();
    for (int first = 0; first < byPartition.size(); first += fanIn) {
      groups.add(inOrder(byPartition.subList(first, Math.min(first + fanIn, byPartition.size()))));
    }
    return inOrder(groups);
  }

  /** Merges into the first accumulator the others, in list order. */
  public static GradientAccumulator inOrder(List<GradientAccumulator> parts) {
    GradientAccumulator total = null;
    for (GradientAccumulator part : parts) {
      if (total == null) total = part;
      else total.merge(part);
    }
    return total;
  }
}
