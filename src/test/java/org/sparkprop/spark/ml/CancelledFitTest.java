package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.spark.TestFaults;
import org.sparkprop.train.CancelledWorkException;

/**
 * A Spark ML fit whose job group is cancelled, as an application cancels its own work (or an
 * operator from the UI): the fit stops at that round boundary with a checkpoint and a clear
 * exception, and fitting again with resume gives the weights of a fit that never stopped.
 */
class CancelledFitTest {
  private static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = MlTestData.start();
  }

  @AfterAll
  static void stop() {
    MlTestData.stop(spark);
  }

  private static SparkpropClassifier classifier() {
    // 480 rows at batch 40 = 12 rounds per epoch, 3 epochs; rounds as Spark jobs, which a group cancels.
    return new SparkpropClassifier().setActivation("tanh").setHiddenLayers(new int[] {8}).setBatchSize(40).setEpochs(3)
        .setSeed(3).setPartitions(2).setOptimizer("adam").setLearningRate(0.01).setExecution("spark");
  }

  /** Cancels the group of the job described as round {@code round}, once it has started. */
  private static final class CancelAtRound extends SparkListener {
    private final SparkContext sc;
    private final String marker;
    final List<String> cancelled = Collections.synchronizedList(new ArrayList<>());

    CancelAtRound(SparkContext sc, long round) {
      this.sc = sc;
      this.marker = ", round " + round + "/";
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String description = start.properties().getProperty("spark.job.description");
      if (description != null && description.contains(marker)) {
        String group = start.properties().getProperty("spark.jobGroup.id");
        cancelled.add(group);
        sc.cancelJobGroup(group);
      }
    }
  }

  @Test
  void cancellingTheCallersJobGroupStopsTheFitWithACheckpointAndResumingGivesTheSameWeights() throws Exception {
    Dataset<Row> data = MlTestData.vectors(spark, "circle", 480, 0.05, 21).cache();
    String expected = classifier().fit(data).summary().weightsSha256();

    SparkContext sc = spark.sparkContext();
    Path checkpoints = tmp.resolve("checkpoints");
    CancelAtRound canceller = new CancelAtRound(sc, 17);
    sc.addSparkListener(canceller);
    // The application's own group: the fit keeps it (so cancelling it reaches the fit) and tags its jobs.
    sc.setJobGroup("nightly-etl", "the application's work", false);
    // Round 17 (index 16) waits in its tasks until they are killed: the cancel certainly finds it running.
    sc.setLocalProperty(TestFaults.BLOCK_ROUND_UNTIL_KILLED, "16");
    CancelledWorkException stopped;
    try {
      stopped = assertThrows(CancelledWorkException.class,
          () -> classifier().setCheckpointDir(checkpoints.toString()).fit(data));
    } finally {
      sc.setLocalProperty(TestFaults.BLOCK_ROUND_UNTIL_KILLED, null);
      sc.removeSparkListener(canceller);
    }
    assertEquals(List.of("nightly-etl"), canceller.cancelled);
    assertEquals("nightly-etl", sc.getLocalProperty("spark.jobGroup.id"), "the caller's group is left as it was");
    sc.clearJobGroup();
    String message = stopped.getMessage();
    assertTrue(message.contains("fit interrupted after round 16") && message.contains("Spark job group nightly-etl")
        && message.contains("resume = true"), message);
    assertTrue(Files.isRegularFile(checkpoints.resolve("ckpt-000000000016")), "checkpoint of the last completed round");

    String resumed = classifier().setCheckpointDir(checkpoints.toString()).setResumeFromCheckpoint(true).fit(data)
        .summary().weightsSha256();
    assertEquals(expected, resumed);
  }

  @Test
  void interruptingTheFittingThreadStopsTheFitAsACancelledGroupDoesAndResumingGivesTheSameWeights() throws Exception {
    // YARN's application master interrupts the driver's thread when the application is killed
    // (yarn application -kill): the fit must take it as a stop request, not fail with a bare
    // InterruptedException, and must not leave the abandoned round's job holding the executors.
    Dataset<Row> data = MlTestData.vectors(spark, "circle", 480, 0.05, 21).cache();
    String expected = classifier().fit(data).summary().weightsSha256();

    SparkContext sc = spark.sparkContext();
    Path checkpoints = tmp.resolve("checkpoints");
    AtomicReference<Thread> fitter = new AtomicReference<>();
    SparkListener interrupter = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        String description = start.properties().getProperty("spark.job.description");
        if (description != null && description.contains(", round 17/")) fitter.get().interrupt();
      }
    };
    sc.addSparkListener(interrupter);
    // Round 17 waits in its tasks until they are killed: the interrupt certainly finds the driver
    // waiting for it, and the round ends only if the run cancels its abandoned job.
    sc.setLocalProperty(TestFaults.BLOCK_ROUND_UNTIL_KILLED, "16");
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        classifier().setCheckpointDir(checkpoints.toString()).fit(data);
      } catch (Throwable e) {
        outcome.set(e);
      }
    }, "fitter");
    fitter.set(thread);
    try {
      thread.start(); // inherits the thread's Spark local properties
      thread.join(TimeUnit.MINUTES.toMillis(3));
    } finally {
      sc.setLocalProperty(TestFaults.BLOCK_ROUND_UNTIL_KILLED, null);
      sc.removeSparkListener(interrupter);
    }
    assertFalse(thread.isAlive(), "the interrupted fit did not end");
    assertTrue(outcome.get() instanceof CancelledWorkException, "fit ended with " + outcome.get());
    String message = outcome.get().getMessage();
    assertTrue(message.contains("fit interrupted after round 16") && message.contains("driver was interrupted"), message);
    assertTrue(Files.isRegularFile(checkpoints.resolve("ckpt-000000000016")), "checkpoint of the last completed round");
    assertEquals(0, sc.statusTracker().getActiveJobIds().length, "the abandoned round's job was cancelled");

    String resumed = classifier().setCheckpointDir(checkpoints.toString()).setResumeFromCheckpoint(true).fit(data)
        .summary().weightsSha256();
    assertEquals(expected, resumed);
  }
}
