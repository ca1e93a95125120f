package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.testing.LocalSpark;

/**
 * Spark's local mode with four cores: {@code auto} runs the rounds on four driver threads with the
 * bits of Spark jobs, and the driver holds the cached blocks themselves, not copies.
 */
class LocalModeRoundsTest {
  private static JavaSparkContext sc;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[4]");
    assertEquals("local[4]", sc.master());
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  @Test
  void autoInLocalModeRunsTheRoundsOnFourDriverThreadsWithTheBitsOfSparkJobs() throws IOException {
    DriverExecutionTest.autoInLocalModeIsSparkJobsWithoutJobs(sc, 4, tmp);
  }

  @Test
  void theDriverHoldsTheCachedBlocksThemselves() {
    PackedDataset data = PackedDataset.generate(sc, new SyntheticTeacher(900, 6, 3, 5), 3, StorageLevel.MEMORY_ONLY());
    try {
      List<List<PackedBlock>> held = data.heldInJvm();
      List<List<PackedBlock>> again = data.onDriver();
      List<List<PackedBlock>> copied = data.collectByPartition();
      assertEquals(3, held.size());
      for (int p = 0; p < 3; p++) {
        assertEquals(1, held.get(p).size(), "partition " + p);
        // Two holds give the same object: the block manager's, not a copy made per job ...
        assertSame(held.get(p).get(0), again.get(p).get(0), "partition " + p);
        // ... which the collect path does make: the same rows, another object.
        assertNotSame(held.get(p).get(0), copied.get(p).get(0), "partition " + p);
        assertArrayEquals(copied.get(p).get(0).x, held.get(p).get(0).x, "partition " + p);
      }
    } finally {
      data.unpersist();
    }
  }

  @Test
  void blocksNotCachedAreComputedAgainForEveryHold() {
    // The sameness above comes from the cache: without one, every hold computes its own blocks.
    PackedDataset data = PackedDataset.generate(sc, new SyntheticTeacher(600, 6, 3, 5), 2, StorageLevel.NONE());
    try {
      List<List<PackedBlock>> first = data.heldInJvm();
      List<List<PackedBlock>> second = data.heldInJvm();
      for (int p = 0; p < 2; p++) {
        assertNotSame(first.get(p).get(0), second.get(p).get(0), "partition " + p);
        assertArrayEquals(first.get(p).get(0).x, second.get(p).get(0).x, "partition " + p);
      }
    } finally {
      data.unpersist();
    }
  }
}
