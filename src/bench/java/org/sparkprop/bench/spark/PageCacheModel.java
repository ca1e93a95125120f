package org.sparkprop.bench.spark;

/**
 * The cost of a round whose rows are memory-mapped from files larger than the page cache that
 * holds them: what the round costs with every row in the cache ({@code fixedSeconds +
 * batch * computeSecondsPerRow}, measured) plus the disk reads of the rows that are not.
 *
 * <p>A round reads its rows one at a time in shuffled order, so every row is a random access. The
 * kernel reads a missed row's file in units of {@code readUnitBytes} (one page, or, with read-around
 * and large folios, much more), so the data is {@code W = dataBytes / readUnitBytes} units and a row
 * of {@code b} bytes at any offset touches {@code k = 1 + (b - 1) / readUnitBytes} of them. The
 * {@code batch * k} random touches of a round fall on {@code W (1 - (1 - 1/W)^(batch k))} distinct
 * units on average, and each of those is in the cache with probability {@code cache / data}
 * (uniform random references: no eviction policy that does not know the future does better); the
 * others are read once, at the disk's rate for reads of that size. Small batches read about one unit
 * a row; a batch that touches most units reads at most the uncached share of the data, so the reads
 * per row fall and, from some batch on, the round's compute costs more than its reads.
 *
 * <p>The labels (4 bytes a row, in a region of their own, touched a thousand times a page) are taken
 * to be cached. Reads and compute are added, not overlapped: a task waits for a page it faults on.
 *
 * @param fixedSeconds         a round's cost that does not grow with the batch (scheduling, broadcast, merge)
 * @param computeSecondsPerRow a round's cost per row with the rows cached
 * @param dataBytes            the row files' bytes
 * @param cacheBytes           the page cache the rows may keep
 * @param readUnitBytes        bytes the kernel reads for a missed row
 * @param rowBytes             a row's feature bytes
 * @param readBytesPerSecond   the disk's random-read rate for reads of {@code readUnitBytes}, as many in flight as tasks
 */
record PageCacheModel(double fixedSeconds, double computeSecondsPerRow, long dataBytes, long cacheBytes, long readUnitBytes,
                      int rowBytes, double readBytesPerSecond) {
  /** The pages (or units) a row of {@code rowBytes} touches on average, its offset uniform over a unit. */
  static double pagesPerRow(int rowBytes, long pageBytes) {
    return 1 + (rowBytes - 1.0) / pageBytes;
  }

  /** The share of references the cache misses: 1 - cache/data, none when the data fits. */
  static double missShare(long cacheBytes, long dataBytes) {
    return Math.max(0, 1 - (double) cacheBytes / dataBytes);
  }

  /** The expected distinct units among {@code touches} uniform random draws from {@code units} (with replacement). */
  static double distinctUnits(double units, double touches) {
    return units * -Math.expm1(touches * Math.log1p(-1 / units));
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

  /** The read units the data is made of (at least one). */
  double units() {
    return Math.max(1, (double) dataBytes / readUnitBytes);
  }

  /** The bytes a round of {@code batch} rows reads from the disk. */
  double readBytesPerRound(double batch) {
    double touched = distinctUnits(units(), batch * pagesPerRow(rowBytes, readUnitBytes));
    return touched * missShare(cacheBytes, dataBytes) * readUnitBytes;
  }

  /** A round's disk reads, in seconds. */
  double readSeconds(double batch) {
    return readBytesPerRound(batch) / readBytesPerSecond;
  }

  /** Everything else a round costs: what it costs with its rows cached. */
  double cachedSeconds(double batch) {
    return fixedSeconds + batch * computeSecondsPerRow;
  }

  double roundSeconds(double batch) {
    return cachedSeconds(batch) + readSeconds(batch);
  }

  double rowsPerSecond(double batch) {
    return batch / roundSeconds(batch);
  }

  /**
   * The batches (up to {@code maxBatch}) whose disk reads take longer than the rest of the round,
   * as {@code [from, to]} on a grid 1% apart; null when there are none. Reads grow linearly while a
   * batch touches few units and stop growing when it touches them all, compute grows linearly
   * throughout: above {@code to} compute bounds a round ({@code to = maxBatch}: the disk bounds
   * every batch up to it); below {@code from} the round's fixed cost does.
   */
  double[] diskBoundBatches(double maxBatch) {
    double from = Double.NaN;
    double to = Double.NaN;
    for (double b = 1; ; b = Math.min(b * 1.01, maxBatch)) {
      if (readSeconds(b) > cachedSeconds(b)) {
        if (Double.isNaN(from)) from = b;
        to = b;
      }
      if (b >= maxBatch) break;
    }
    return Double.isNaN(from) ? null : new double[] {from, to};
  }
}
