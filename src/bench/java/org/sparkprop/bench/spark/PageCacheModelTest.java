package org.sparkprop.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The page-cache model's arithmetic: pages a row touches, misses, the fitted round cost and where the disk bounds. */
class PageCacheModelTest {
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
    // 1.25 pages a row, 60% missed, 5000 reads/s: 150 microseconds of reads per row.
    assertEquals(150e-6, PageCacheModel.readSecondsPerRow(1.25, 0.6, 5000), 1e-12);
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
  void readsCostlierThanComputeBoundEveryBatchAboveTheFixedCostsShare() {
    PageCacheModel m = new PageCacheModel(0.1, 10e-6, 150e-6);
    OptionalDouble above = m.diskBoundAboveBatch();
    assertTrue(above.isPresent());
    // There the reads and the rest of the round take equally long; above it the reads take longer.
    double b = above.getAsDouble();
    assertEquals(m.cachedSeconds(b), m.readSeconds(b), 1e-12);
    assertTrue(m.readSeconds(2 * b) > m.cachedSeconds(2 * b));
    assertTrue(m.readSeconds(b / 2) < m.cachedSeconds(b / 2));
    assertEquals(4096 / (0.1 + 4096 * 160e-6), m.rowsPerSecond(4096), 1e-9);
  }

  @Test
  void readsCheaperThanComputeNeverBoundARound() {
    PageCacheModel m = new PageCacheModel(0.1, 10e-6, 5e-6);
    assertFalse(m.diskBoundAboveBatch().isPresent());
    for (double b : new double[] {1, 1e3, 1e6, 1e9}) assertTrue(m.readSeconds(b) < m.cachedSeconds(b));
  }

  @Test
  void theCacheShareForComputeBoundMakesReadsCostWhatComputeDoes() {
    double compute = 20e-6;
    double pages = 1.25;
    double rate = 5000;
    double share = PageCacheModel.cacheShareForComputeBound(compute, pages, rate);
    assertEquals(compute, PageCacheModel.readSecondsPerRow(pages, PageCacheModel.missShare((long) (share * 1e12), (long) 1e12),
        rate), 1e-12);
    assertEquals(0.0, PageCacheModel.cacheShareForComputeBound(1e-3, pages, rate), 0.0, "reads cheaper even uncached");
  }
}
