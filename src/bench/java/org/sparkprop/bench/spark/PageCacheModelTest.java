package org.sparkprop.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The page-cache model's arithmetic: units a row touches, misses, distinct units of a round, the fitted cost and the bound. */
class PageCacheModelTest {
  private static final long MIB = 1 << 20;

  @Test
  void pagesPerRowIsTheMeanOverEveryOffsetInAPage() {
    int page = 64; // small enough to count every offset
    for (int rowBytes : new int[] {1, 16, 63, 64, 65, 100, 200}) {
      long touched = 0;
      for (int offset = 0; offset < page; offset++) {
        touched += (offset + rowBytes - 1) / page - offset / page + 1;
      }
      assertEquals((double) touched / page, PageCacheModel.pagesPerRow(rowBytes, page), 1e-12, "row of " + rowBytes + " bytes");
    }
    // The workload's rows: 256 float32 features in 4 KiB pages; a quarter of the offsets straddle two pages.
    assertEquals(1 + 1023.0 / 4096, PageCacheModel.pagesPerRow(1024, 4096), 1e-12);
  }

  @Test
  void theCacheMissesTheShareOfTheDataItDoesNotHold() {
    assertEquals(0.6, PageCacheModel.missShare(400, 1000), 1e-12);
    assertEquals(0.0, PageCacheModel.missShare(2000, 1000), 0.0, "data that fits is never read again");
  }

  @Test
  void distinctUnitsMatchACountOfRandomDraws() {
    SplittableRandom r = new SplittableRandom(3);
    int units = 50;
    int draws = 40;
    int trials = 20_000;
    long distinct = 0;
    for (int t = 0; t < trials; t++) {
      boolean[] seen = new boolean[units];
      for (int d = 0; d < draws; d++) {
        int u = r.nextInt(units);
        if (!seen[u]) {
          seen[u] = true;
          distinct++;
        }
      }
    }
    // The mean of 20,000 trials: its standard error is about 0.02 units; 0.1 is five of them.
    assertEquals((double) distinct / trials, PageCacheModel.distinctUnits(units, draws), 0.1);
  }

  @Test
  void smallBatchesReadAUnitPerRowAndLargeOnesAtMostTheUncachedData() {
    // 1,500 MiB of rows, 600 MiB cached, read a page at a time.
    PageCacheModel pages = new PageCacheModel(0.1, 10e-6, 1500 * MIB, 600 * MIB, 4096, 1024, 20e6);
    double perRow = (1 + 1023.0 / 4096) * 0.6 * 4096; // pages a row touches x the share missed x a page
    // 512 rows touch 640 of 384,000 pages: repeats take about 640 / (2 x 384,000) = 0.08% off.
    assertEquals(512 * perRow, pages.readBytesPerRound(512), 512 * perRow * 1e-3);
    // Read 3 MiB at a time, the same data is 500 units: a batch of 100,000 touches every one; the cache holds 40% of them.
    PageCacheModel big = new PageCacheModel(0.1, 10e-6, 1500 * MIB, 600 * MIB, 3 * MIB, 1024, 500e6);
    assertEquals(0.6 * 1500 * MIB, big.readBytesPerRound(100_000), 1e-6 * MIB);
    assertTrue(big.readBytesPerRound(1024) / 1024 > 2 * big.readBytesPerRound(8192) / 8192, "reads per row fall with the batch");
  }

  @Test
  void aLineThroughMeasuredRoundsGivesTheFixedAndPerRowCosts() {
    double[] batches = {512, 2048, 8192};
    double[] seconds = new double[3];
    for (int i = 0; i < 3; i++) seconds[i] = 0.08 + 3e-6 * batches[i];
    double[] line = PageCacheModel.fitLine(batches, seconds);
    assertEquals(0.08, line[0], 1e-12);
    assertEquals(3e-6, line[1], 1e-15);
  }

  @Test
  void readsThatStopGrowingLeaveTheLargeBatchesToCompute() {
    PageCacheModel m = new PageCacheModel(0.1, 50e-6, 1500 * MIB, 600 * MIB, 3 * MIB, 1024, 500e6);
    double[] bound = m.diskBoundBatches(1_500_000);
    assertNotNull(bound);
    // Reads exceed the rest of the round between the two ends and not outside them (grid 1% apart).
    for (double b : new double[] {bound[0], Math.sqrt(bound[0] * bound[1]), bound[1]}) {
      assertTrue(m.readSeconds(b) > m.cachedSeconds(b), "batch " + b);
    }
    assertTrue(m.readSeconds(bound[0] / 1.02) <= m.cachedSeconds(bound[0] / 1.02));
    assertTrue(m.readSeconds(bound[1] * 1.02) <= m.cachedSeconds(bound[1] * 1.02));
    // Where compute takes over: 0.6 x 1500 MiB / 500 MB/s = 1.89 s of reads at most, which 0.1 s + 50 us a row passes at ~35,700 rows.
    assertEquals((0.6 * 1500 * MIB / 500e6 - 0.1) / 50e-6, bound[1], bound[1] * 0.02);
  }

  @Test
  void cheapReadsNeverBoundAndDearOnesBoundUpToTheLargestBatch() {
    assertNull(new PageCacheModel(0.1, 50e-6, 1500 * MIB, 600 * MIB, 4096, 1024, 1e9).diskBoundBatches(1e6));
    double[] all = new PageCacheModel(0.01, 1e-6, 1500 * MIB, 600 * MIB, 4096, 1024, 1e6).diskBoundBatches(1e5);
    assertNotNull(all);
    assertEquals(1e5, all[1], 1e-6);
  }
}
