package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** How an epoch is cut into global batches, and the permutation cache that serves its rounds. */
class GlobalBatchesTest {

  @Test
  void theLastBatchHoldsTheRemainder() {
    GlobalBatches b = new GlobalBatches(10, 4, 7);
    assertEquals(3, b.batchesPerEpoch());
    assertEquals(0, b.start(0));
    assertEquals(4, b.end(0));
    assertEquals(4, b.start(1));
    assertEquals(8, b.end(1));
    assertEquals(8, b.start(2));
    assertEquals(10, b.end(2), "2 rows, not 4");
    assertEquals(10, b.rows());
    assertEquals(4, b.batchSize());
    assertEquals(7, b.seed());
  }

  @Test
  void aBatchSizeThatDividesTheRowsGivesEqualBatches() {
    GlobalBatches b = new GlobalBatches(8, 4, 0);
    assertEquals(2, b.batchesPerEpoch());
    assertEquals(8, b.end(1));
    assertEquals(1, new GlobalBatches(1, 1, 0).batchesPerEpoch());
    assertEquals(1, new GlobalBatches(3, 100, 0).batchesPerEpoch(), "a batch larger than the data is the whole epoch");
    assertEquals(3, new GlobalBatches(3, 100, 0).end(0));
    // Positions past 2^31: the arithmetic is in longs.
    GlobalBatches big = new GlobalBatches(5_000_000_000L, 1_000_000_000, 0);
    assertEquals(5, big.batchesPerEpoch());
    assertEquals(4_000_000_000L, big.start(4));
    assertEquals(5_000_000_000L, big.end(4));
  }

  @Test
  void emptyDataAndNonPositiveBatchesAreRefused() {
    assertEquals("the training set is empty",
        assertThrows(IllegalArgumentException.class, () -> new GlobalBatches(0, 4, 0)).getMessage());
    assertEquals("batch size must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> new GlobalBatches(10, 0, 0)).getMessage());
    assertEquals("batch size must be positive, got -3",
        assertThrows(IllegalArgumentException.class, () -> new GlobalBatches(10, -3, 0)).getMessage());
  }

  @Test
  void anEpochsOrderIsTheSeededPermutationOfThatEpoch() {
    GlobalBatches b = new GlobalBatches(1000, 10, 5);
    EpochPermutation expected = new EpochPermutation(1000, 5, 3);
    EpochPermutation got = b.permutation(3);
    for (long p = 0; p < 1000; p++) assertEquals(expected.rowAt(p), got.rowAt(p));
    EpochPermutation other = b.permutation(4);
    int same = 0;
    for (long p = 0; p < 1000; p++) {
      if (other.rowAt(p) == got.rowAt(p)) same++;
    }
    // Two independent shuffles of 1000 rows agree in about one position; 20 would be a bias.
    assertNotEquals(1000, same);
    assertEquals(true, same < 20, same + " positions agree");
  }

  @Test
  void theCacheBuildsAnEpochsPermutationOnceAndAnotherEpochsAnew() {
    GlobalBatches b = new GlobalBatches(100, 10, 5);
    EpochPermutationCache cache = new EpochPermutationCache(b);
    assertSame(b, cache.batches());
    EpochPermutation first = cache.of(0);
    assertSame(first, cache.of(0));
    EpochPermutation second = cache.of(1);
    assertNotEquals(first, second);
    for (long p = 0; p < 100; p++) assertEquals(b.permutation(1).rowAt(p), second.rowAt(p));
    assertSame(second, cache.of(1));
    EpochPermutation again = cache.of(0);
    for (long p = 0; p < 100; p++) assertEquals(first.rowAt(p), again.rowAt(p));
  }
}
