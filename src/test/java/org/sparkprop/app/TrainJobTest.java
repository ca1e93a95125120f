package org.sparkprop.app;

import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.TestFaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.testing.LocalSpark;

/** The train job end to end on Spark local mode: summary, quick start, resume and reproducibility. */
class TrainJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  static TrainConfig config(String file, String... overrides) {
    return TrainConfig.load(file == null ? null : Path.of(file), List.of(overrides));
  }

  ObjectNode run(TrainConfig cfg, String output, boolean resume) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ObjectNode summary = TrainJob.run(cfg, output, resume, new PrintStream(console, true, StandardCharsets.UTF_8));
    stopSpark();
    return summary;
  }

  /** A small classification job: 1,200 circle rows, a few rounds per epoch. */
  static List<String> small(String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=playground", "data.playground.name=circle",
        "data.playground.rows=1200", "data.playground.noise=0.1", "model.hidden=8", "model.activation=tanh",
        "train.optimizer=momentum", "train.learningRate=0.05", "train.batchSize=100", "train.epochs=2",
        "train.seed=5", "spark.partitions=4", "train.logEveryRounds=1000",
        // Rounds as Spark jobs (what these tests are about) on all 960 training rows.
        "train.execution=spark", "data.validationFraction=0"));
    o.addAll(List.of(more));
    return o;
  }

  @Test
  void quickStartJobReachesNinetyNinePercentAndWritesTheSummary() throws Exception {
    Path out = tmp.resolve("spiral");
    ObjectNode summary = run(config("conf/spiral.conf"), out.toString(), false);
    JsonNode written = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(JSON.readTree(JSON.writeValueAsString(summary)), written);
    for (String field : new String[] {"config", "epochs", "rounds", "trainLoss", "testMetrics", "samplesPerSecond",
        "wallSeconds", "cachedBytes", "roundSplitMs", "weightsSha256"}) {
      assertTrue(written.has(field), "summary.json lacks " + field);
    }
    // The mean split per round times the rounds is the time the rounds took: part of the loop's
    // time, which also holds each epoch's evaluation and report pictures.
    double roundMs = 0;
    for (String part : new String[] {"broadcast", "compute", "aggregate", "update", "other"}) {
      double ms = written.path("roundSplitMs").path(part).asDouble(-1);
      assertTrue(ms >= 0, "roundSplitMs." + part);
      roundMs += ms;
    }
    assertTrue(written.path("roundSplitMs").path("compute").asDouble() > 0, written.path("roundSplitMs").toString());
    double roundsSeconds = roundMs * written.path("rounds").asLong() / 1e3;
    assertTrue(roundsSeconds <= written.path("loopSeconds").asDouble(),
        roundsSeconds + " s of rounds in a loop of " + written.path("loopSeconds").asDouble() + " s");
    assertTrue(written.path("testMetrics").path("accuracy").asDouble() >= 0.99, written.path("testMetrics").toString());
    assertEquals(40, written.path("epochs").asInt());
    // conf/spiral.conf holds no validation rows (a fixed 40 epochs): 2,000 / 64 = 31.25 -> 32 rounds per epoch.
    assertEquals(40 * 32, written.path("rounds").asInt());
    assertEquals("local[2]", written.path("config").path("spark.master").asText());
    assertTrue(written.path("samplesPerSecond").asDouble() > 0);
    assertTrue(written.path("cachedBytes").asLong() > 0);
    assertEquals(64, written.path("weightsSha256").asText().length());
    assertTrue(Files.readAllLines(out.resolve("metrics.jsonl")).size() > 40, "one line per epoch at least");
    assertTrue(Files.exists(out.resolve("model").resolve("metadata.json")));
  }

  @Test
  void resumingAfterTheFirstEpochGivesBitIdenticalWeights() throws Exception {
    String uninterrupted = run(TrainConfig.load(null, small()), tmp.resolve("a").toString(), false)
        .path("weightsSha256").asText();
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    ObjectNode first = run(TrainConfig.load(null, small("train.epochs=1", "checkpoint.dir=" + ckpt)),
        tmp.resolve("b1").toString(), false);
    assertNotEquals(uninterrupted, first.path("weightsSha256").asText());
    ObjectNode resumed = run(TrainConfig.load(null, small("checkpoint.dir=" + ckpt)), tmp.resolve("b2").toString(), true);
    assertEquals(2, resumed.path("epochs").asInt());
    assertEquals(uninterrupted, resumed.path("weightsSha256").asText());
  }

  @Test
  void resumingInTheMiddleOfAnEpochGivesBitIdenticalWeights() throws Exception {
    String uninterrupted = run(TrainConfig.load(null, small("train.optimizer=adam", "train.learningRate=0.01")),
        tmp.resolve("a").toString(), false).path("weightsSha256").asText();
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    // Stop after 15 rounds (epoch 2 of 2, 12 rounds per epoch), with a checkpoint every 5 rounds.
    run(TrainConfig.load(null, small("train.optimizer=adam", "train.learningRate=0.01", "train.maxRounds=15",
        "checkpoint.dir=" + ckpt, "checkpoint.everyRounds=5")), tmp.resolve("b1").toString(), false);
    ObjectNode resumed = run(TrainConfig.load(null, small("train.optimizer=adam", "train.learningRate=0.01",
        "checkpoint.dir=" + ckpt, "checkpoint.everyRounds=5")), tmp.resolve("b2").toString(), true);
    assertEquals(uninterrupted, resumed.path("weightsSha256").asText());
  }

  @Test
  void resumingWithAChangedRecipeIsRefusedWithEachChangeUnlessChangesAreAccepted() throws Exception {
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    run(TrainConfig.load(null, small("train.epochs=1", "checkpoint.dir=" + ckpt)), tmp.resolve("a").toString(), false);
    TrainConfig changed = TrainConfig.load(null, small("checkpoint.dir=" + ckpt, "train.batchSize=50",
        "train.learningRate=0.1", "spark.partitions=3", "checkpoint.keep=5", "train.logEveryRounds=7"));

    IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> run(changed, tmp.resolve("b").toString(), true));
    stopSpark();
    String message = refused.getMessage();
    assertTrue(message.contains("(3 changes)"), message);
    assertTrue(message.contains("train.batchSize: checkpoint 100, this run 50"), message);
    assertTrue(message.contains("train.learningRate: checkpoint 0.05, this run 0.1"), message);
    assertTrue(message.contains("spark.partitions: checkpoint 4, this run 3"), message);
    assertTrue(message.contains("--resume-with-changes"), message);
    // Keys that change no weight (how many checkpoints to keep, logging) are not part of the recipe.
    assertTrue(!message.contains("checkpoint.keep") && !message.contains("logEveryRounds"), message);
    assertTrue(!Files.exists(tmp.resolve("b/summary.json")), "a refused run writes nothing");

    ByteArrayOutputStream console = new ByteArrayOutputStream();
    TrainJob.run(changed, tmp.resolve("c").toString(), org.sparkprop.config.ResumePolicy.WITH_CHANGES,
        new PrintStream(console, true, StandardCharsets.UTF_8));
    stopSpark();
    JsonNode resume = JSON.readTree(tmp.resolve("c/summary.json").toFile()).path("resume");
    assertEquals(org.sparkprop.io.CheckpointStore.nameFor(10), resume.path("from").asText());
    assertEquals(3, resume.path("changes").size(), resume.toString());
    JsonNode batch = resume.path("changes").get(1);
    assertEquals("train.batchSize", batch.path("key").asText(), resume.toString());
    assertEquals("100", batch.path("checkpoint").asText());
    assertEquals("50", batch.path("run").asText());
    assertEquals(false, resume.path("bitIdenticalToUninterrupted").asBoolean(true));
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("train.batchSize: checkpoint 100, this run 50"));
  }

  @Test
  void stopAtEndsTheRunAtTheFirstEpochWhoseTestAccuracyReachesTheTarget() throws Exception {
    // On the driver (the same bits as Spark jobs, faster); the circle's test rows are the evaluation.
    ObjectNode stopped = run(TrainConfig.load(null, small("train.execution=driver", "train.epochs=40",
        "train.stopAt=accuracy=0.9")), tmp.resolve("stopped").toString(), false);
    int reached = stopped.path("stopAt").path("reachedAtEpoch").asInt();
    assertEquals("target", stopped.path("stopReason").asText(), stopped.toString());
    assertEquals(reached, stopped.path("epochs").asInt());
    assertTrue(reached > 1 && reached < 40, "reached at epoch " + reached);
    assertTrue(stopped.path("stoppedEarly").asBoolean(), stopped.toString());
    assertTrue(stopped.path("testMetrics").path("accuracy").asDouble() >= 0.9, stopped.path("testMetrics").toString());
    // The epoch before did not reach it: the same run with one epoch fewer, fixed, ends below 0.9.
    ObjectNode before = run(TrainConfig.load(null, small("train.execution=driver", "train.epochs=" + (reached - 1))),
        tmp.resolve("before").toString(), false);
    assertEquals("epochs", before.path("stopReason").asText());
    assertTrue(before.path("testMetrics").path("accuracy").asDouble() < 0.9, before.path("testMetrics").toString());
  }

  @Test
  void anUnchangedResumeRecordsThatItKeepsTheBits() throws Exception {
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    run(TrainConfig.load(null, small("train.epochs=1", "checkpoint.dir=" + ckpt)), tmp.resolve("a").toString(), false);
    JsonNode resume = run(TrainConfig.load(null, small("checkpoint.dir=" + ckpt)), tmp.resolve("b").toString(), true)
        .path("resume");
    assertEquals(0, resume.path("changes").size(), resume.toString());
    assertTrue(resume.path("bitIdenticalToUninterrupted").asBoolean(false), resume.toString());
  }

  @Test
  void theDefaultPartitionsComeFromTheDataSoOneTwoAndFourThreadsGiveTheSameBits() throws Exception {
    // 960 training rows of 2 features and a label: 11,520 bytes over 5,000 bytes -> 3 partitions,
    // whatever the default parallelism (1, 2 or 4 here).
    List<String> hashes = new ArrayList<>();
    for (String master : new String[] {"local[1]", "local[2]", "local[4]"}) {
      Path out = tmp.resolve(master);
      ObjectNode summary = run(TrainConfig.load(null, small("spark.partitions=0", "spark.partitionBytes=5000",
          "spark.master=" + master)), out.toString(), false);
      assertEquals(3, summary.path("partitions").asInt(), master);
      JsonNode model = JSON.readTree(out.resolve("model/metadata.json").toFile());
      assertEquals(3, model.findValue("partitions").asInt(), "the model records the partitions: " + model);
      hashes.add(summary.path("weightsSha256").asText());
    }
    assertEquals(1, hashes.stream().distinct().count(), hashes.toString());
  }

  @Test
  void theJobsKernelIsRecordedAndALocalJobRefusesOneItsJvmDidNotLoad() throws Exception {
    String loaded = org.sparkprop.math.Kernels.loadedKernel();
    ObjectNode auto = run(TrainConfig.load(null, small()), tmp.resolve("auto").toString(), false);
    assertEquals(loaded, auto.path("kernel").asText());
    assertTrue(auto.path("kernelReason").asText().startsWith("math.kernel = auto: OpenBLAS's")
        || loaded.equals("portable"), auto.path("kernelReason").asText());
    Path portableOut = tmp.resolve("portable");
    ObjectNode portable = run(TrainConfig.load(null, small("math.kernel=portable")), portableOut.toString(), false);
    assertEquals("portable", portable.path("kernel").asText());
    assertTrue(portable.path("kernelReason").asText().startsWith("math.kernel = portable"), portable.toString());
    assertEquals("portable", JSON.readTree(portableOut.resolve("model/metadata.json").toFile()).findValue("kernel").asText());

    String other = loaded.equalsIgnoreCase("Haswell") ? "skylakex" : "haswell";
    org.sparkprop.math.KernelMismatchException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.sparkprop.math.KernelMismatchException.class,
        () -> run(TrainConfig.load(null, small("math.kernel=" + other)), tmp.resolve("other").toString(), false));
    assertTrue(e.getMessage().startsWith("the driver (local mode runs the tasks in it) runs the GEMM kernel " + loaded
        + ", not this job's kernel "), e.getMessage());
  }

  @Test
  void sameConfigGivesTheSameBitsOnOneTwoAndFourThreadsAndWithTaskRetries() throws Exception {
    List<String> hashes = new ArrayList<>();
    for (String master : new String[] {"local[1]", "local[2]", "local[4]"}) {
      hashes.add(run(TrainConfig.load(null, small("spark.master=" + master)), tmp.resolve(master).toString(), false)
          .path("weightsSha256").asText());
    }
    // local[2,3]: two threads, up to three attempts per task; the hook fails the first attempt of
    // every task whose (round + partition) is a multiple of 5.
    SparkSession session = SparkSessions.create("local[2,3]", java.util.Map.of("spark.ui.enabled", "false"));
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    AtomicInteger failedTasks = new AtomicInteger();
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() != Success$.MODULE$) failedTasks.incrementAndGet();
      }
    });
    sc.setLocalProperty(TestFaults.FAIL_FIRST_ATTEMPT_EVERY, "5");
    String retried = TrainJob.run(TrainConfig.load(null, small("spark.master=local[2,3]")),
        tmp.resolve("retried").toString(), false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .path("weightsSha256").asText();
    sc.setLocalProperty(TestFaults.FAIL_FIRST_ATTEMPT_EVERY, null);
    hashes.add(retried);
    assertTrue(failedTasks.get() >= 5, "the hook should have failed several tasks, saw " + failedTasks.get());
    assertEquals(1, hashes.stream().distinct().count(), hashes.toString());
  }
}
