package org.sparkprop.spark;

import org.sparkprop.testing.LocalSpark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.nn.Loss;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.InProcessGradientSource;
import org.sparkprop.train.LocalGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.testing.TestOptimizers;

/** Distributed equals local: the Spark trainer follows the single-JVM trainer's trajectory. */
class DistributedTrainingTest {
  private static final RowGenerator DATA = new SyntheticTeacher(3000, 12, 4, 17);
  private static final NetworkSpec SPEC =
      new NetworkSpec(12, new int[] {16, 8}, Activation.TANH, 4, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final int BATCH = 100;
  private static final long SEED = 23;
  private static final TrainingOptions OPTIONS = TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.MOMENTUM), 0.05, 10).withMaxRounds(50);
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  static TrainingResult run(GradientSource source) {
    return run(source, OPTIONS);
  }

  static TrainingResult run(GradientSource source, TrainingOptions options) {
    float[] init = Initializer.GLOROT.initialise(SPEC, SEED);
    TrainingLoop trainer = new TrainingLoop(source, options, null, null);
    return trainer.run(TrainingState.initial(init, trainer.newOptimizer(init.length).snapshot()));
  }

  static float[] local() {
    PackedBlock all = RowGenerators.pack(DATA, 0, (int) DATA.rows());
    return run(new LocalGradientSource(new DenseNetwork(SPEC, Kernels.gemm()), all, BATCH, SEED, 1024)).params();
  }

  static float[] spark(int partitions, int fanIn) {
    PackedDataset data = PackedDataset.generate(sc, DATA, partitions, StorageLevel.MEMORY_ONLY());
    try {
      return run(new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 1024, fanIn)).params();
    } finally {
      data.unpersist();
    }
  }

  @Test
  void sparkWithOneThreeAndEightPartitionsMatchesTheLocalTrainer() {
    float[] reference = local();
    double scale = 0;
    for (float v : reference) scale = Math.max(scale, Math.abs(v));
    for (int partitions : new int[] {1, 3, 8}) {
      float[] distributed = spark(partitions, 8);
      double worst = 0;
      for (int i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(distributed[i] - reference[i]));
      // Only the order of float additions differs (per-partition sums, then partition merge):
      // each round's gradient differs by a few ulps (~1e-7 relative), and 50 momentum steps
      // accumulate that to well under 1e-4 of the largest weight.
      assertTrue(worst <= 1e-4 * scale, partitions + " partitions: max difference " + worst + " vs scale " + scale);
    }
  }

  @Test
  void onePartitionIsBitIdenticalToTheLocalTrainer() {
    // One partition sees the same rows in the same order as the single block: same sums, same bits.
    assertArrayEquals(local(), spark(1, 8));
  }

  @Test
  void theTwoLevelTreeGivesTheSameBitsEveryTimeAndStaysCloseToTheFlatMerge() {
    float[] tree1 = spark(8, 3);
    float[] tree2 = spark(8, 3);
    float[] flat = spark(8, 8);
    assertArrayEquals(tree1, tree2);
    double worst = 0;
    double scale = 0;
    for (int i = 0; i < flat.length; i++) {
      worst = Math.max(worst, Math.abs(tree1[i] - flat[i]));
      scale = Math.max(scale, Math.abs(flat[i]));
    }
    // The tree adds the same partition sums grouped differently: summation order only.
    assertTrue(worst <= 1e-4 * scale, "tree vs flat: " + worst);
  }

  @Test
  void cachedDataCostsAboutItsFloat32Size() {
    RowGenerator big = new SyntheticTeacher(20_000, 64, 10, 1);
    PackedDataset data = PackedDataset.generate(sc, big, 2, StorageLevel.MEMORY_AND_DISK());
    try {
      long payload = 4L * 20_000 * 64;
      long cached = data.cachedBytes();
      assertTrue(cached >= payload, "cached " + cached + " < payload " + payload);
      assertTrue(cached <= 1.1 * payload, "cached " + cached + " > 1.1 x " + payload);
      assertEquals(20_000, data.rows());
    } finally {
      data.unpersist();
    }
  }

  @Test
  void tenMillionRowsAreGeneratedOnTheExecutorsWithoutTheDriverKeepingThem() {
    // 10^7 rows x (4 features + 1 label) = 200 MB of floats, generated in 8 partitions and not
    // cached: the driver only sends index ranges, so its heap after GC must not grow by anything
    // near the data's size (local mode shares the JVM, so transient task memory is collected too).
    RowGenerator big = new SyntheticTeacher(10_000_000L, 4, 2, 3);
    long before = usedHeapAfterGc();
    PackedDataset data = PackedDataset.generate(sc, big, 8, StorageLevel.NONE());
    long after = usedHeapAfterGc();
    data.unpersist();
    assertEquals(10_000_000L, data.rows());
    assertTrue(after - before < 64L << 20, "driver heap grew by " + ((after - before) >> 20) + " MB");
  }

  @Test
  void handingRoundsOverInTheJvmGivesTheBitsOfBroadcastsAndTaskResults() {
    // Local mode passes weights and gradients by reference instead of serialising them: the
    // arrays carry the same floats, so a whole run must give the same bits, and leave no round open.
    PackedDataset data = PackedDataset.generate(sc, DATA, 3, StorageLevel.MEMORY_ONLY());
    try {
      SparkGradientSource inJvm = new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 1024, 8);
      SparkGradientSource serialised = new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 1024, 8)
          .serialisedEvenInLocalMode();
      assertTrue(inJvm.inJvm());
      assertTrue(!serialised.inJvm());
      assertArrayEquals(run(serialised).params(), run(inJvm).params());
      assertEquals(0, InJvmRounds.openRounds());
    } finally {
      data.unpersist();
    }
  }

  @Test
  void localStepRoundsGiveTheSameBitsInTheJvmSerialisedThroughTheTreeAndAsTheLocalTrainerWithOnePartition() {
    // train.localSteps = 4 with momentum: the start (weights and velocity) broadcast through Kryo and
    // the partition models as task results give the bits of the in-JVM handoff; the tree (fan-in 2)
    // gives the bits of the driver-side tree; one partition gives the single-JVM trainer's bits,
    // which are those of synchronous SGD.
    TrainingOptions k4 = OPTIONS.withLocalSteps(4);
    PackedDataset data = PackedDataset.generate(sc, DATA, 5, StorageLevel.MEMORY_ONLY());
    PackedDataset one = PackedDataset.generate(sc, DATA, 1, StorageLevel.MEMORY_ONLY());
    try {
      float[] inJvm = run(new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 1024, 8), k4).params();
      float[] serialised = run(new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 1024, 8)
          .serialisedEvenInLocalMode(), k4).params();
      assertArrayEquals(inJvm, serialised);
      assertEquals(0, InJvmRounds.openRounds());
      java.util.List<java.util.List<PackedBlock>> collected = data.collectByPartition();
      float[] treeOnSpark = run(new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 1024, 2), k4).params();
      float[] treeOnDriver = run(new InProcessGradientSource(collected, data.rows(), data.targetWidth(), SPEC, BATCH, SEED, 1024, 2,
          Kernels.decide(org.sparkprop.math.GemmKernel.AUTO)), k4).params();
      assertArrayEquals(treeOnSpark, treeOnDriver);
      float[] flatOnDriver = run(new InProcessGradientSource(collected, data.rows(), data.targetWidth(), SPEC, BATCH, SEED, 1024, 8,
          Kernels.decide(org.sparkprop.math.GemmKernel.AUTO)), k4).params();
      assertArrayEquals(inJvm, flatOnDriver);
      assertArrayEquals(local(), run(new SparkGradientSource(sc, one, SPEC, BATCH, SEED, 1024, 8), k4).params());
    } finally {
      data.unpersist();
      one.unpersist();
    }
  }

  @Test
  void everyRoundsWeightBroadcastIsDestroyed() throws Exception {
    PackedDataset data = PackedDataset.generate(sc, DATA, 2, StorageLevel.MEMORY_ONLY());
    try {
      SparkGradientSource source = new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 1024, 8)
          .serialisedEvenInLocalMode();
      float[] params = Initializer.GLOROT.initialise(SPEC, SEED);
      source.computeRound(params, 0, 0);
      long first = source.lastBroadcastId();
      source.computeRound(params, 0, 1);
      long second = source.lastBroadcastId();
      assertTrue(second > first);
      // Removal from the block managers is asynchronous: wait up to 5 s. A broadcast left alive
      // keeps its value and piece blocks until a garbage collection happens to find it.
      int left = Integer.MAX_VALUE;
      for (int attempt = 0; attempt < 50 && left > 0; attempt++) {
        left = blocksOf(first) + blocksOf(second);
        if (left > 0) Thread.sleep(100);
      }
      assertEquals(0, left, "blocks of the weight broadcasts still stored");
    } finally {
      data.unpersist();
    }
  }

  private static int blocksOf(long broadcastId) {
    return sc.env().blockManager().master().getMatchingBlockIds(new BroadcastFilter(broadcastId), true).size();
  }

  /** Matches the blocks (value and pieces) of one broadcast. */
  private static final class BroadcastFilter extends scala.runtime.AbstractFunction1<org.apache.spark.storage.BlockId, Object>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final long id;

    BroadcastFilter(long id) {
      this.id = id;
    }

    @Override
    public Object apply(org.apache.spark.storage.BlockId block) {
      return block instanceof org.apache.spark.storage.BroadcastBlockId b && b.broadcastId() == id;
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }
}
