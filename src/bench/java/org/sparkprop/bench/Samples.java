package org.sparkprop.bench;

import java.util.Arrays;

/** Order statistics of repeated timings; medians and upper percentiles resist a noisy, shared machine. */
public final class Samples {
  private long[] values = new long[16];
  private int size;

  public void add(long value) {
    if (size == values.length) values = Arrays.copyOf(values, size * 2);
    values[size++] = value;
  }

  public void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) add(other.values[i]);
  }

  public int size() {
    return size;
  }

  /** The q-quantile (0..1) by the nearest-rank method; NaN when empty. */
  public double quantile(double q) {
    if (size == 0) return Double.NaN;
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  public double median() {
    return quantile(0.5);
  }

  public double p90() {
    return quantile(0.9);
  }

  public double mean() {
    if (size == 0) return Double.NaN;
    double s = 0;
    for (int i = 0; i < size; i++) s += values[i];
    return s / size;
  }

  /** Median in milliseconds, for values in nanoseconds. */
  public double medianMs() {
    return median() / 1e6;
  }

  public double p90Ms() {
    return p90() / 1e6;
  }
}
