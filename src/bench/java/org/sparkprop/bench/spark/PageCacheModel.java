package org.sparkprop.bench.spark;

import java.util.OptionalDouble;

/**
 * The cost of a round whose rows are memory-mapped from files larger than the page cache that
 * holds them: what the round costs with every row in the cache ({@code fixedSeconds +
 * batch * computeSecondsPerRow}, measured) plus the disk reads of the rows' pages that are not
 * ({@code batch * readSecondsPerRow}).
 *
 * <p>A round reads its rows one at a time in shuffled order, so every row is a random access: a
 * row of {@code b} bytes at any offset touches {@code 1 + (b - 1) / page} pages on average, and a
 * page is in the cache with probability {@code cache / data} (uniform random references: no
 * eviction policy that does not know the future does better). A missed page is one random read of
 * a page at the rate the disk gives with as many reads in flight as a round has tasks running. The
 * labels (4 bytes a row, in a region of their own) are taken to be always cached: each of their pages
 * is touched by a thousand rows. Reads and compute are added, not overlapped: a task waits for a
 * page it faults on.
 *
 * @param fixedSeconds         a round's cost that does not grow with the batch (scheduling, broadcast, merge)
 * @param computeSecondsPerRow a round's cost per row with the rows in memory
 * @param readSecondsPerRow    the disk reads per row: missed pages per row / random reads per second
 */
record PageCacheModel(double fixedSeconds, double computeSecondsPerRow, double readSecondsPerRow) {
  /** The pages a row of {@code rowBytes} touches on average, its offset uniform over a page. */
  static double pagesPerRow(int rowBytes, int pageBytes) {
    return 1 + (rowBytes - 1.0) / pageBytes;
  }

  /** The share of page references the cache misses: 1 - cache/data, none when the data fits. */
  static double missShare(long cacheBytes, long dataBytes) {
    return Math.max(0, 1 - (double) cacheBytes / dataBytes);
  }

  /** Seconds of disk reads per row: {@code pagesPerRow * missShare} random reads at {@code readsPerSecond}. */
  static double readSecondsPerRow(double pagesPerRow, double missShare, double readsPerSecond) {
    return pagesPerRow * missShare / readsPerSecond;
  }

  /** {@code seconds = fixed + perRow * batch}, fitted by least squares to measured rounds (at least two batch sizes). */
  static double[] fitLine(double[] batches, double[] roundSeconds) {
    int n = batches.length;
    if (n < 2 || roundSeconds.length != n) throw new IllegalArgumentException("need two or more (batch, seconds) pairs");
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += batches[i] / n;
      my += roundSeconds[i] / n;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (batches[i] - mx) * (roundSeconds[i] - my);
      sxx += (batches[i] - mx) * (batches[i] - mx);
    }
    if (sxx == 0) throw new IllegalArgumentException("need two or more different batch sizes");
    double slope = sxy / sxx;
    return new double[] {my - slope * mx, slope};
  }

  double roundSeconds(double batch) {
    return fixedSeconds + batch * (computeSecondsPerRow + readSecondsPerRow);
  }

  double rowsPerSecond(double batch) {
    return batch / roundSeconds(batch);
  }

  /** A round's disk reads, in seconds. */
  double readSeconds(double batch) {
    return batch * readSecondsPerRow;
  }

  /** Everything else a round costs: what it costs with its rows cached. */
  double cachedSeconds(double batch) {
    return fixedSeconds + batch * computeSecondsPerRow;
  }

  /**
   * The batch above which the disk reads take longer than the rest of the round, if any. Both grow
   * linearly with the batch, so a batch size can only move the bound between the round's fixed
   * cost and the reads: when a row's reads cost more than its compute, reads bound every batch above
   * {@code fixed / (read - compute)} and compute bounds none; when they cost less, reads bound no batch.
   */
  OptionalDouble diskBoundAboveBatch() {
    double excess = readSecondsPerRow - computeSecondsPerRow;
    return excess > 0 ? OptionalDouble.of(fixedSeconds / excess) : OptionalDouble.empty();
  }

  /**
   * The share of the data the page cache must hold for a row's reads to cost no more than its compute
   * (0 when they never do, even with nothing cached): where compute, not the disk, becomes the bound.
   */
  static double cacheShareForComputeBound(double computeSecondsPerRow, double pagesPerRow, double readsPerSecond) {
    return Math.max(0, 1 - computeSecondsPerRow * readsPerSecond / pagesPerRow);
  }
}
