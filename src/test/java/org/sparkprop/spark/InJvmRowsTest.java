package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.testing.TestOptimizers;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingState;

/** Local mode's rounds over {@link InJvmRows}: the rows and bits of the cached RDD, without its lineage in the job. */
class InJvmRowsTest {
  private static final RowGenerator DATA = new SyntheticTeacher(2000, 10, 3, 5);
  private static final NetworkSpec SPEC =
      new NetworkSpec(10, new int[] {12}, Activation.TANH, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final TrainingOptions OPTIONS =
      TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.MOMENTUM), 0.05, 10).withMaxRounds(30);
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  private static float[] run(GradientSource source, TrainingOptions options) {
    float[] init = Initializer.GLOROT.initialise(SPEC, 3);
    TrainingLoop loop = new TrainingLoop(source, options, null, null);
    return loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot())).params();
  }

  @Test
  void roundsOverInJvmRowsGiveTheBitsOfRoundsOverTheCachedRdd() {
    // Flat (fan-in 8) and through the tree (fan-in 2 over 5 partitions), synchronous and with local
    // steps: the rows a task reads are the same blocks, so the weights must be the same bits.
    PackedDataset data = PackedDataset.generate(sc, DATA, 5, StorageLevel.MEMORY_ONLY());
    try {
      for (int fanIn : new int[] {8, 2}) {
        for (TrainingOptions options : List.of(OPTIONS, OPTIONS.withLocalSteps(3))) {
          SparkGradientSource inJvm = new SparkGradientSource(sc, data, SPEC, 64, 9, 1024, fanIn);
          SparkGradientSource lineage = new SparkGradientSource(sc, data, SPEC, 64, 9, 1024, fanIn).overTheRowsLineage();
          assertTrue(inJvm.overInJvmRows());
          assertFalse(lineage.overInJvmRows());
          assertArrayEquals(run(lineage, options), run(inJvm, options), "fan-in " + fanIn + ", " + options.localSteps()
              + " local step(s)");
        }
      }
      assertEquals(0, InJvmRounds.openRounds());
    } finally {
      data.unpersist();
    }
  }

  @Test
  void aJobOverInJvmRowsHasNoLineageYetReadsEveryRow() {
    PackedDataset data = PackedDataset.generate(sc, DATA, 3, StorageLevel.MEMORY_ONLY());
    StagesSeen stages = new StagesSeen();
    sc.sc().addSparkListener(stages);
    try {
      InJvmRows rows = new InJvmRows(data.roundBlocks().rdd());
      assertTrue(rows.dependencies().isEmpty());
      assertEquals(StorageLevel.NONE(), rows.getStorageLevel());
      assertEquals(3, rows.getNumPartitions());
      long counted = rows.toJavaRDD().map(b -> (long) b.rows()).reduce(Long::sum);
      assertEquals(DATA.rows(), counted);
      sc.sc().listenerBus().waitUntilEmpty(10_000);
      // The stage the scheduler built knows this RDD (and the map over it), not the generating lineage.
      for (String name : stages.lastStageRdds()) assertFalse(name.startsWith("sparkprop packed"), name);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    } finally {
      sc.sc().removeSparkListener(stages);
      data.unpersist();
    }
  }

  @Test
  void rowsNoLongerCachedAreComputedAgainThroughTheirLineage() {
    PackedDataset data = PackedDataset.generate(sc, DATA, 2, StorageLevel.MEMORY_ONLY());
    try {
      InJvmRows rows = new InJvmRows(data.roundBlocks().rdd());
      data.blocks().unpersist(true); // the blocks are gone; the lineage (generate, pack) is not
      data.blocks().persist(StorageLevel.MEMORY_ONLY());
      for (int p = 0; p < 2; p++) assertFalse(cached(data, p), "partition " + p + " is still cached");
      long counted = rows.toJavaRDD().map(b -> (long) b.rows()).reduce(Long::sum);
      assertEquals(DATA.rows(), counted);
      for (int p = 0; p < 2; p++) assertTrue(cached(data, p), "partition " + p + " was not cached again");
    } finally {
      data.unpersist();
    }
  }

  /** Whether this JVM's block manager holds partition {@code p} of the packed blocks. */
  private static boolean cached(PackedDataset data, int p) {
    return SparkEnv.get().blockManager().getStatus(new RDDBlockId(data.blocks().id(), p)).isDefined();
  }

  /** The names of the RDDs of the last stage submitted. */
  private static final class StagesSeen extends SparkListener {
    private final List<String> names = new ArrayList<>();

    @Override
    public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
      names.clear();
      for (RDDInfo info : SparkLine.asJava(submitted.stageInfo().rddInfos())) names.add(String.valueOf(info.name()));
    }

    synchronized List<String> lastStageRdds() {
      assertFalse(names.isEmpty(), "no stage was submitted");
      return new ArrayList<>(names);
    }
  }
}
