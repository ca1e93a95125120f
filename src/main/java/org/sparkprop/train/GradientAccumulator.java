package org.sparkprop.train;

import java.io.Serializable;

/**
 * Sum of per-example gradients and losses over some set of rows, and how many rows. The shape of
 * Spark MLlib's loss aggregators: rows are added block by block, two accumulators merge, and the
 * division by the example count happens once, in {@link #meanGradient}, after every merge.
 *
 * <p>Order of use: {@code new} (or {@link #empty}); {@code add} blocks through {@link BlockGradient};
 * {@link #merge} partial accumulators in a fixed order (float addition is not associative, so a
 * fixed order is what makes runs reproducible to the bit); {@link #meanGradient} once.
 */
public final class GradientAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  float[] gradientSum; // (parameters): same layout as the parameters
  double lossSum;
  long count;
  /** Nanoseconds of forward/backward work spent in tasks; merged as the maximum (the critical path). */
  long computeNanos;

  public GradientAccumulator(int parameterCount) {
    this.gradientSum = new float[parameterCount];
  }

  /** Kryo needs a no-argument constructor. */
  GradientAccumulator() {
  }

  public float[] gradientSum() { return gradientSum; }
  public double lossSum() { return lossSum; }
  public long count() { return count; }
  public long computeNanos() { return computeNanos; }

  public void addLoss(double loss, long rows) {
    lossSum += loss;
    count += rows;
  }

  public void addComputeNanos(long nanos) {
    computeNanos += nanos;
  }

  /** Back to the empty state, keeping the gradient array for reuse. */
  public void reset() {
    java.util.Arrays.fill(gradientSum, 0f);
    lossSum = 0;
    count = 0;
    computeNanos = 0;
  }

  /** this += other (gradients, losses, counts). */
  public GradientAccumulator merge(GradientAccumulator other) {
    if (other.gradientSum.length != gradientSum.length) {
      throw new IllegalArgumentException("cannot merge gradients of " + other.gradientSum.length
          + " and " + gradientSum.length + " parameters");
    }
    float[] g = gradientSum;
    float[] o = other.gradientSum;
    for (int i = 0; i < g.length; i++) g[i] += o[i];
    lossSum += other.lossSum;
    count += other.count;
    computeNanos = Math.max(computeNanos, other.computeNanos);
    return this;
  }

  /** Mean gradient over all examples added, written into out. */
  public void meanGradient(float[] out) {
    if (count == 0) throw new IllegalStateException("no examples were added");
    float n = count; // exact for counts below 2^24; larger global batches round the divisor by < 1e-7
    for (int i = 0; i < out.length; i++) out[i] = gradientSum[i] / n;
  }

  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }
}
