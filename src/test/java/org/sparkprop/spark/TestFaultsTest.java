package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver-side hold of the cluster tests: parsed from the Spark conf, released by a file. */
class TestFaultsTest {
  @TempDir
  Path tmp;

  @Test
  void holdsAreParsedFromTheSparkConf() {
    assertEquals(Map.of(), TestFaults.holds(new SparkConf(false)));
    Map<Long, Path> holds = TestFaults.holds(new SparkConf(false).set(TestFaults.HOLD_BEFORE_ROUNDS, "21=/tmp/a, 41=/tmp/b"));
    assertEquals(Map.of(21L, Path.of("/tmp/a"), 41L, Path.of("/tmp/b")), holds);
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> TestFaults.holds(new SparkConf(false).set(TestFaults.HOLD_BEFORE_ROUNDS, "21")));
    assertTrue(bad.getMessage().contains(TestFaults.HOLD_BEFORE_ROUNDS) && bad.getMessage().contains("'21'"), bad.getMessage());
  }

  @Test
  void aHeldRoundWaitsForItsFileAndOtherRoundsDoNot() throws Exception {
    Path release = tmp.resolve("go");
    Map<Long, Path> holds = Map.of(3L, release);
    TestFaults.holdBefore(holds, 2); // not held: returns at once
    CompletableFuture<Void> held = CompletableFuture.runAsync(() -> TestFaults.holdBefore(holds, 3));
    // 300 ms is long against the 50 ms poll: a hold that ignored its file would be done by then.
    Thread.sleep(300);
    assertTrue(!held.isDone(), "round 3 should wait for " + release);
    Files.createFile(release);
    held.get(10, TimeUnit.SECONDS); // ten seconds: generous for a 50 ms poll on a loaded machine
  }
}
