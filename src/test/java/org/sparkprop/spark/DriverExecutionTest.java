package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.train.StopReason;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * Rounds on the driver give the bits of rounds as Spark jobs: for 1, 2 and 8 partitions (8 with
 * a merge fan-in of 4, so the two-level tree is used), training until converged on a validation
 * set, with checkpoints, and resumed across executions (a run stopped by the round limit as Spark
 * jobs and resumed on the driver, and the other way round). In local mode {@code auto} puts the
 * rounds on the driver's threads whatever the size, and they start no Spark job.
 */
class DriverExecutionTest {
  private static JavaSparkContext sc;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  static TrainConfig config(String execution, String checkpoints, long maxRounds, String... more) {
    List<String> keys = new ArrayList<>(List.of("train.execution=" + execution, "train.batchSize=50",
        "train.maxEpochs=8", "train.earlyStopping.patience=2", "train.earlyStopping.minDelta=0.01",
        "train.maxRounds=" + maxRounds, "spark.treeFanIn=4", "model.hidden=16,8", "checkpoint.dir=" + checkpoints,
        "checkpoint.everyRounds=7"));
    keys.addAll(List.of(more));
    return TrainConfig.load(null, keys);
  }

  private static TrainingResult run(TrainConfig cfg, PackedDataset train, PackedDataset validation, boolean resume)
      throws IOException {
    return run(sc, cfg, train, validation, resume).result();
  }

  /**
   * A run's result and what it did: where its rounds ran, every round's loss and every epoch's
   * validation metrics as the loop reported them, and the Spark jobs its loop started.
   */
  record Recorded(TrainingResult result, Execution execution, List<Double> roundLosses,
                  List<Map<String, Double>> validation, int jobs) {
  }

