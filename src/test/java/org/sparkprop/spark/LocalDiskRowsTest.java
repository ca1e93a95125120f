package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.testing.TestOptimizers;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingState;
import org.sparkprop.data.TargetScaling;

/**
 * Rows read from the executors' local disks train to the same bits as rows cached in memory, in
 * the same partitions: the same rows, in the same order, through the same kernels and merge.
 */
class LocalDiskRowsTest {
  private static final RowGenerator DATA = new SyntheticTeacher(2500, 10, 3, 5);
  private static final NetworkSpec SPEC =
      new NetworkSpec(10, new int[] {12}, Activation.TANH, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final int BATCH = 128;
  private static final long SEED = 11;
  private static final TrainingOptions OPTIONS =
      TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.MOMENTUM), 0.05, 3).withMaxRounds(40);
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  private static float[] train(PackedDataset data, int fanIn) {
    float[] init = Initializer.GLOROT.initialise(SPEC, SEED);
    TrainingLoop loop = new TrainingLoop(new SparkGradientSource(sc, data, SPEC, BATCH, SEED, 64, fanIn), OPTIONS,
        null, null);
    return loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot())).params();
  }

  private static PackedDataset load(RowStore store, int partitions) {
    return PackedDataset.generate(sc, DATA, PartitionSizing.fixed(partitions), store);
  }

  /** The packed-row files of this application in Spark's local directories. */
  private static List<Path> rowFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    for (java.io.File dir : SparkEnv.get().blockManager().diskBlockManager().localDirs()) {
      try (Stream<Path> files = Files.walk(dir.toPath())) {
        files.filter(f -> f.getFileName().toString().startsWith("sparkprop-rows-" + sc.sc().applicationId()))
            .filter(f -> f.toString().endsWith(".spr")).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void diskTrainingIsBitIdenticalToMemoryTrainingWithTheSamePartitions() {
    PackedDataset memory = load(RowStore.memory(StorageLevel.MEMORY_ONLY()), 3);
    PackedDataset disk = load(RowStore.DISK, 3);
    try {
      assertFalse(memory.placement().onDisk());
      assertTrue(disk.placement().onDisk());
      assertEquals("local disk", disk.placement().source());
      assertArrayEquals(train(memory, 8), train(disk, 8), "flat merge");
      assertArrayEquals(train(memory, 2), train(disk, 2), "two-level tree of groups of 2");
    } finally {
      memory.unpersist();
      disk.unpersist();
    }
  }

  @Test
  void evaluationReadsTheSameRowsFromDisk() {
    PackedDataset memory = load(RowStore.memory(StorageLevel.MEMORY_ONLY()), 2);
    PackedDataset disk = load(RowStore.DISK, 2);
    try {
      float[] params = Initializer.GLOROT.initialise(SPEC, SEED);
      EvaluationAccumulator a = new SparkEvaluator(sc, memory, SPEC, 64, TargetScaling.IDENTITY).evaluate(params);
      EvaluationAccumulator b = new SparkEvaluator(sc, disk, SPEC, 64, TargetScaling.IDENTITY).evaluate(params);
      assertEquals(DATA.rows(), b.count());
      assertEquals(a.count(), b.count());
      assertEquals(a.metrics(), b.metrics(), "same rows, same order, same kernels: the same sums, exactly");
    } finally {
      memory.unpersist();
      disk.unpersist();
    }
  }

  @Test
  void eachPartitionIsWrittenOnceAndALostFileIsRebuiltFromTheLineage() throws IOException {
    PackedDataset memory = load(RowStore.memory(StorageLevel.MEMORY_ONLY()), 3);
    PackedDataset disk = load(RowStore.DISK, 3);
    try {
      List<Path> files = new ArrayList<>();
      for (Path f : rowFiles()) {
        if (f.getFileName().toString().contains("-" + disk.roundBlocks().id() + "-")) files.add(f);
      }
      assertEquals(3, files.size(), "one file per partition: " + files);
      long bytes = 0;
      for (Path f : files) bytes += Files.size(f);
      assertTrue(bytes >= disk.packedBytes(), "the files hold the packed floats: " + bytes + " < " + disk.packedBytes());
      Files.delete(files.get(1));
      assertArrayEquals(train(memory, 8), train(disk, 8), "after losing a file");
      assertTrue(Files.exists(files.get(1)), "the lost file is written again");
    } finally {
      memory.unpersist();
      disk.unpersist();
    }
  }

  @Test
  void unpersistDeletesTheRowFiles() throws IOException {
    PackedDataset disk = load(RowStore.DISK, 3);
    String ofThisRdd = "-" + disk.roundBlocks().id() + "-";
    long before = rowFiles().stream().filter(f -> f.getFileName().toString().contains(ofThisRdd)).count();
    long openBefore = openDescriptors(ofThisRdd);
    disk.unpersist();
    long after = rowFiles().stream().filter(f -> f.getFileName().toString().contains(ofThisRdd)).count();
    assertEquals(3, before, "one file per partition while the rows are in use");
    assertEquals(0, after, "no file left once they are not");
    if (openBefore >= 0) {
      assertEquals(3, openBefore, "each file is held open once, shared by the tasks that read it");
      // A deleted file still open keeps its blocks on disk: releasing must close the channels too.
      assertEquals(0, openDescriptors(ofThisRdd), "no descriptor left on the deleted files");
    }
  }

  /** This JVM's open descriptors on row files whose names contain {@code part} (-1 without /proc/self/fd). */
  private static long openDescriptors(String part) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) return -1;
    long n = 0;
    try (Stream<Path> links = Files.list(fds)) {
      for (Path fd : (Iterable<Path>) links::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed since it was listed (the listing's own descriptor, among others)
        }
        if (target.contains("sparkprop-rows-" + sc.sc().applicationId()) && target.contains(part)) n++;
      }
    }
    return n;
  }

  @Test
  void rowsBoundForDiskAreStagedOnDisk() {
    // Decided once for the load; the staging of its input follows it.
    RowStore decided = RowStore.AUTO.decidedFor(sc, Runtime.getRuntime().maxMemory());
    assertTrue(decided.place(sc, 1).onDisk(), "once decided, the place does not change with the size asked about");
    assertEquals(StorageLevel.DISK_ONLY(), decided.stagingLevel());
    assertEquals(StorageLevel.DISK_ONLY(), RowStore.DISK.stagingLevel());
    RowStore small = RowStore.AUTO.decidedFor(sc, 1024);
    assertFalse(small.place(sc, Long.MAX_VALUE).onDisk(), small.decided().why());
    assertEquals(StorageLevel.MEMORY_AND_DISK(), small.stagingLevel());
  }

  @Test
  void autoKeepsRowsInMemoryOnlyWhenTheyTakeAtMostHalfTheFreeStorageMemory() {
    assertFalse(RowStore.decide(500, 1000, "test").onDisk());
    assertTrue(RowStore.decide(501, 1000, "test").onDisk());
    RowStore.Placement p = RowStore.decide(3L << 30, 2L << 30, "2 executors");
    assertTrue(p.why().contains("exceed") && p.why().contains("2 executors"), p.why());
    // local[2] with the test JVM's heap holds these few kB in memory.
    PackedDataset small = load(RowStore.AUTO, 2);
    try {
      assertFalse(small.placement().onDisk(), small.placement().why());
    } finally {
      small.unpersist();
    }
  }
}
