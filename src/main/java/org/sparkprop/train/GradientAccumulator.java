package org.sparkprop.train;

import java.io.Serializable;
import java.util.Arrays;
import org.sparkprop.data.RowBlock;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;

/**
 * Sum of per-example gradients and losses over some set of rows, and how many rows. The shape of
 * Spark MLlib's {@code DifferentiableLossAggregator}: {@link #add} takes one block's rows of a
 * global batch, {@link #merge} combines two accumulators, and the division by the example count
 * happens once, in {@link #meanGradient}, after every merge.
 *
 * <p>Order of use: {@code new}; {@link #add} blocks (the single-JVM trainer adds its one block, a
 * Spark task the blocks of its partition); {@link #merge} partial accumulators in a fixed order
 * (float addition is not associative, so a fixed order is what makes runs reproducible to the
 * bit); {@link #meanGradient} once. {@link #reset} makes it empty again for the next round.
 */
public final class GradientAccumulator implements Serializable, KernelStamped {
  private static final long serialVersionUID = 1L;

  private float[] gradientSum; // (parameters): same layout as the parameters
  private double lossSum;      // sum of w_i l_i (w_i = 1 for unweighted rows)
  private long count;
  private double weightSum;    // sum of w_i in the order rows were added: equals count for unweighted rows
  private boolean weighted;    // some rows added carried sample weights
  /** Nanoseconds of forward/backward work spent in tasks; merged as the maximum (the critical path). */
  private long computeNanos;
  /** The GEMM kernel the gradient was computed with, and where; null when not told (the local trainer). */
  private String kernel;
  private String host;

  public GradientAccumulator(int parameterCount) {
    this.gradientSum = new float[parameterCount];
  }

  /** Kryo needs a no-argument constructor. */
  GradientAccumulator() {
  }

  public double lossSum() {
    return lossSum;
  }

  public long count() {
    return count;
  }

  /** Sum of the sample weights of the rows added: {@link #count} when no row carried a weight. */
  public double weightSum() {
    return weightSum;
  }

  /** Whether any row added carried a sample weight. */
  public boolean weighted() {
    return weighted;
  }

  public long computeNanos() {
    return computeNanos;
  }

  /** Records the GEMM kernel this gradient was computed with and the host that ran it. */
  public GradientAccumulator computedWith(String kernel, String host) {
    this.kernel = kernel;
    this.host = host;
    return this;
  }

  /** The GEMM kernel this gradient was computed with; null if not recorded. */
  @Override
  public String kernel() {
    return kernel;
  }

  /** The host that computed this gradient (the first one, after merges of the same kernel); null if not recorded. */
  @Override
  public String host() {
    return host;
  }

  /**
   * Adds the rows of {@code block} that global batch [positionStart, positionEnd) of the epoch's
   * shuffled order holds: they are gathered in shuffled order into the workspace, a chunk of
   * {@code ws.capacity()} rows at a time, and each chunk's forward and backward pass adds its
   * gradient into the sum. The single-JVM trainer and every Spark task run exactly this, which is
   * what makes the two follow the same trajectory.
   */
  public GradientAccumulator add(DenseNetwork network, float[] params, RowBlock block, EpochPermutation permutation,
                                 long positionStart, long positionEnd, Workspace ws) {
    long started = System.nanoTime();
    int features = block.features();
    int tw = block.targetWidth();
    long first = block.firstIndex();
    long end = block.endIndex();
    boolean w = block.weighted();
    int filled = 0;
    long rows = 0;
    double loss = 0; // this block's loss, added to lossSum once: the same sums whatever came before
    double weights = 0; // this block's weight sum, in the rows' shuffled order: reproducible
    for (long p = positionStart; p < positionEnd; p++) {
      long row = permutation.rowAt(p);
      if (row < first || row >= end) continue;
      int local = (int) (row - first);
      block.copyRows(local, 1, ws.input, filled * features, ws.target, filled * tw);
      if (w) {
        block.copyWeights(local, 1, ws.weight, filled);
        weights += ws.weight[filled];
      }
      if (++filled == ws.capacity()) {
        loss += network.forwardBackward(params, filled, tw, w, gradientSum, ws);
        rows += filled;
        filled = 0;
      }
    }
    if (filled > 0) {
      loss += network.forwardBackward(params, filled, tw, w, gradientSum, ws);
      rows += filled;
    }
    lossSum += loss;
    count += rows;
    weightSum += w ? weights : rows;
    weighted |= w;
    computeNanos += System.nanoTime() - started;
    return this;
  }

  /** this += other (gradients, losses, counts). */
  public GradientAccumulator merge(GradientAccumulator other) {
    if (other.gradientSum.length != gradientSum.length) {
      throw new IllegalArgumentException("cannot merge gradients of " + other.gradientSum.length
          + " and " + gradientSum.length + " parameters");
    }
    if (kernel != null && other.kernel != null && !kernel.equals(other.kernel)) {
      // Sums of two kernels are sums of two different computations: the bits would depend on where tasks ran.
      throw new IllegalStateException("cannot merge a gradient computed with the GEMM kernel " + other.kernel + " on "
          + other.host + " into one computed with " + kernel + " on " + host);
    }
    if (kernel == null) {
      kernel = other.kernel;
      host = other.host;
    }
    float[] g = gradientSum;
    float[] o = other.gradientSum;
    for (int i = 0; i < g.length; i++) g[i] += o[i];
    lossSum += other.lossSum;
    count += other.count;
    weightSum += other.weightSum;
    weighted |= other.weighted;
    computeNanos = Math.max(computeNanos, other.computeNanos);
    return this;
  }

  /** Back to the empty state, keeping the gradient array for reuse. */
  public void reset() {
    Arrays.fill(gradientSum, 0f);
    lossSum = 0;
    count = 0;
    weightSum = 0;
    weighted = false;
    computeNanos = 0;
  }

  /**
   * The one division by the example count: the mean gradient over all examples added, written into
   * out. With sample weights it is the weighted mean sum(w_i g_i) / sum(w_i), as Spark ML's
   * weighted aggregators divide by the weight sum. Rows whose weights are all 0 give a zero gradient.
   */
  public void meanGradient(float[] out) {
    if (count == 0) throw new IllegalStateException("no examples were added");
    if (weightSum == 0) {
      Arrays.fill(out, 0f); // only zero-weight rows: they count for nothing
      return;
    }
    // The weight sum of unweighted rows is the count, held exactly in a double, so the divisor is
    // the float it always was: exact for counts below 2^24; larger batches round it by < 1e-7.
    float n = (float) weightSum;
    for (int i = 0; i < out.length; i++) out[i] = gradientSum[i] / n;
  }

  /** The (weighted) mean loss; 0 when every row added weighs 0. */
  public double meanLoss() {
    if (count == 0) return Double.NaN;
    return weightSum == 0 ? 0 : lossSum / weightSum;
  }
}