  /** Prepares and runs {@code cfg} on {@code sc}, recording it. In local mode only {@code spark} runs rounds as jobs. */
  static Recorded run(JavaSparkContext sc, TrainConfig cfg, PackedDataset train, PackedDataset validation, boolean resume)
      throws IOException {
    SparkTrainer.Prepared p = SparkTrainer.prepare(sc, cfg, SparkTrainer.network(TrainingRecipe.of(cfg), train), train,
        validation, true, null, resume);
    assertEquals(cfg.train().execution() != TrainConfig.Execution.SPARK, p.execution().onDriver(),
        p.execution().describe());
    List<Double> losses = new ArrayList<>();
    List<Map<String, Double>> metrics = new ArrayList<>();
    p.trainer().addListener(new TrainingListener() {
      @Override
      public void onRound(RoundEvent event) {
        losses.add(event.loss());
      }

      @Override
      public void onEpoch(EpochEvent event) {
        metrics.add(event.validation());
      }
    });
    AtomicInteger jobs = new AtomicInteger();
    SparkListener counter = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.incrementAndGet();
      }
    };
    sc.sc().addSparkListener(counter);
    try {
      TrainingResult result = p.run().result();
      sc.sc().listenerBus().waitUntilEmpty(10_000);
      return new Recorded(result, p.execution(), losses, metrics, jobs.get());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    } finally {
      sc.sc().removeSparkListener(counter);
    }
  }

  /** {@code rows} cached rows of a 12-feature, 4-class synthetic teacher ({@code seed}) in {@code partitions}. */
  static PackedDataset teacherRows(JavaSparkContext sc, int rows, long seed, int partitions) {
    return PackedDataset.generate(sc, new SyntheticTeacher(rows, 12, 4, seed), partitions, StorageLevel.MEMORY_ONLY());
  }

  /** Same weights, round losses, validation metrics and stop as {@code expected}. */
  static void assertSameRun(Recorded expected, Recorded actual, String at) {
    assertEquals(WeightsDigest.sha256(expected.result().params()), WeightsDigest.sha256(actual.result().params()), at);
    assertEquals(expected.roundLosses(), actual.roundLosses(), at + ": round losses");
    assertEquals(expected.validation(), actual.validation(), at + ": validation metrics");
    assertEquals(expected.result().stopReason(), actual.result().stopReason(), at);
    assertEquals(expected.result().rounds(), actual.result().rounds(), at);
  }

  /**
   * {@code auto} with the data over {@code train.driverMaxBytes} gives a Spark-job run's bits in
   * local mode, its rounds on the local master's {@code cores} driver threads without a Spark job,
   * also resumed from a run cut short as Spark jobs: for 1, 2 and 8 partitions, synchronous and
   * with {@code extra} settings (such as local steps).
   */
  static void autoInLocalModeIsSparkJobsWithoutJobs(JavaSparkContext sc, int cores, Path tmp, String... extra)
      throws IOException {
    for (int partitions : new int[] {1, 2, 8}) {
      PackedDataset train = teacherRows(sc, 1200, 17, partitions);
      PackedDataset validation = teacherRows(sc, 300, 18, partitions);
      try {
        String at = "local[" + cores + "], partitions " + partitions + " " + List.of(extra);
        // Over the limit, where a cluster master would run Spark jobs (both runs say so: the limit is in the recipe).
        List<String> keys = new ArrayList<>(List.of(extra));
        keys.add("train.driverMaxBytes=" + (train.packedBytes() - 1));
        String[] autoKeys = keys.toArray(new String[0]);
        String tag = String.join("", extra).replaceAll("\\W", "") + "-" + partitions;
        Recorded spark = run(sc, config("spark", dir(tmp, "spark-" + tag), 0, autoKeys), train, validation, false);
        Recorded onThreads = run(sc, config("auto", dir(tmp, "auto-" + tag), 0, autoKeys), train, validation, false);
        assertSameRun(spark, onThreads, at);
        assertEquals(cores, onThreads.execution().threads(), at);
        assertTrue(onThreads.execution().reason().startsWith("Spark's local mode (local[" + cores + "])"),
            onThreads.execution().reason());
        assertEquals(0, onThreads.jobs(), at + ": the rounds and evaluations on the driver's threads start no Spark job");
        // One job per round (of K local steps) and one per evaluation: more jobs than epochs.
        assertTrue(spark.jobs() > spark.result().epochs(), at + ": Spark-job rounds, " + spark.jobs() + " jobs");

        String handOver = dir(tmp, "spark-then-auto-" + tag);
        run(sc, config("spark", handOver, 40, autoKeys), train, validation, false);
        Recorded resumed = run(sc, config("auto", handOver, 0, autoKeys), train, validation, true);
        assertEquals(WeightsDigest.sha256(spark.result().params()), WeightsDigest.sha256(resumed.result().params()),
            at + ", resumed on the driver's threads");
        assertEquals(spark.roundLosses().subList(spark.roundLosses().size() - resumed.roundLosses().size(),
            spark.roundLosses().size()), resumed.roundLosses(), at + ", resumed: the later rounds' losses");
      } finally {
        train.unpersist();
        validation.unpersist();
      }
    }
  }

  @Test
  void autoInLocalModeRunsTheRoundsOnTheDriversThreadsWithTheBitsOfSparkJobs() throws IOException {
    autoInLocalModeIsSparkJobsWithoutJobs(sc, 2, tmp);
  }

  @Test
  void autoInLocalModeRunsLocalStepRoundsOnTheDriversThreadsWithTheBitsOfSparkJobs() throws IOException {
    autoInLocalModeIsSparkJobsWithoutJobs(sc, 2, tmp, "train.localSteps=4");
  }

  @Test
  void driverRoundsAreBitIdenticalToSparkJobsWithCheckpointsAndResume() throws IOException {
    for (int partitions : new int[] {1, 2, 8}) {
      PackedDataset train = teacherRows(sc, 1200, 17, partitions);
      PackedDataset validation = teacherRows(sc, 300, 18, partitions);
      try {
        String at = "partitions " + partitions;
        TrainingResult spark = run(config("spark", dir("spark", partitions), 0), train, validation, false);
        TrainingResult driver = run(config("driver", dir("driver", partitions), 0), train, validation, false);
        assertEquals(WeightsDigest.sha256(spark.params()), WeightsDigest.sha256(driver.params()), at);
        assertEquals(spark.stopReason(), driver.stopReason(), at);
        assertEquals(spark.epochs(), driver.epochs(), at);
        assertEquals(spark.bestEpoch(), driver.bestEpoch(), at);

        // Cut short as Spark jobs, resumed on the driver; and the other way round.
        String handOver = dir("spark-then-driver", partitions);
        TrainingResult cut = run(config("spark", handOver, 40), train, validation, false);
        assertEquals(StopReason.ROUND_LIMIT, cut.stopReason(), at);
        TrainingResult resumed = run(config("driver", handOver, 0), train, validation, true);
        assertEquals(WeightsDigest.sha256(spark.params()), WeightsDigest.sha256(resumed.params()), at + ", resumed on the driver");
        String back = dir("driver-then-spark", partitions);
        run(config("driver", back, 40), train, validation, false);
        TrainingResult resumedOnSpark = run(config("spark", back, 0), train, validation, true);
        assertEquals(WeightsDigest.sha256(spark.params()), WeightsDigest.sha256(resumedOnSpark.params()),
            at + ", resumed as Spark jobs");
      } finally {
        train.unpersist();
        validation.unpersist();
      }
    }
  }

  @Test
  void localStepRoundsOnTheDriverAreBitIdenticalToSparkJobsWithCheckpointsAndResume() throws IOException {
    // train.localSteps = 4: each partition's steps and the ordered (for 8 partitions: tree) average
    // give the same bits on the driver and as Spark jobs, also when resumed across executions.
    for (int partitions : new int[] {2, 8}) {
      PackedDataset train = teacherRows(sc, 1200, 17, partitions);
      PackedDataset validation = teacherRows(sc, 300, 18, partitions);
      try {
        String at = "partitions " + partitions + ", localSteps 4";
        TrainingResult spark = run(config("spark", dir("k-spark", partitions), 0, "train.localSteps=4"), train,
            validation, false);
        TrainingResult driver = run(config("driver", dir("k-driver", partitions), 0, "train.localSteps=4"), train,
            validation, false);
        assertEquals(WeightsDigest.sha256(spark.params()), WeightsDigest.sha256(driver.params()), at);
        assertEquals(spark.rounds(), driver.rounds(), at);
        String handOver = dir("k-spark-then-driver", partitions);
        run(config("spark", handOver, 40, "train.localSteps=4"), train, validation, false);
        TrainingResult resumed = run(config("driver", handOver, 0, "train.localSteps=4"), train, validation, true);
        assertEquals(WeightsDigest.sha256(spark.params()), WeightsDigest.sha256(resumed.params()), at + ", resumed");
        TrainingResult sync = run(config("driver", dir("k1", partitions), 0), train, validation, false);
        assertNotEquals(WeightsDigest.sha256(sync.params()), WeightsDigest.sha256(driver.params()),
            at + ": several partitions stepping on their own rows are not synchronous SGD");
      } finally {
        train.unpersist();
        validation.unpersist();
      }
    }
  }

  @Test
  void autoOnAClusterTrainsSmallDataOnTheDriverAndLargerDataAsSparkJobs() {
    PackedDataset train = PackedDataset.generate(sc, new SyntheticTeacher(1000, 12, 4, 17), 2, StorageLevel.MEMORY_ONLY());
    try {
      long bytes = train.packedBytes();
      assertEquals(4L * 1000 * (12 + 1), bytes, "rows x (features + one class-index target) x 4 bytes");
      TrainConfig.Train fits = TrainConfig.load(null, List.of("train.driverMaxBytes=" + bytes)).train();
      TrainConfig.Train over = TrainConfig.load(null, List.of("train.driverMaxBytes=" + (bytes - 1))).train();
      // The rule a cluster master (no local cores) and the local-disk placement keep: by size.
      String cluster = "spark://master:7077";
      Execution small = Execution.decide(fits, bytes, 0, cluster, false);
      Execution large = Execution.decide(over, bytes, 0, cluster, false);
      assertTrue(small.onDriver(), small.describe());
      assertEquals(1, small.threads(), small.describe());
      assertFalse(large.onDriver(), large.describe());
      assertTrue(large.describe().startsWith("spark (packed training data 50.8 KiB > train.driverMaxBytes"),
          large.describe());
      assertFalse(Execution.decide(over, bytes, 2, "local[2]", true).onDriver(), "rows on the local disks keep Spark jobs");
      // In local mode with the rows in memory: the driver's threads, whatever the size.
      Execution local = Execution.decide(over, train);
      assertTrue(local.onDriver(), local.describe());
      assertEquals(2, local.threads(), local.describe());
      assertEquals("on 2 driver threads (Spark's local mode (local[2]): its executors are this JVM's threads, so the"
          + " rounds run on 2 of them over the cached blocks, without a Spark job a round)", local.sentence());
      assertFalse(Execution.decide(TrainConfig.load(null, List.of("train.execution=spark")).train(), train).onDriver());
    } finally {
      train.unpersist();
    }
  }

  @Test
  void theLocalMastersCoresAreItsTaskThreads() {
    assertEquals(1, Execution.localCores("local"));
    assertEquals(3, Execution.localCores("local[3]"));
    assertEquals(4, Execution.localCores("local[4, 2]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), Execution.localCores("local[*]"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Execution.localCores("local-cluster[2,1,1024]"));
    assertTrue(e.getMessage().contains("not a local master: local-cluster[2,1,1024]"), e.getMessage());
  }

  private String dir(String name, int partitions) {
    return dir(tmp, name + "-" + partitions);
  }

  static String dir(Path tmp, String name) {
    return tmp.resolve(name).toUri().toString();
  }
}
