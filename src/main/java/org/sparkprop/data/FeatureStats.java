package org.sparkprop.data;

import java.io.Serializable;

/**
 * Per-feature count, mean, sum of squared deviations, minimum and maximum, and the same for the
 * regression target: what feature scaling is fitted from. Computed per block with a two-pass
 * formula and merged with Chan's parallel update, in double, so that partition results combine
 * accurately; merging in a fixed order (partition index) makes the result reproducible.
 */
public final class FeatureStats implements Serializable {
  private static final long serialVersionUID = 1L;

  long count;
  double[] mean;     // (features)
  double[] m2;       // (features) sum of squared deviations from the mean
  float[] min;       // (features)
  float[] max;       // (features)
  double[] targetMean = new double[1]; // (targets) one per target value of a row (several for several outputs)
  double[] targetM2 = new double[1];   // (targets)

  public FeatureStats(int features) {
    mean = new double[features];
    m2 = new double[features];
    min = new float[features];
    max = new float[features];
    java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
  }

  FeatureStats() {
  }

  /** Statistics of the rows of {@code block} that {@code include} accepts (by global index). */
  public static FeatureStats of(PackedBlock block, java.util.function.LongPredicate include) {
    int w = block.features;
    int tw = block.targetWidth;
    FeatureStats s = new FeatureStats(w);
    double[] sum = new double[w];
    double[] targetSum = new double[tw];
    s.targetMean = new double[tw];
    s.targetM2 = new double[tw];
    for (int r = 0; r < block.rows; r++) {
      if (!include.test(block.firstIndex + r)) continue;
      s.count++;
      int o = r * w;
      for (int j = 0; j < w; j++) {
        float v = block.x[o + j];
        sum[j] += v;
        if (v < s.min[j]) s.min[j] = v;
        if (v > s.max[j]) s.max[j] = v;
      }
      for (int k = 0; k < tw; k++) targetSum[k] += block.y[r * tw + k];
    }
    if (s.count == 0) return s;
    for (int j = 0; j < w; j++) s.mean[j] = sum[j] / s.count;
    for (int k = 0; k < tw; k++) s.targetMean[k] = targetSum[k] / s.count;
    for (int r = 0; r < block.rows; r++) {
      if (!include.test(block.firstIndex + r)) continue;
      int o = r * w;
      for (int j = 0; j < w; j++) {
        double d = block.x[o + j] - s.mean[j];
        s.m2[j] += d * d;
      }
      for (int k = 0; k < tw; k++) {
        double dt = block.y[r * tw + k] - s.targetMean[k];
        s.targetM2[k] += dt * dt;
      }
    }
    return s;
  }

  /** Adds {@code o}'s rows into this one. */
  public FeatureStats merge(FeatureStats o) {
    if (o.count == 0) return this;
    if (count == 0) {
      count = o.count;
      mean = o.mean.clone();
      m2 = o.m2.clone();
      min = o.min.clone();
      max = o.max.clone();
      targetMean = o.targetMean.clone();
      targetM2 = o.targetM2.clone();
      return this;
    }
    double n = count + o.count;
    for (int j = 0; j < mean.length; j++) {
      double delta = o.mean[j] - mean[j];
      m2[j] += o.m2[j] + delta * delta * count * o.count / n;
      mean[j] += delta * o.count / n;
      min[j] = Math.min(min[j], o.min[j]);
      max[j] = Math.max(max[j], o.max[j]);
    }
    for (int k = 0; k < targetMean.length; k++) {
      double dt = o.targetMean[k] - targetMean[k];
      targetM2[k] += o.targetM2[k] + dt * dt * count * o.count / n;
      targetMean[k] += dt * o.count / n;
    }
    count += o.count;
    return this;
  }

  public long count() {
    return count;
  }

  public int features() {
    return mean.length;
  }

  public double mean(int j) {
    return mean[j];
  }

  /** Population standard deviation (divides by n, as scikit-learn's StandardScaler). */
  public double std(int j) {
    return count == 0 ? 0 : Math.sqrt(m2[j] / count);
  }

  public float min(int j) {
    return min[j];
  }

  public float max(int j) {
    return max[j];
  }

  public double targetMean() {
    return targetMean(0);
  }

  public double targetStd() {
    return targetStd(0);
  }

  /** Target values per row the statistics cover (several for several outputs). */
  public int targets() {
    return targetMean.length;
  }

  public double targetMean(int k) {
    return targetMean[k];
  }

  /** Population standard deviation of target {@code k}, as {@link #std(int)}. */
  public double targetStd(int k) {
    return count == 0 ? 0 : Math.sqrt(targetM2[k] / count);
  }
}
