package org.sparkprop.train;

import java.io.Serializable;

/**
 * One partition's result of a local-step round: its weights and optimizer state after its steps,
 * the rows it stepped on (its weight in the average), its training loss, and what went wrong if a
 * step diverged. A task result; the driver averages them in partition order ({@link ModelAverage}).
 */
public final class PartitionModel implements Serializable, KernelStamped {
  private static final long serialVersionUID = 1L;

  private final float[] params;      // (parameters)
  private final float[][] slots;     // (slots, parameters)
  private final long rows;
  private final double lossSum;      // as the synchronous loop counts it: see LocalStepRunner
  private final double largestNorm;  // the largest local gradient norm before clipping
  private final String divergence;   // null unless a step met a non-finite loss or gradient
  private final long computeNanos;
  private String kernel;
  private String host;

  public PartitionModel(float[] params, float[][] slots, long rows, double lossSum, double largestNorm,
                        String divergence, long computeNanos) {
    this.params = params;
    this.slots = slots;
    this.rows = rows;
    this.lossSum = lossSum;
    this.largestNorm = largestNorm;
    this.divergence = divergence;
    this.computeNanos = computeNanos;
  }

  /** Records the GEMM kernel the steps ran with and where (checked on the driver as a gradient's is). */
  public PartitionModel computedWith(String kernel, String host) {
    this.kernel = kernel;
    this.host = host;
    return this;
  }

  float[] params() {
    return params;
  }

  float[][] slots() {
    return slots;
  }

  public long rows() {
    return rows;
  }

  public double lossSum() {
    return lossSum;
  }

  public double largestNorm() {
    return largestNorm;
  }

  /** What diverged, naming the partition, step and batch; null if nothing did. */
  public String divergence() {
    return divergence;
  }

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
}
