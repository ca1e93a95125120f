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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkprop.io.CheckpointStore;
import org.sparkprop.spark.TestFaults;
import org.sparkprop.testing.DriverProcess;
import org.sparkprop.testing.MiniYarn;
import org.sparkprop.testing.SparkHome;

/**
 * Sparkprop on a real YARN ({@link MiniYarn}: Hadoop's MiniYARNCluster over a MiniDFSCluster),
 * submitted by {@code submit-scripts/yarn.sh} as an operator would, with no Spark installation:
 * the spiral job in client and in cluster deploy mode gives the weights of local mode
 * ({@code local.sh train}, same job, same partitions, same kernel); an executor container killed
 * mid-run changes nothing; {@code yarn application -kill} of a cluster-mode run takes the graceful
 * path (checkpoint, summary.json with status interrupted, the resume line in the driver's log).
 *
 * <p>On demand, not in the default {@code mvn verify} (about 7 minutes on a loaded 2-core machine):
 * {@code mvn -pl src/lines/spark-4.2 -am verify -Dit.test=YarnClusterIT -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. Times are printed as {@code [yarn-it]} lines.
 */
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
class YarnClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN = Duration.ofMinutes(8);
  /** spiral: 2,000 training rows / global batch 64 = 32 rounds per epoch. */
  private static final int ROUNDS_PER_EPOCH = 32;
  private static final int EPOCHS = 3;
  /** The console progress line of a round: "epoch 2/3  round 5/32  ...". */
  private static final Pattern ROUND = Pattern.compile("epoch (\\d+)/\\d+\\s+round ([\\d,]+)/([\\d,]+)");

  private static Path root;
  private static MiniYarn yarn;
  private static Path job;
  private static JsonNode local;

  @BeforeAll
  static void startYarnAndRunTheLocalReference() throws Exception {
    root = SparkHome.buildDir().resolve("cluster-it").resolve("yarn-" + System.currentTimeMillis());
    job = Files.createDirectories(root).resolve("spiral.conf");
    Files.copy(Path.of("conf", "spiral.conf"), job);
    // The local-mode reference runs while HDFS and YARN start.
    Path localOut = root.resolve("local-out");
    long start = System.nanoTime();
    try (DriverProcess reference = MiniYarn.script(root, "local", Map.of("SPARKPROP_DRIVER_MEMORY", "1g"), "local.sh",
        command(job.toString(), EPOCHS, localOut.toString()))) {
      yarn = MiniYarn.start(root.resolve("yarn"), 6144, 8);
      log("HDFS and YARN started in %.1f s", (System.nanoTime() - start) / 1e9);
      reference.awaitSuccess(RUN);
    }
    local = JSON.readTree(localOut.resolve("summary.json").toFile());
    log("local-mode reference: weightsSha256 %s, kernel %s", local.path("weightsSha256").asText(), local.path("kernel").asText());
  }

  @AfterAll
  static void stop() {
    if (yarn != null) yarn.close();
  }

  private static void log(String format, Object... args) {
    System.out.println("[yarn-it] " + String.format(Locale.ROOT, format, args));
  }

  /** The train command: the spiral job for {@code epochs}, rounds as Spark jobs over 2 partitions, every round printed. */
  private static List<String> command(String config, int epochs, String output, String... more) {
    List<String> c = new ArrayList<>(List.of("train", "--config", config, "--set", "train.epochs=" + epochs,
        "--set", "spark.partitions=2", "--set", "train.execution=spark", "--set", "train.logEveryRounds=1",
        "--output", output));
    c.addAll(List.of(more));
    return c;
  }

  private static JsonNode hdfsJson(String path) throws IOException {
    try (InputStream in = yarn.hdfs().fileSystem().open(new org.apache.hadoop.fs.Path(yarn.hdfs().uri(path)))) {
      return JSON.readTree(in);
    }
  }

  /** The last global round (1-based) a driver's console output reports; 0 before the first. */
  private static long lastRound(String stdout) {
    Matcher m = ROUND.matcher(stdout);
    long last = 0;
    while (m.find()) {
      last = (Long.parseLong(m.group(1)) - 1) * Long.parseLong(m.group(3).replace(",", ""))
          + Long.parseLong(m.group(2).replace(",", ""));
    }
    return last;
  }

  /** The application master's container, once YARN has allocated it. */
  private static ContainerId amContainer(ApplicationId app) {
    ContainerId[] am = new ContainerId[1];
    MiniYarn.await(Duration.ofMinutes(3), "the application master of " + app, () -> (am[0] = yarn.amContainer(app)) != null);
    return am[0];
  }

  @Test
  void clientAndClusterDeployModesGiveTheWeightsOfLocalMode() throws Exception {
    long start = System.nanoTime();
    // Both at once: the NodeManager has room for both applications, and the machine's two cores
    // are mostly waiting on the jobs' fixed costs.
    try (DriverProcess client = yarn.yarnSh(root, "client-mode", "client", job,
             command(job.toString(), EPOCHS, yarn.hdfs().uri("/yarn-it/client")));
         DriverProcess cluster = yarn.yarnSh(root, "cluster-mode", "cluster", job,
             command(job.getFileName().toString(), EPOCHS, yarn.hdfs().uri("/yarn-it/cluster")))) {
      ApplicationId clusterApp = yarn.awaitApplication("cluster-mode", cluster, RUN);
      client.awaitSuccess(RUN);
      log("client mode: %.1f s from submission to the end", (System.nanoTime() - start) / 1e9);
      cluster.awaitSuccess(RUN);
      log("cluster mode: %.1f s from submission to the end", (System.nanoTime() - start) / 1e9);
      // The client's driver printed the rounds here; the cluster's, in its application master.
      assertTrue(client.stdout().contains("epoch 3/3"), client.tails());
      String amStdout = yarn.containerLogText(amContainer(clusterApp), "stdout");
      assertTrue(amStdout.contains("epoch 3/3") && amStdout.contains("master yarn"), amStdout);
      assertEquals(FinalApplicationStatus.SUCCEEDED, yarn.report(clusterApp).getFinalApplicationStatus(),
          "main returned in the application master (no System.exit)");
    }
    for (String mode : new String[] {"client", "cluster"}) {
      JsonNode summary = hdfsJson("/yarn-it/" + mode + "/summary.json");
      assertEquals("completed", summary.path("status").asText(), mode);
      assertEquals("yarn", summary.path("sparkMaster").asText(), mode);
      assertEquals(EPOCHS * ROUNDS_PER_EPOCH, summary.path("rounds").asInt(), mode);
      assertEquals(local.path("kernel").asText(), summary.path("kernel").asText(), mode + ": the kernel of local mode");
      assertEquals(local.path("weightsSha256").asText(), summary.path("weightsSha256").asText(), mode + ": the weights of local mode");
    }
  }

  @Test
  void anExecutorContainerKilledMidRunGivesTheSameWeights() throws Exception {
    Path release = root.resolve("release-round-40");
    try (DriverProcess client = yarn.yarnSh(root, "executor-killed", "client", job,
        command(job.toString(), EPOCHS, yarn.hdfs().uri("/yarn-it/executor-killed")),
        "--conf", TestFaults.HOLD_BEFORE_ROUNDS + "=40=" + release)) {
      ApplicationId app = yarn.awaitApplication("executor-killed", client, RUN);
      MiniYarn.await(RUN, "the hold before round 40\n" + client.tails(),
          () -> client.stdout().contains("test hold: before round 40 ") || !client.isAlive());
      assertTrue(client.isAlive(), client.tails());
      List<ContainerId> executors = yarn.executorContainers(app);
      assertEquals(2, executors.size(), "two executor containers: " + executors);
      // Each executor holds one of the two cached partitions: the killed one's is lost with it.
      ContainerId victim = executors.get(0);
      yarn.killContainer(victim);
      long killed = System.nanoTime();
      MiniYarn.await(Duration.ofMinutes(2), victim + " to end", () -> !yarn.executorContainers(app).contains(victim));
      log("executor container %s killed before round 40; YARN saw it end %.1f s later", victim, (System.nanoTime() - killed) / 1e9);
      Files.createFile(release);
      client.awaitSuccess(RUN);
      log("executor loss: the run finished %.1f s after the kill", (System.nanoTime() - killed) / 1e9);
      assertTrue(client.stderr().contains("Lost executor"), "the driver saw the executor go\n" + client.tails());
    }
    JsonNode summary = hdfsJson("/yarn-it/executor-killed/summary.json");
    assertEquals(EPOCHS * ROUNDS_PER_EPOCH, summary.path("rounds").asInt());
    assertEquals(local.path("weightsSha256").asText(), summary.path("weightsSha256").asText());
  }

  @Test
  void yarnApplicationKillTakesTheGracefulPathWithACheckpointAndTheResumeLine() throws Exception {
    int epochs = 30; // 960 rounds: far from the end when the kill comes
    String checkpoints = yarn.hdfs().uri("/yarn-it/kill-ckpt");
    try (DriverProcess cluster = yarn.yarnSh(root, "application-kill", "cluster", job,
        command(job.getFileName().toString(), epochs, yarn.hdfs().uri("/yarn-it/kill"), "--set", "checkpoint.dir=" + checkpoints))) {
      ApplicationId app = yarn.awaitApplication("application-kill", cluster, RUN);
      ContainerId am = amContainer(app);
      MiniYarn.await(RUN, "round 20 in the driver's log", () -> lastRound(yarn.containerLogText(am, "stdout")) >= 20);
      yarn.killApplication(app);
      long killed = System.nanoTime();
      MiniYarn.await(MiniYarn.SIGKILL_DELAY, "the driver's resume line",
          () -> yarn.containerLogText(am, "stdout").contains("resume with: "));
      log("yarn application -kill: the driver's resume line %.1f s after the kill", (System.nanoTime() - killed) / 1e9);
      assertNotEquals(0, cluster.awaitExit(RUN), "yarn.sh reports the killed application\n" + cluster.tails());
      assertEquals(YarnApplicationState.KILLED, yarn.report(app).getYarnApplicationState());
      String amStdout = yarn.containerLogText(am, "stdout");
      String amStderr = yarn.containerLogText(am, "stderr");
      // SIGTERM from the NodeManager, or the interrupt of the application master's driver thread,
      // whichever comes first: both are a first stop request.
      assertTrue(amStderr.contains("SIGTERM received: stopping at the next round boundary")
          || amStderr.contains("the YARN application master is stopping the driver"), amStderr);
      assertFalse(amStderr.contains("sparkprop: error"), amStderr);
      JsonNode summary = hdfsJson("/yarn-it/kill/summary.json");
      assertEquals("interrupted", summary.path("status").asText());
      long rounds = summary.path("rounds").asLong();
      assertTrue(rounds >= 20 && rounds < (long) epochs * ROUNDS_PER_EPOCH, "rounds " + rounds);
      assertTrue(amStdout.contains("sparkprop: interrupted (") && amStdout.contains(" after round " + String.format(Locale.ROOT, "%,d", rounds)),
          amStdout);
      assertTrue(amStdout.contains("resume with: ") && amStdout.contains(" --resume"), amStdout);
      assertTrue(yarn.hdfs().exists("/yarn-it/kill-ckpt/" + CheckpointStore.nameFor(rounds)), "checkpoint of round " + rounds);
      log("yarn application -kill: stopped after round %d; %s", rounds,
          amStderr.contains("SIGTERM received") ? "SIGTERM came first" : "the driver-thread interrupt came first");
    }
  }
}
