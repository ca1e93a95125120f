package org.sparkprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.sparkprop.io.Checkpoint;
import org.sparkprop.io.CheckpointStore;
import org.sparkprop.io.ModelStore;
import org.sparkprop.io.ModelRecord;
import org.sparkprop.spark.TestFaults;
import org.sparkprop.testing.CrashingFileSystem;
import org.sparkprop.testing.DriverLauncher;
import org.sparkprop.testing.DriverProcess;
import org.sparkprop.testing.MiniHdfs;
import org.sparkprop.testing.SparkHome;
import org.sparkprop.testing.StandaloneCluster;
import org.sparkprop.train.WeightsDigest;

/**
 * The train command on a real Spark standalone cluster (one master, two one-core workers, each a
 * separate JVM; every driver a separate {@code SparkSubmit} JVM) under faults: the final
 * weights' SHA-256 must equal that of the same job in local mode, whatever happens to the
 * executors, the driver or the cluster's membership. One cluster serves the class; each test
 * starts from two idle workers.
 *
 * <p>The jobs are small on purpose (480 training rows, 2-8-2 network, 4 partitions): what is
 * tested is the distributed machinery, and CI runs on two cores. Progress is printed every round
 * so a test can act at a chosen round. Recovery times are printed as {@code [cluster-it]} lines
 * (target/failsafe-reports/*-output.txt).
 */
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES) // a hang fails its test, never the CI run
class StandaloneClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN = Duration.ofMinutes(6);
  private static final Duration SETTLE = Duration.ofMinutes(3);
  private static final int PARTITIONS = 4;
  /** 480 training rows / global batch 24 = 20 rounds per epoch. */
  private static final int ROUNDS_PER_EPOCH = 20;
  private static final int SHORT_EPOCHS = 3;
  /** The example CSV files of data/: 800 training rows (id, x1, x2, label) and 200 test rows. */
  private static final Path EXAMPLES = Path.of("data", "examples").toAbsolutePath();

  private static Path root;
  private static StandaloneCluster cluster;
  private static String shortReference;
  private static String csvReference;
  private Path dir;

  @BeforeAll
  static void startClusterAndComputeLocalReferences() throws Exception {
    root = SparkHome.buildDir().resolve("cluster-it").resolve("standalone-" + System.currentTimeMillis());
    cluster = StandaloneCluster.start(root.resolve("cluster"), 2, Map.of());
    // The local-mode references run while the workers start: same jar, same SparkSubmit, master local[2].
    Path refs = root.resolve("local-reference");
    try (DriverProcess shortRun = localRun(refs, "short", job(SHORT_EPOCHS, "--output", refs.resolve("short").toString()));
         DriverProcess csvRun = localRun(refs, "csv", csvJob(EXAMPLES.resolve("moons.csv").toUri().toString(),
             EXAMPLES.resolve("moons-test.csv").toUri().toString(), "--output", refs.resolve("csv").toString()))) {
      shortRun.awaitSuccess(RUN);
      csvRun.awaitSuccess(RUN);
    }
    shortReference = weightsSha256(refs.resolve("short"));
    csvReference = weightsSha256(refs.resolve("csv"));
    log("local-mode references: %s (%d rounds, playground), %s (CSV files)", shortReference,
        SHORT_EPOCHS * ROUNDS_PER_EPOCH, csvReference);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster == null) return;
    List<ProcessHandle> jvms = cluster.processes();
    cluster.close();
    assertEquals(List.of(), jvms.stream().filter(ProcessHandle::isAlive).toList(), "cluster JVMs left running");
  }

  @BeforeEach
  void idleCluster(TestInfo test) throws IOException {
    dir = Files.createDirectories(root.resolve(test.getTestMethod().orElseThrow().getName()));
    cluster.awaitAliveWorkers(2, SETTLE);
  }

  /** The job of every test; only the number of epochs varies. */
  static List<String> job(int epochs, String... more) {
    List<String> args = new ArrayList<>(List.of("train",
        "--set", "data.format=playground", "--set", "data.playground.name=circle",
        "--set", "data.playground.rows=600", "--set", "data.playground.noise=0.1",
        "--set", "model.hidden=8", "--set", "model.activation=tanh",
        "--set", "train.optimizer=momentum", "--set", "train.learningRate=0.05",
        "--set", "train.batchSize=24", "--set", "train.epochs=" + epochs, "--set", "train.seed=5",
        "--set", "spark.partitions=" + PARTITIONS, "--set", "train.logEveryRounds=1",
        // About Spark tasks on executors: rounds as Spark jobs, every row training.
        "--set", "train.execution=spark", "--set", "data.validationFraction=0"));
    args.addAll(List.of(more));
    return args;
  }

  /** Training on CSV files (the data/ example): 800 rows / batch 32 = 25 rounds per epoch, 2 epochs. */
  static List<String> csvJob(String train, String test, String... more) {
    List<String> args = new ArrayList<>(List.of("train",
        "--set", "data.format=csv", "--set", "data.train=" + train, "--set", "data.test=" + test,
        "--set", "model.hidden=8", "--set", "model.activation=tanh", "--set", "train.learningRate=0.02",
        "--set", "train.batchSize=32", "--set", "train.epochs=2", "--set", "train.seed=5",
        "--set", "spark.partitions=" + PARTITIONS, "--set", "train.logEveryRounds=1",
        // About Spark tasks on executors: rounds as Spark jobs, every row training.
        "--set", "train.execution=spark", "--set", "data.validationFraction=0"));
    args.addAll(List.of(more));
    return args;
  }

  private static DriverProcess localRun(Path refs, String name, List<String> args) throws IOException {
    return DriverLauncher.submit(SparkHome.create(refs.resolve("spark-home")), "local[2]")
        .args(args).logsTo(refs, name).start();
  }

  private DriverLauncher onCluster(StandaloneCluster c, String name) {
    return DriverLauncher.submit(c.sparkHome(), c.masterUrl())
        .conf("spark.executor.memory", "512m")
        // Executors are declared lost after this long without a heartbeat (120 s by default); a
        // killed executor is noticed at once by its dropped connection, so this only prevents
        // false losses on an overloaded machine.
        .conf("spark.network.timeout", "300s")
        .logsTo(dir, name);
  }

  @Test
  void twoWorkerClusterGivesTheSameWeightsAsLocalMode() throws Exception {
    Path out = dir.resolve("out");
    try (DriverProcess driver = onCluster(cluster, "driver").args(job(SHORT_EPOCHS, "--output", out.toString())).start()) {
      String app = cluster.awaitActiveApplication(RUN);
      driver.awaitSuccess(RUN);
      JsonNode summary = summary(out);
      assertEquals(cluster.masterUrl(), summary.path("sparkMaster").asText());
      assertEquals(PARTITIONS, summary.path("partitions").asInt());
      assertEquals(SHORT_EPOCHS * ROUNDS_PER_EPOCH, summary.path("rounds").asInt());
      assertEquals(shortReference, summary.path("weightsSha256").asText());
      // Both executor JVMs did training work, not just one of them.
      for (StandaloneCluster.Worker w : cluster.workers()) {
        assertEquals(1, w.executorsLaunched(app), w.name());
        assertTrue(executorLogs(w, app).contains("Running task"), w.name() + " ran no task");
      }
    }
  }

  @Test
  void executorKilledMidTrainingJobFinishesWithTheSameWeights() throws Exception {
    JsonNode summary = killAnExecutorMidTraining("executor loss");
    assertEquals("memory", summary.path("rowsFrom").asText(), "auto keeps these few rows in memory");
  }

  /**
   * With the rows on the executors' local disks, the replacement executor has none of the lost
   * one's files: its tasks rebuild them from the lineage, and the weights are still the local-mode
   * reference's (which kept its rows in memory).
   */
  @Test
  void executorKilledDuringOnDiskTrainingJobFinishesWithTheSameWeights() throws Exception {
    JsonNode summary = killAnExecutorMidTraining("executor loss, rows on local disk", "--set", "spark.storageLevel=disk");
    assertEquals("local disk", summary.path("rowsFrom").asText());
  }

  private JsonNode killAnExecutorMidTraining(String what, String... settings) throws Exception {
    Path out = dir.resolve("out");
    int total = SHORT_EPOCHS * ROUNDS_PER_EPOCH;
    List<String> args = job(SHORT_EPOCHS, "--output", out.toString());
    args.addAll(List.of(settings));
    try (DriverProcess driver = onCluster(cluster, "driver").args(args).start()) {
      String app = cluster.awaitActiveApplication(RUN);
      driver.awaitRound(15, RUN);
      awaitWhileTraining(driver, "two live executors", () -> cluster.executors(app).size() == 2);
      ProcessHandle victim = cluster.executors(app).get(0);
      long killedAtRound = driver.lastRound();
      long killNanos = System.nanoTime();
      assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid());
      victim.onExit().get();
      // The master relaunches an executor for the application; the driver meanwhile reruns the lost tasks.
      double relaunchSeconds = Double.NaN;
      double nextRoundSeconds = Double.NaN;
      while (driver.isAlive()) {
        if (Double.isNaN(relaunchSeconds) && cluster.executorsLaunched(app) >= 3 && cluster.executors(app).size() == 2) {
          relaunchSeconds = (System.nanoTime() - killNanos) / 1e9;
        }
        if (Double.isNaN(nextRoundSeconds) && driver.lastRound() > killedAtRound) {
          nextRoundSeconds = (System.nanoTime() - killNanos) / 1e9;
        }
        Thread.sleep(50);
      }
      driver.awaitSuccess(RUN);
      assertTrue(killedAtRound < total - 10, "the kill came too late to be mid-training: round " + killedAtRound);
      assertTrue(driver.stderr().contains("Lost executor"), "the driver should have seen the executor die\n" + driver.tails());
      JsonNode summary = summary(out);
      assertEquals(total, summary.path("rounds").asInt());
      assertEquals(shortReference, summary.path("weightsSha256").asText());
      log("%s: executor pid %d killed after round %d/%d; next round done %.1f s after the kill;"
          + " replacement executor JVM started %.1f s after it; %s", what, victim.pid(), killedAtRound, total,
          nextRoundSeconds, relaunchSeconds, roundTimesAround(driver.rounds(), killedAtRound));
      return summary;
    }
  }

  /**
   * SIGTERM to a driver on the cluster (what a scheduler sends before it kills one): the run stops
   * after the round in flight with a checkpoint, exit code 143 and no stack traces, and the resumed
   * run gives the local-mode weights. The driver is held before the round it is signalled in, so
   * the signal lands mid-epoch at a known round without timing.
   */
  @Test
  void driverSigtermStopsAtARoundBoundaryAndTheResumedRunGivesTheSameWeights() throws Exception {
    Path ckpt = dir.resolve("ckpt");
    Path release = dir.resolve("release-round-25");
    // The rounds as Spark jobs on the cluster (the hold is there), whatever the data's size.
    String[] settings = {"--set", "checkpoint.dir=" + ckpt.toUri(), "--set", "train.execution=spark"};
    Path out = dir.resolve("out");
    try (DriverProcess first = onCluster(cluster, "driver-sigterm").conf(TestFaults.HOLD_BEFORE_ROUNDS, "25=" + release)
        .args(job(SHORT_EPOCHS, "--output", out.toString())).args(settings).start()) {
      awaitWhileTraining(first, "the hold before round 25", () -> first.stdout().contains("test hold: before round 25 "));
      Process kill = new ProcessBuilder("kill", "-s", "TERM", Long.toString(first.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
      awaitWhileTraining(first, "the acknowledgement", () -> first.stderr().contains("SIGTERM received"));
      Files.createFile(release);
      assertEquals(143, first.awaitExit(RUN), first.tails());
      assertTrue(first.stdout().contains("sparkprop: interrupted (SIGTERM) after round 25"), first.tails());
      assertFalse(first.stderr().contains("Exception") || first.stderr().contains("\tat "), first.tails());
    }
    assertTrue(Files.isRegularFile(ckpt.resolve(CheckpointStore.nameFor(25))), "checkpoint of round 25");
    assertEquals("interrupted", summary(out).path("status").asText());
    try (DriverProcess resumed = onCluster(cluster, "driver-resumed")
        .args(job(SHORT_EPOCHS, "--output", out.toString(), "--resume")).args(settings).start()) {
      resumed.awaitSuccess(RUN);
      assertEquals(26, resumed.rounds().get(0).round(), "the resumed run starts with round 26");
      assertEquals(shortReference, summary(out).path("weightsSha256").asText());
    }
  }

  @Test
  void driverKilledMidTrainingResumeFromCheckpointsGivesTheSameWeights() throws Exception {
    int total = SHORT_EPOCHS * ROUNDS_PER_EPOCH;
    Path ckpt = dir.resolve("ckpt");
    String[] checkpoints = {"--set", "checkpoint.dir=" + ckpt.toUri(), "--set", "checkpoint.everyRounds=10"};
    long lastCheckpoint;
    long killNanos;
    try (DriverProcess first = onCluster(cluster, "driver-killed")
        .args(job(SHORT_EPOCHS, "--output", dir.resolve("out-killed").toString())).args(checkpoints).start()) {
      cluster.await(RUN, "a checkpoint of round 20", () -> Files.exists(ckpt.resolve(CheckpointStore.nameFor(20))));
      assertTrue(first.isAlive(), "the driver should still be training\n" + first.tails());
      first.kill();
      killNanos = System.nanoTime();
      assertEquals(137, first.process().exitValue(), "SIGKILL");
      lastCheckpoint = newestCheckpointRound(ckpt);
      log("driver loss: driver pid %d killed after round %d; newest checkpoint: round %d", first.pid(),
          first.lastRound(), lastCheckpoint);
      assertTrue(lastCheckpoint >= 20 && lastCheckpoint < total, "checkpoint round " + lastCheckpoint);
    }
    assertFalse(Files.exists(dir.resolve("out-killed").resolve("summary.json")));

    Path out = dir.resolve("out");
    try (DriverProcess resumed = onCluster(cluster, "driver-resumed")
        .args(job(SHORT_EPOCHS, "--output", out.toString(), "--resume")).args(checkpoints).start()) {
      resumed.awaitRound(lastCheckpoint + 1, RUN);
      double toFirstRound = (System.nanoTime() - killNanos) / 1e9;
      resumed.awaitSuccess(RUN);
      double toEnd = (System.nanoTime() - killNanos) / 1e9;
      assertTrue(resumed.stdout().contains("resuming from " + CheckpointStore.nameFor(lastCheckpoint)), resumed.tails());
      assertEquals(lastCheckpoint + 1, resumed.rounds().get(0).round(), "the resumed run starts after the checkpoint");
      JsonNode summary = summary(out);
      assertEquals(total, summary.path("rounds").asInt());
      assertEquals(shortReference, summary.path("weightsSha256").asText());
      log("driver loss: new driver (--resume) ran round %d %.1f s after the kill, finished %.1f s after it",
          lastCheckpoint + 1, toFirstRound, toEnd);
    }
  }

  @Test
  void checkpointWriteInterruptedByADriverCrashLeavesThePreviousOneAndIsIgnoredOnResume() throws Exception {
    Path ckpt = dir.resolve("ckpt");
    String crashAt = "_tmp-" + CheckpointStore.nameFor(30);
    int afterBytes = 100;
    Path testClasses = Path.of(CrashingFileSystem.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (DriverProcess crashing = onCluster(cluster, "driver-crashing")
        .driverClasspath(testClasses)
        .conf("spark.hadoop.fs." + CrashingFileSystem.SCHEME + ".impl", CrashingFileSystem.class.getName())
        .conf("spark.hadoop." + CrashingFileSystem.FILE_PREFIX, crashAt)
        .conf("spark.hadoop." + CrashingFileSystem.AFTER_BYTES, Integer.toString(afterBytes))
        .args(job(SHORT_EPOCHS, "--output", dir.resolve("out-crashed").toString(),
            "--set", "checkpoint.dir=" + CrashingFileSystem.SCHEME + "://" + ckpt.toAbsolutePath(),
            "--set", "checkpoint.everyRounds=10"))
        .start()) {
      assertEquals(CrashingFileSystem.EXIT_CODE, crashing.awaitExit(RUN), crashing.tails());
      assertTrue(crashing.stderr().contains("crashfs: halting the JVM after " + afterBytes + " bytes"), crashing.tails());
    }
    // What the crash left: the checkpoints of rounds 10 and 20, and a partial temporary file of round 30.
    List<Path> partial = list(ckpt, crashAt);
    assertEquals(1, partial.size(), "one partial write of round 30: " + list(ckpt, ""));
    assertEquals(afterBytes, Files.size(partial.get(0)));
    CheckpointStore store = new CheckpointStore(ckpt.toUri().toString(), new Configuration(), 3);
    assertEquals(List.of(CheckpointStore.nameFor(20), CheckpointStore.nameFor(10)), store.list());
    Checkpoint previous = store.latest().orElseThrow();
    assertEquals(20, previous.round());

    Path out = dir.resolve("out");
    try (DriverProcess resumed = onCluster(cluster, "driver-resumed")
        .args(job(SHORT_EPOCHS, "--output", out.toString(), "--resume",
            "--set", "checkpoint.dir=" + ckpt.toUri(), "--set", "checkpoint.everyRounds=10"))
        .start()) {
      resumed.awaitSuccess(RUN);
      assertTrue(resumed.stdout().contains("resuming from " + CheckpointStore.nameFor(20)), resumed.tails());
      assertEquals(21, resumed.rounds().get(0).round());
    }
    assertEquals(shortReference, weightsSha256(out));
    assertEquals(List.of(), list(ckpt, "_tmp-"), "the next save removes the leftover");
    assertEquals(SHORT_EPOCHS * ROUNDS_PER_EPOCH, store.latest().orElseThrow().round());
  }

  @Test
  void hdfsEndToEndDataCheckpointsModelAndPredictionsLiveThere() throws Exception {
    try (MiniHdfs hdfs = MiniHdfs.start(dir.resolve("hdfs"))) {
      hdfs.copyFromLocal(EXAMPLES.resolve("moons.csv"), "/data/moons.csv");
      hdfs.copyFromLocal(EXAMPLES.resolve("moons-test.csv"), "/data/moons-test.csv");
      String testData = hdfs.uri("/data/moons-test.csv");
      String base = hdfs.uri("/runs/hdfs-test");
      long trainStart = System.nanoTime();
      try (DriverProcess driver = onCluster(cluster, "driver")
          .args(csvJob(hdfs.uri("/data/moons.csv"), testData, "--output", base + "/out",
              "--set", "checkpoint.dir=" + base + "/ckpt", "--set", "checkpoint.everyRounds=20"))
          .start()) {
        driver.awaitSuccess(RUN);
      }
      double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
      Configuration conf = hdfs.configuration();
      FileSystem fs = hdfs.fileSystem();
      JsonNode summary;
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(base + "/out/summary.json"))) {
        summary = JSON.readTree(in);
      }
      // The same bytes read through HDFS by the cluster's executors as from the local disk in local mode.
      assertEquals(csvReference, summary.path("weightsSha256").asText());
      assertTrue(summary.path("data").asText().contains(hdfs.uri("/data/moons.csv")), summary.path("data").asText());
      assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path(base + "/out/metrics.jsonl")).getLen() > 0);
      ModelRecord model = ModelStore.load(base + "/out/model", conf);
      assertEquals(csvReference, WeightsDigest.sha256(model.weights()));
      // Rounds 20 and 40, and the end of each epoch (25, 50): the newest three are kept.
      CheckpointStore store = new CheckpointStore(base + "/ckpt", conf, 3);
      assertEquals(List.of(CheckpointStore.nameFor(50), CheckpointStore.nameFor(40), CheckpointStore.nameFor(25)),
          store.list());
      assertEquals(csvReference, WeightsDigest.sha256(store.latest().orElseThrow().weights()));

      String predictions = base + "/predictions";
      long predictStart = System.nanoTime();
      try (DriverProcess predict = onCluster(cluster, "predict")
          .args("predict", "--model", base + "/out/model", "--data", testData, "--output", predictions).start()) {
        predict.awaitSuccess(RUN);
      }
      double predictSeconds = (System.nanoTime() - predictStart) / 1e9;
      List<String[]> rows = new ArrayList<>();
      int partFiles = 0;
      for (org.apache.hadoop.fs.FileStatus part : fs.listStatus(new org.apache.hadoop.fs.Path(predictions))) {
        if (!part.getPath().getName().startsWith("part-")) continue;
        partFiles++;
        try (InputStream in = fs.open(part.getPath())) {
          List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
          assertEquals("id,row,prediction,probability_lower,probability_upper", lines.get(0), part.getPath().toString());
          for (String line : lines.subList(1, lines.size())) rows.add(line.split(","));
        }
      }
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(predictions, "_SUCCESS")), "Spark's commit marker");
      rows.sort(Comparator.comparingLong(r -> Long.parseLong(r[1])));
      List<String> truth = Files.readAllLines(EXAMPLES.resolve("moons-test.csv"));
      assertEquals(truth.size() - 1, rows.size(), "one prediction per test row");
      long correct = 0;
      for (int r = 0; r < rows.size(); r++) {
        String[] expected = truth.get(r + 1).split(",");
        assertEquals(expected[0], rows.get(r)[0], "the id column is kept, row " + r);
        if (rows.get(r)[2].equals(expected[3])) correct++;
      }
      // The predictions are the train job's test pass, row by row: the same accuracy to the bit.
      assertEquals(summary.path("testMetrics").path("accuracy").asDouble(), correct / (double) rows.size());
      log("HDFS end to end: training from hdfs:// %.1f s (driver JVM start to exit), predict to hdfs:// %.1f s"
          + " (%d part files)", trainSeconds, predictSeconds, partFiles);
    }
  }

  @Test
  @SuppressWarnings("try") // the cluster is closed inside its try block to assert that its JVMs are gone
  void securedClusterGivesTheSameWeightsAndRefusesADriverWithoutTheSecret() throws Exception {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String secret = HexFormat.of().formatHex(key);
    Map<String, String> security = new LinkedHashMap<>();
    security.put("spark.authenticate", "true");
    security.put("spark.authenticate.secret", secret);
    security.put("spark.network.crypto.enabled", "true");
    try (StandaloneCluster secured = StandaloneCluster.start(dir.resolve("secured-cluster"), 2, security)) {
      secured.awaitAliveWorkers(2, SETTLE);
      Path out = dir.resolve("out");
      // The refused driver's registration attempts take about a minute to give up: run it alongside.
      try (DriverProcess outsider = onCluster(secured, "driver-without-secret")
               .args(job(SHORT_EPOCHS, "--output", dir.resolve("out-refused").toString())).start();
           DriverProcess member = onCluster(secured, "driver-with-secret").conf(security)
               .args(job(SHORT_EPOCHS, "--output", out.toString())).start()) {
        member.awaitSuccess(RUN);
        assertEquals(shortReference, weightsSha256(out));
        assertNotEquals(0, outsider.awaitExit(RUN), outsider.tails());
        assertTrue(outsider.stderr().contains("All masters are unresponsive"), outsider.tails());
        assertEquals(0, outsider.rounds().size());
        assertFalse(Files.exists(dir.resolve("out-refused").resolve("summary.json")));
      }
      assertEquals(1, secured.registeredApplications().size(), "only the driver with the secret registered");
      List<ProcessHandle> jvms = secured.processes();
      assertTrue(jvms.size() >= 3, "a master and two workers at least: " + jvms);
      secured.close();
      assertEquals(List.of(), jvms.stream().filter(ProcessHandle::isAlive).toList(), "cluster JVMs left running");
    }
  }

  @Test
  void executorsRemovedAndAddedBetweenRoundsLeaveTheWeightsUnchanged() throws Exception {
    int total = SHORT_EPOCHS * ROUNDS_PER_EPOCH;
    Map<String, String> dynamic = new LinkedHashMap<>();
    dynamic.put("spark.dynamicAllocation.enabled", "true");
    // Standalone has no external shuffle service here; the job has no shuffle anyway.
    dynamic.put("spark.dynamicAllocation.shuffleTracking.enabled", "true");
    // A target of two executors whatever the backlog: a round's four short tasks do not queue long
    // enough for the backlog rule to ask for an executor again once one has gone (measured: the
    // target fell to one between rounds), so the minimum asks for the replacement instead.
    dynamic.put("spark.dynamicAllocation.minExecutors", "2");
    dynamic.put("spark.dynamicAllocation.maxExecutors", "2");
    dynamic.put("spark.executor.cores", "1");
    // A decommissioned executor hands its cached partitions to the others before it exits.
    dynamic.put("spark.decommission.enabled", "true");
    dynamic.put("spark.storage.decommission.enabled", "true");
    dynamic.put("spark.storage.decommission.rddBlocks.enabled", "true");
    // The driver waits before rounds 21 and 41 until the test has changed the cluster: rounds 1-20
    // run on two executors, 21-40 on one, 41-60 on one old and one new. Without the hold the job
    // races the cluster (a new executor can take longer to register than the rest of the job).
    Path removed = dir.resolve("release-round-21");
    Path added = dir.resolve("release-round-41");
    dynamic.put(TestFaults.HOLD_BEFORE_ROUNDS, "21=" + removed + ",41=" + added);
    Path out = dir.resolve("out");
    StandaloneCluster.Worker leaving = cluster.workers().get(0);
    try (DriverProcess driver = onCluster(cluster, "driver").conf(dynamic)
        .args(job(SHORT_EPOCHS, "--output", out.toString())).start()) {
      String app = cluster.awaitActiveApplication(RUN);
      // A third worker joins while the job starts; it stays idle (two executors at most) until one leaves.
      StandaloneCluster.Worker joining = cluster.addWorker();
      awaitWhileTraining(driver, "the hold before round 21", () -> driver.stdout().contains("test hold: before round 21 "));
      assertEquals(20, driver.lastRound());
      // Waited for, not asserted: on a slow machine the second executor may still be starting.
      awaitWhileTraining(driver, "two executors", () -> cluster.executors(app).size() == 2);
      awaitWhileTraining(driver, "the third worker", () -> cluster.state().path("aliveworkers").asInt() == 3);
      assertEquals(0, joining.executorsLaunched(app), "the third worker should be idle until an executor leaves\n"
          + cluster.logTails());

      long decommissionNanos = System.nanoTime();
      cluster.decommission(leaving);
      awaitWhileTraining(driver, "the decommissioned worker's executor to leave", () -> leaving.executors(app).isEmpty());
      // Decommissioning ends with a clean exit (code 0), after the cached blocks have moved.
      awaitWhileTraining(driver, "the worker to report the executor's exit", () -> leaving.logText().lines()
          .anyMatch(l -> l.contains("Executor " + app + "/") && l.contains("finished with state EXITED")));
      assertTrue(leaving.logText().lines().anyMatch(l -> l.contains("Executor " + app + "/")
              && l.contains("finished with state EXITED message Command exited with code 0")),
          "the decommissioned executor should have exited cleanly\n" + leaving.logText());
      double removalSeconds = (System.nanoTime() - decommissionNanos) / 1e9;
      Files.createFile(removed);

      awaitWhileTraining(driver, "the hold before round 41", () -> driver.stdout().contains("test hold: before round 41 "));
      assertEquals(40, driver.lastRound());
      int executorsForRounds21To40 = cluster.executors(app).size();
      // The decommissioned machine goes away; the master then places the missing executor on the
      // idle worker. (It does not do so on the decommission alone: nothing makes it reschedule then.)
      cluster.stopWorker(leaving);
      long stopNanos = System.nanoTime();
      awaitWhileTraining(driver, "an executor on the new worker registered with the driver",
          () -> joining.executors(app).size() == 1 && executorLogsOrEmpty(joining, app).contains("Successfully registered with driver"));
      double joinSeconds = (System.nanoTime() - stopNanos) / 1e9;
      Files.createFile(added);
      driver.awaitSuccess(RUN);

      log("executors removed and added between rounds: executor decommissioned and gone (blocks migrated) in %.1f s"
          + " while held before round 21; rounds 21-40 on %d executor(s); replacement executor on the new worker"
          + " registered %.1f s after the decommissioned worker was stopped; %d rounds", removalSeconds,
          executorsForRounds21To40, joinSeconds, total);
      assertEquals(1, executorsForRounds21To40, "rounds 21-40 ran on the one remaining executor\n" + cluster.logTails());
      assertEquals(1, leaving.executorsLaunched(app), "a decommissioned worker takes no new executor");
      String leavingLog = executorLogs(leaving, app);
      assertTrue(leavingLog.contains("Decommission executor"), leavingLog);
      assertFalse(leavingLog.contains("Failed to migrate"), "the cached blocks should have moved\n" + leavingLog);
      assertTrue(executorLogs(joining, app).contains("Running task"), "the new executor should have trained rounds 41-60");
      JsonNode summary = summary(out);
      assertEquals(total, summary.path("rounds").asInt());
      assertEquals(shortReference, summary.path("weightsSha256").asText());
    } finally {
      cluster.stopWorker(leaving);
      while (cluster.workers().size() < 2) cluster.addWorker();
    }
  }

  /** Waits for {@code condition} while the driver trains; fails at once if the driver has exited. */
  private static void awaitWhileTraining(DriverProcess driver, String what, java.util.function.BooleanSupplier condition) {
    cluster.await(RUN, what + " while the driver trains", () -> {
      if (!driver.isAlive()) throw new AssertionError("the driver exited before " + what + "\n" + driver.tails());
      return condition.getAsBoolean();
    });
  }

  // ---- helpers ----

  private static JsonNode summary(Path out) throws IOException {
    Path file = out.resolve("summary.json");
    assertTrue(Files.exists(file), "no " + file);
    return JSON.readTree(file.toFile());
  }

  private static String weightsSha256(Path out) throws IOException {
    return summary(out).path("weightsSha256").asText();
  }

  private static long newestCheckpointRound(Path ckpt) throws IOException {
    return new CheckpointStore(ckpt.toUri().toString(), new Configuration(), 3).latest().orElseThrow().round();
  }

  private static List<Path> list(Path dir, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  /** The executor logs of {@code app} on {@code w}, or "" while the worker has not created them yet. */
  private static String executorLogsOrEmpty(StandaloneCluster.Worker w, String app) {
    try {
      return Files.isDirectory(w.workDir().resolve(app)) ? executorLogs(w, app) : "";
    } catch (IOException e) {
      return ""; // a log file appearing or rotating while it is listed: read again at the next poll
    }
  }

  private static String executorLogs(StandaloneCluster.Worker w, String app) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.walk(w.workDir().resolve(app))) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) sb.append(Files.readString(p));
    }
    return sb.toString();
  }

  /** Median round time before {@code round} and the slowest of the three rounds after it. */
  private static String roundTimesAround(List<DriverProcess.Round> rounds, long round) {
    double[] before = rounds.stream().filter(r -> r.round() <= round).mapToDouble(DriverProcess.Round::millis).sorted().toArray();
    double after = rounds.stream().filter(r -> r.round() > round && r.round() <= round + 3)
        .mapToDouble(DriverProcess.Round::millis).max().orElse(Double.NaN);
    return String.format(Locale.ROOT, "slowest of the next 3 rounds %.0f ms (median round before the kill %.0f ms)",
        after, before.length == 0 ? Double.NaN : before[before.length / 2]);
  }

  private static void log(String format, Object... args) {
    System.out.println("[cluster-it] " + String.format(Locale.ROOT, format, args));
  }
}
