package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpochPermutationTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 5, 17, 1000, 1023, 1024, 1025, 65_537})
  void isABijectionAndRowAtInvertsPositionOf(long n) {
    EpochPermutation perm = new EpochPermutation(n, 42, 3);
    BitSet seen = new BitSet();
    for (long row = 0; row < n; row++) {
      long p = perm.positionOf(row);
      assertTrue(p >= 0 && p < n);
      assertTrue(!seen.get((int) p), "position " + p + " hit twice");
      seen.set((int) p);
      assertEquals(row, perm.rowAt(p));
    }
    assertEquals(n, seen.cardinality());
  }

  @Test
  void dependsOnSeedAndEpochOnly() {
    long n = 10_000;
    EpochPermutation a = new EpochPermutation(n, 1, 0);
    EpochPermutation b = new EpochPermutation(n, 1, 0);
    EpochPermutation otherEpoch = new EpochPermutation(n, 1, 1);
    EpochPermutation otherSeed = new EpochPermutation(n, 2, 0);
    int sameEpoch = 0;
    int sameSeed = 0;
    for (long p = 0; p < n; p++) {
      assertEquals(a.rowAt(p), b.rowAt(p));
      if (a.rowAt(p) == otherEpoch.rowAt(p)) sameEpoch++;
      if (a.rowAt(p) == otherSeed.rowAt(p)) sameSeed++;
    }
    // Two independent random permutations agree in about one position on average; 20 of 10,000 would be absurd.
    assertTrue(sameEpoch < 20, "epochs share " + sameEpoch + " positions");
    assertTrue(sameSeed < 20, "seeds share " + sameSeed + " positions");
  }

  @Test
  void shufflesWellEnoughThatABatchSpreadsOverTheRowRange() {
    // The first batch of 1,000 from 100,000 rows: a real shuffle puts about 100 rows in each tenth
    // of the index range (binomial, standard deviation ~9.5); 50..150 is more than 5 deviations.
    EpochPermutation perm = new EpochPermutation(100_000, 9, 0);
    int[] decile = new int[10];
    for (long p = 0; p < 1000; p++) decile[(int) (perm.rowAt(p) / 10_000)]++;
    for (int d : decile) assertTrue(d > 50 && d < 150, java.util.Arrays.toString(decile));
    assertNotEquals(0, perm.rowAt(0) + perm.rowAt(1));
  }

  @Test
  void batchesCoverEveryRowOnceWithAShortLastBatch() {
    GlobalBatches batches = new GlobalBatches(103, 10, 5);
    assertEquals(11, batches.batchesPerEpoch());
    assertEquals(3, batches.end(10) - batches.start(10));
    EpochPermutation perm = batches.permutation(4);
    BitSet rows = new BitSet();
    for (long b = 0; b < batches.batchesPerEpoch(); b++) {
      for (long p = batches.start(b); p < batches.end(b); p++) rows.set((int) perm.rowAt(p));
    }
    assertEquals(103, rows.cardinality());
  }

  @Test
  void theCacheBuildsOnePermutationPerEpochAndTheSameOneAsTheBatches() {
    GlobalBatches batches = new GlobalBatches(1000, 32, 9);
    EpochPermutationCache cache = new EpochPermutationCache(batches);
    EpochPermutation first = cache.of(4);
    assertTrue(first == cache.of(4), "the rounds of one epoch share one permutation");
    EpochPermutation next = cache.of(5);
    assertTrue(next != first);
    for (long row = 0; row < 1000; row += 37) {
      assertEquals(batches.permutation(5).positionOf(row), next.positionOf(row));
      assertEquals(batches.permutation(4).positionOf(row), cache.of(4).positionOf(row));
    }
  }

  @Test
  void theOrderOfAnEpochIsPinned() {
    // A checkpoint resumes with the rows of its next batch, and a run with the same seed gives the
    // same bits on another version: the order is part of what a seed means. These first positions
    // were recorded from this implementation; a change to the Feistel network, its keys or its
    // domain changes them.
    assertRows(new EpochPermutation(1000, 42, 3), 947, 184, 474, 406, 892, 660, 971, 511);
    assertRows(new EpochPermutation(5, 7, 1), 1, 4, 3, 2, 0);
    assertRows(new EpochPermutation(1024, 1, 2), 978, 219, 580, 968, 728, 59, 559, 78);
    assertRows(new EpochPermutation(3_000_000_000L, 99, 5), 337380318L, 1713783137L, 1149915988L, 452198884L,
        2493861471L, 963484475L, 611318795L, 1799882899L);
  }

  private static void assertRows(EpochPermutation perm, long... rows) {
    for (int p = 0; p < rows.length; p++) {
      assertEquals(rows[p], perm.rowAt(p), "position " + p);
      assertEquals(p, perm.positionOf(rows[p]), "row " + rows[p]);
    }
  }

  @Test
  void indicesOutsideTheSpaceAndAnEmptySpaceAreRefused() {
    EpochPermutation perm = new EpochPermutation(10, 1, 0);
    assertEquals(10, perm.size());
    for (long bad : new long[] {-1, 10, 11}) {
      IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> perm.rowAt(bad));
      assertEquals(bad + " outside [0, 10)", e.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> perm.positionOf(bad));
    }
    assertEquals("cannot permute an empty index space",
        assertThrows(IllegalArgumentException.class, () -> new EpochPermutation(0, 1, 0)).getMessage());
    assertEquals(0, new EpochPermutation(1, 1, 0).rowAt(0), "one row is the smallest space");
  }
}
