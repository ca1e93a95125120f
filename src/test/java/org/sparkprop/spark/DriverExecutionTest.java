package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
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
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * Rounds on the driver give the bits of rounds as Spark jobs: for 1, 2 and 8 partitions (8 with
 * a merge fan-in of 4, so the two-level tree is used), training until converged on a validation
 * set, with checkpoints, and resumed across executions (a run stopped by the round limit as Spark
 * jobs and resumed on the driver, and the other way round).
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

  private static TrainConfig config(String execution, String checkpoints, long maxRounds, String... more) {
    List<String> keys = new ArrayList<>(List.of("train.execution=" + execution, "train.batchSize=50",
        "train.maxEpochs=8", "train.earlyStopping.patience=2", "train.earlyStopping.minDelta=0.01",
        "train.maxRounds=" + maxRounds, "spark.treeFanIn=4", "model.hidden=16,8", "checkpoint.dir=" + checkpoints,
        "checkpoint.everyRounds=7"));
    keys.addAll(List.of(more));
    return TrainConfig.load(null, keys);
  }

  private static TrainingResult run(TrainConfig cfg, PackedDataset train, PackedDataset validation, boolean resume)
      throws IOException {
    SparkTrainer.Prepared p = SparkTrainer.prepare(sc, cfg, SparkTrainer.network(TrainingRecipe.of(cfg), train), train,
        validation, true, null, resume);
    assertEquals(cfg.train().execution() == TrainConfig.Execution.DRIVER, p.execution().onDriver());
    return p.run().result();
  }

  @Test
  void driverRoundsAreBitIdenticalToSparkJobsWithCheckpointsAndResume() throws IOException {
    for (int partitions : new int[] {1, 2, 8}) {
      PackedDataset train = PackedDataset.generate(sc, new SyntheticTeacher(1200, 12, 4, 17), partitions,
          StorageLevel.MEMORY_ONLY());
      PackedDataset validation = PackedDataset.generate(sc, new SyntheticTeacher(300, 12, 4, 18), partitions,
          StorageLevel.MEMORY_ONLY());
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
      PackedDataset train = PackedDataset.generate(sc, new SyntheticTeacher(1200, 12, 4, 17), partitions,
          StorageLevel.MEMORY_ONLY());
      PackedDataset validation = PackedDataset.generate(sc, new SyntheticTeacher(300, 12, 4, 18), partitions,
          StorageLevel.MEMORY_ONLY());
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
  void autoTrainsSmallDataOnTheDriverAndLargerDataAsSparkJobs() {
    PackedDataset train = PackedDataset.generate(sc, new SyntheticTeacher(1000, 12, 4, 17), 2, StorageLevel.MEMORY_ONLY());
    try {
      long bytes = train.packedBytes();
      assertEquals(4L * 1000 * (12 + 1), bytes, "rows x (features + one class-index target) x 4 bytes");
      Execution small = Execution.decide(TrainConfig.load(null, List.of("train.driverMaxBytes=" + bytes)).train(), train);
      Execution large = Execution.decide(TrainConfig.load(null, List.of("train.driverMaxBytes=" + (bytes - 1))).train(),
          train);
      assertTrue(small.onDriver(), small.describe());
      assertFalse(large.onDriver(), large.describe());
      assertTrue(large.describe().startsWith("spark (packed training data 50.8 KiB > train.driverMaxBytes"),
          large.describe());
    } finally {
      train.unpersist();
    }
  }

  private String dir(String name, int partitions) {
    return tmp.resolve(name + "-" + partitions).toUri().toString();
  }
}
