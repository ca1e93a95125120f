package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.testing.LocalSpark;

/**
 * The train command on a CSV with its rows on the local disk ({@code spark.storageLevel = disk}),
 * against the same job in memory: the same weights; the input staged on disk, never cached in
 * memory first; no row file left behind; and the load phase in summary.json.
 */
class OnDiskTrainingTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  /**
   * The storage level at which every RDD a stage of this application used was kept, by the RDD's
   * name: the first level other than NONE seen (later stages still list an RDD in the lineage of
   * what they read after it was unpersisted).
   */
  static final class StorageLevels extends SparkListener {
    final Map<String, StorageLevel> byName = new ConcurrentHashMap<>();

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted stage) {
      for (RDDInfo rdd : SparkLine.asJava(stage.stageInfo().rddInfos())) {
        if (rdd.name() != null) {
          byName.merge(rdd.name(), rdd.storageLevel(), (seen, now) -> seen.equals(StorageLevel.NONE()) ? now : seen);
        }
      }
    }
  }

  private static Path csv(Path file, long seed, int rows) throws Exception {
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder("x1,x2,x3,label\n");
    for (int r = 0; r < rows; r++) {
      double a = rng.nextDouble() * 2 - 1;
      double b = rng.nextDouble() * 2 - 1;
      double c = rng.nextDouble() * 2 - 1;
      sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%d%n", a, b, c, a * a + b * b < 0.3 ? 1 : c > 0 ? 2 : 0));
    }
    Files.writeString(file, sb.toString());
    return file;
  }

  private record Run(JsonNode summary, StorageLevels levels, List<Path> filesLeft) {
  }

  private Run train(String level, Path train, Path test) throws Exception {
    return train(level, train, test, Map.of());
  }

  /** @param sparkConf settings of the session the job runs in (it joins the one started here) */
  private Run train(String level, Path train, Path test, Map<String, String> sparkConf) throws Exception {
    Map<String, String> conf = new java.util.HashMap<>(Map.of("spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1", "spark.ui.enabled", "false"));
    conf.putAll(sparkConf);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkSessions.create("local[2]", conf).sparkContext());
    StorageLevels levels = new StorageLevels();
    sc.sc().addSparkListener(levels);
    String app = sc.sc().applicationId();
    // A validation split: the staged rows are selected and regrouped, not reused as they are.
    JsonNode summary = TrainJob.run(TrainConfig.load(null, List.of("data.format=csv", "data.train=" + train.toUri(),
        "data.test=" + test.toUri(), "data.validationFraction=0.2", "model.hidden=8", "model.activation=tanh",
        "train.epochs=2", "train.batchSize=64", "train.seed=3", "spark.master=local[2]", "spark.partitions=3",
        "train.logEveryRounds=1000", "train.execution=spark", "spark.storageLevel=" + level)),
        tmp.resolve(level).toString(), false, QUIET);
    sc.sc().listenerBus().waitUntilEmpty();
    List<Path> left = new ArrayList<>();
    for (java.io.File dir : SparkEnv.get().blockManager().diskBlockManager().localDirs()) {
      try (Stream<Path> files = Files.walk(dir.toPath())) {
        files.filter(f -> f.getFileName().toString().startsWith("sparkprop-rows-" + app)).forEach(left::add);
      }
    }
    stopSpark();
    return new Run(summary, levels, left);
  }

  @Test
  void onDiskTrainingGivesTheInMemoryWeightsStagesOnDiskAndLeavesNoFile() throws Exception {
    Path train = csv(tmp.resolve("train.csv"), 1, 900);
    Path test = csv(tmp.resolve("test.csv"), 2, 300);
    Run memory = train("memory", train, test);
    Run disk = train("disk", train, test);

    assertEquals("memory", memory.summary().path("rowsFrom").asText());
    assertEquals("local disk", disk.summary().path("rowsFrom").asText());
    assertEquals(memory.summary().path("weightsSha256").asText(), disk.summary().path("weightsSha256").asText(),
        "the same rows in the same partitions and order: the same bits wherever they are read from");
    assertEquals(memory.summary().path("testMetrics"), disk.summary().path("testMetrics"));

    String staged = "sparkprop staged data.train = '" + train.toUri() + "'";
    assertEquals(StorageLevel.MEMORY_AND_DISK(), memory.levels().byName.get(staged), memory.levels().byName.keySet().toString());
    StorageLevel onDisk = disk.levels().byName.get(staged);
    assertTrue(onDisk != null && onDisk.useDisk() && !onDisk.useMemory(),
        "rows bound for the disk are staged on disk: " + onDisk + " in " + disk.levels().byName);
    assertTrue(disk.filesLeft().isEmpty(), "row files left after the job: " + disk.filesLeft());

    JsonNode load = disk.summary().path("load");
    assertEquals(1, load.path("passes").asInt(), load.toString());
    assertEquals(Files.size(train) + Files.size(test), load.path("inputBytes").asLong(), load.toString());
    assertTrue(load.path("seconds").asDouble() > 0 && load.path("inputMBPerSecond").asDouble() > 0, load.toString());
    // 1,200 rows of 3 features and one label, as float32.
    assertEquals(1200L * 4 * 4, load.path("packedBytes").asLong(), load.toString());
    assertFalse(memory.summary().path("load").isMissingNode());
  }

  @Test
  void autoDecidesBeforeStagingAndStagesRowsBoundForTheDiskOnDisk() throws Exception {
    Path train = csv(tmp.resolve("train.csv"), 1, 900);
    Path test = csv(tmp.resolve("test.csv"), 2, 300);
    Run memory = train("memory", train, test);
    // A storage memory of a few kB (spark.memory.fraction of the heap above Spark's 300 MB reserve):
    // the 14 kB of packed training rows exceed half of it, and auto puts them on the local disk.
    long heapAboveReserve = Runtime.getRuntime().maxMemory() - (300L << 20);
    String fraction = Double.toString(20_000.0 / heapAboveReserve);
    Run auto = train("auto", train, test, Map.of("spark.memory.fraction", fraction));

    assertEquals("local disk", auto.summary().path("rowsFrom").asText(), auto.summary().path("rowsFromReason").asText());
    assertTrue(auto.summary().path("rowsFromReason").asText().contains("exceed"), auto.summary().toString());
    StorageLevel staged = auto.levels().byName.get("sparkprop staged data.train = '" + train.toUri() + "'");
    assertTrue(staged != null && staged.useDisk() && !staged.useMemory(),
        "auto's disk decision is taken before staging, which follows it: " + staged + " in " + auto.levels().byName);
    assertEquals(memory.summary().path("weightsSha256").asText(), auto.summary().path("weightsSha256").asText());
    assertTrue(auto.filesLeft().isEmpty(), "row files left after the job: " + auto.filesLeft());
  }
}
