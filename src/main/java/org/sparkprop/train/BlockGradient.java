package org.sparkprop.train;

import org.sparkprop.data.PackedBlock;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;

/**
 * The per-partition work of one round: select this block's rows of global batch t, gather them in
 * shuffled order into the workspace in chunks, and run forward+backward on each chunk, adding into
 * the accumulator. Used identically by the single-JVM trainer (one block holding every row) and by
 * every Spark task (one block per partition), which is what makes the two follow the same
 * trajectory.
 */
public final class BlockGradient {
  private BlockGradient() {
  }

  public static void accumulate(DenseNetwork network, float[] params, PackedBlock block,
                                EpochPermutation permutation, long positionStart, long positionEnd,
                                GradientAccumulator acc, Workspace ws) {
    long started = System.nanoTime();
    int features = block.features;
    int tw = block.targetWidth;
    long first = block.firstIndex;
    long end = block.endIndex();
    int filled = 0;
    long rows = 0;
    double loss = 0;
    for (long p = positionStart; p < positionEnd; p++) {
      long row = permutation.rowAt(p);
      if (row < first || row >= end) continue;
      int local = (int) (row - first);
      System.arraycopy(block.x, local * features, ws.input, filled * features, features);
      System.arraycopy(block.y, local * tw, ws.target, filled * tw, tw);
      if (++filled == ws.capacity()) {
        loss += network.forwardBackward(params, filled, tw, acc.gradientSum, ws);
        rows += filled;
        filled = 0;
      }
    }
    if (filled > 0) {
      loss += network.forwardBackward(params, filled, tw, acc.gradientSum, ws);
      rows += filled;
    }
    acc.addLoss(loss, rows);
    acc.addComputeNanos(System.nanoTime() - started);
  }
}
