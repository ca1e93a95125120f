package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionSizingTest {

  @Test
  void aDerivedCountIsTheDataSizeOverTheTargetRoundedUp() {
    PartitionSizing eightKb = new PartitionSizing(0, 8_000);
    assertEquals(3, eightKb.count(2_000, 3));     // 24,000 bytes: exactly 3 targets
    assertEquals(4, eightKb.count(2_001, 3));     // 12 bytes more need a fourth
    assertEquals(1, eightKb.count(10, 3));        // 120 bytes
    // 64 MiB: Fashion-MNIST's 60,000 rows of 784 features and a label are 190.6 MB.
    assertEquals(3, new PartitionSizing(0, 64L << 20).count(60_000, 785));
  }

  @Test
  void theCountNeverExceedsTheRowsNorFallsBelowOne() {
    assertEquals(5, new PartitionSizing(0, 1).count(5, 100));
    assertEquals(1, new PartitionSizing(0, Long.MAX_VALUE).count(1_000_000, 1_000));
    assertEquals(Integer.MAX_VALUE, new PartitionSizing(0, 1).count(Long.MAX_VALUE / 2, 1_000));
  }

  @Test
  void aFixedCountIgnoresTheSizeButNotTheRows() {
    assertEquals(4, PartitionSizing.fixed(4).count(1_000_000, 1_000));
    assertEquals(4, new PartitionSizing(4, 1).count(1_000_000, 1_000));
    assertEquals(2, PartitionSizing.fixed(4).count(2, 1));
    assertTrue(PartitionSizing.fixed(4).explain(100, 3).contains("spark.partitions"));
    assertTrue(new PartitionSizing(0, 8_000).explain(2_000, 3).startsWith("3 partitions, derived from the data"));
    assertTrue(new PartitionSizing(0, 8_000).derived());
    assertFalse(PartitionSizing.fixed(4).derived());
  }

  @Test
  void impossibleSizingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PartitionSizing.fixed(0));
    assertThrows(IllegalArgumentException.class, () -> new PartitionSizing(-1, 10));
    assertThrows(IllegalArgumentException.class, () -> new PartitionSizing(0, 0));
  }
}
