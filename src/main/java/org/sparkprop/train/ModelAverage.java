package org.sparkprop.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.sparkprop.optim.OptimizerState;

/**
 * The average of the partitions' models after a local-step round: weights and every optimizer
 * state slot, each partition weighted by the rows it stepped on, summed in double in the order the
 * partitions are added, divided once at the end. Adding partitions in partition-index order (or
 * the fixed two-level tree of {@link #merge(List, int)}) makes the average the same bits whatever
 * ran the partitions, where and when.
 *
 * <p>Why rows as weights: a partition that holds more of the round's rows took its steps on more
 * evidence, and the weighted average of one partition is that partition's model exactly (n x / n
 * in double, n below 2^29, is x), so with one partition K local steps are K synchronous rounds to
 * the bit. A partition with no rows in the round counts for nothing.
 *
 * <p>Order of use: {@link #add} partitions (or {@link #merge} averages of consecutive groups) in
 * order; then {@link #params()} and {@link #state}.
 */
public final class ModelAverage implements Serializable, KernelStamped {
  private static final long serialVersionUID = 1L;

  private double[] paramSums;     // (parameters): sum of rows_p x params_p; null until the first add
  private double[][] slotSums;    // (slots, parameters): the same for each optimizer slot
  private long rows;
  private double lossSum;
  private double largestNorm;
  private String divergence;      // the first partition's (in order) that diverged; null if none
  private long computeNanos;      // the slowest partition's
  private String kernel;
  private String host;

  /** Adds one partition's model; partitions must come in partition order. */
  public ModelAverage add(PartitionModel model) {
    checkKernel(model.kernel(), model.host());
    float[] params = model.params();
    float[][] slots = model.slots();
    allocate(params.length, slots.length);
    checkShape(params.length, slots.length);
    long n = model.rows();
    if (n > 0) {
      addScaled(paramSums, params, n);
      for (int s = 0; s < slots.length; s++) addScaled(slotSums[s], slots[s], n);
    }
    rows += n;
    lossSum += model.lossSum();
    largestNorm = Math.max(largestNorm, model.largestNorm());
    if (divergence == null) divergence = model.divergence();
    computeNanos = Math.max(computeNanos, model.computeNanos());
    return this;
  }

  /** Adds the average of the next group of partitions (groups in order). */
  public ModelAverage merge(ModelAverage other) {
    checkKernel(other.kernel, other.host);
    if (other.paramSums == null) return this;
    allocate(other.paramSums.length, other.slotSums.length);
    checkShape(other.paramSums.length, other.slotSums.length);
    for (int i = 0; i < paramSums.length; i++) paramSums[i] += other.paramSums[i];
    for (int s = 0; s < slotSums.length; s++) {
      double[] sum = slotSums[s];
      double[] o = other.slotSums[s];
      for (int i = 0; i < sum.length; i++) sum[i] += o[i];
    }
    rows += other.rows;
    lossSum += other.lossSum;
    largestNorm = Math.max(largestNorm, other.largestNorm);
    if (divergence == null) divergence = other.divergence;
    computeNanos = Math.max(computeNanos, other.computeNanos);
    return this;
  }

  /** The partitions' models averaged in partition order. */
  public static ModelAverage inOrder(List<PartitionModel> byPartition) {
    ModelAverage average = new ModelAverage();
    for (PartitionModel m : byPartition) average.add(m);
    return average;
  }

  /**
   * The partitions' models averaged as a Spark round merges them: up to {@code fanIn} partitions in
   * partition order; beyond that, groups of {@code fanIn} consecutive partitions each averaged in
   * order (by executors), then the groups in order (by the driver). The same tree as
   * {@link PartitionRound#merge} for gradients.
   */
  public static ModelAverage merge(List<PartitionModel> byPartition, int fanIn) {
    if (byPartition.size() <= fanIn) return inOrder(byPartition);
    List<ModelAverage> groups = new ArrayList<>();
    for (int first = 0; first < byPartition.size(); first += fanIn) {
      groups.add(inOrder(byPartition.subList(first, Math.min(first + fanIn, byPartition.size()))));
    }
    ModelAverage total = new ModelAverage();
    for (ModelAverage g : groups) total.merge(g);
    return total;
  }

  /** The rows-weighted mean weights. */
  public float[] params() {
    return mean(paramSums);
  }

  /** The rows-weighted mean optimizer state, of optimizer {@code kind} after {@code steps} steps. */
  public OptimizerState state(String kind, long steps) {
    float[][] slots = new float[slotSums.length][];
    for (int s = 0; s < slots.length; s++) slots[s] = mean(slotSums[s]);
    return new OptimizerState(kind, steps, slots);
  }

  /** Rows stepped on, over all partitions and steps. */
  public long rows() {
    return rows;
  }

  public double lossSum() {
    return lossSum;
  }

  /** The largest local gradient norm (before clipping) of any step of any partition. */
  public double largestNorm() {
    return largestNorm;
  }

  /** What diverged first in partition order; null if nothing did. */
  public String divergence() {
    return divergence;
  }

  /** The slowest partition's compute time. */
  public long computeNanos() {
    return computeNanos;
  }

  @Override
  public String kernel() {
    return kernel;
  }

  @Override
  public String host() {
    return host;
  }

  private void allocate(int parameters, int slots) {
    if (paramSums != null) return;
    paramSums = new double[parameters];
    slotSums = new double[slots][parameters];
  }

  private void checkShape(int parameters, int slots) {
    if (parameters != paramSums.length || slots != slotSums.length) {
      throw new IllegalArgumentException("cannot average a model of " + parameters + " parameters and " + slots
          + " optimizer slots with one of " + paramSums.length + " and " + slotSums.length);
    }
  }

  private void checkKernel(String otherKernel, String otherHost) {
    if (kernel != null && otherKernel != null && !kernel.equals(otherKernel)) {
      // Models of two kernels are two different computations: the bits would depend on where tasks ran.
      throw new IllegalStateException("cannot average a model computed with the GEMM kernel " + otherKernel + " on "
          + otherHost + " with one computed with " + kernel + " on " + host);
    }
    if (kernel == null) {
      kernel = otherKernel;
      host = otherHost;
    }
  }

  private static void addScaled(double[] sum, float[] values, long weight) {
    for (int i = 0; i < sum.length; i++) sum[i] += weight * (double) values[i];
  }

  private float[] mean(double[] sum) {
    if (rows == 0) throw new IllegalStateException("no partition stepped on any row: nothing to average");
    float[] out = new float[sum.length];
    double n = rows;
    for (int i = 0; i < out.length; i++) out[i] = (float) (sum[i] / n);
    return out;
  }
}
