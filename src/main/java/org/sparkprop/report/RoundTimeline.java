package org.sparkprop.report;

import java.util.Arrays;
import org.sparkprop.train.RoundTime;

/**
 * The per-round time split (broadcast, compute, aggregate, update, other) over a whole run, in
 * bounded memory: rounds are averaged in buckets of equal width, and when the buckets are full
 * neighbours are merged pairwise and the width doubles. A run of any length keeps between
 * {@code capacity / 2} and {@code capacity} points.
 */
public final class RoundTimeline {
  public static final String[] PARTS = RoundTime.PARTS;
  private final int capacity;
  private final long[] lastRound; // (capacity): the last round number in each bucket
  private final double[][] sums;  // (PARTS, capacity): summed nanoseconds per bucket
  private final int[] counts;     // (capacity): rounds in each bucket
  private int buckets;
  private int width = 1;          // rounds per full bucket

  public RoundTimeline(int capacity) {
    if (capacity < 2 || capacity % 2 != 0) throw new IllegalArgumentException("capacity must be even and >= 2");
    this.capacity = capacity;
    this.lastRound = new long[capacity];
    this.sums = new double[PARTS.length][capacity];
    this.counts = new int[capacity];
  }

  /** Adds one round; {@code nanos} holds the five parts in the order of {@link #PARTS}. */
  public void add(long round, long... nanos) {
    if (nanos.length != PARTS.length) throw new IllegalArgumentException("expected " + PARTS.length + " parts");
    if (buckets == 0 || counts[buckets - 1] == width) {
      if (buckets == capacity) halve();
      buckets++;
    }
    int b = buckets - 1;
    for (int p = 0; p < PARTS.length; p++) sums[p][b] += nanos[p];
    counts[b]++;
    lastRound[b] = round;
  }

  private void halve() {
    for (int i = 0; i < capacity / 2; i++) {
      for (int p = 0; p < PARTS.length; p++) sums[p][i] = sums[p][2 * i] + sums[p][2 * i + 1];
      counts[i] = counts[2 * i] + counts[2 * i + 1];
      lastRound[i] = lastRound[2 * i + 1];
    }
    Arrays.fill(counts, capacity / 2, capacity, 0);
    for (double[] s : sums) Arrays.fill(s, capacity / 2, capacity, 0);
    buckets = capacity / 2;
    width *= 2;
  }

  /** Number of points. */
  public int size() {
    return buckets;
  }

  /** Rounds averaged into each point (the last point may hold fewer). */
  public int roundsPerPoint() {
    return width;
  }

  /** The last round of point i. */
  public long round(int i) {
    return lastRound[i];
  }

  /** Mean milliseconds per round of part p at point i. */
  public double meanMs(int part, int i) {
    return sums[part][i] / counts[i] / 1e6;
  }
}
