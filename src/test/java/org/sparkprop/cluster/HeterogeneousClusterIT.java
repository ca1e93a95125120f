package org.sparkprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.spark.TestFaults;
import org.sparkprop.testing.DriverLauncher;
import org.sparkprop.testing.DriverProcess;
import org.sparkprop.testing.SparkHome;
import org.sparkprop.testing.StandaloneCluster;

/**
 * The bit-identity promise on a cluster of unlike hosts: two one-core workers whose environments
 * force different OpenBLAS kernels (Haswell's AVX2 kernels and SkylakeX's AVX-512 ones, which sum
 * in different orders), as hosts of two instance types would pick. The job decides one kernel on
 * the driver and pins every executor to it, so the weights equal local mode's; a kernel the hosts
 * cannot run is refused with a message naming the host, its kernel and the job's.
 *
 * <p>The job also leaves {@code spark.partitions} at its default: the count comes from the data
 * (3 partitions here, on a cluster of 2 cores), not from the cluster.
 */
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
class HeterogeneousClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN = Duration.ofMinutes(6);
  private static final Duration SETTLE = Duration.ofMinutes(3);
  /** 480 training rows x (2 features + label) x 4 bytes = 5,760 bytes over 2,000 per partition. */
  private static final int DERIVED_PARTITIONS = 3;
  private static final List<String> WORKER_CORE_TYPES = List.of("Haswell", "SkylakeX");

  private static Path root;
  private static StandaloneCluster cluster;
  private static String reference;
  private static String referenceKernel;
  private Path dir;

  @BeforeAll
  static void startUnlikeWorkersAndComputeTheLocalReference() throws Exception {
    root = SparkHome.buildDir().resolve("cluster-it").resolve("heterogeneous-" + System.currentTimeMillis());
    cluster = StandaloneCluster.start(root.resolve("cluster"), 0, Map.of());
    for (String core : WORKER_CORE_TYPES) cluster.addWorker(Map.of("OPENBLAS_CORETYPE", core));
    Path refs = root.resolve("local-reference");
    try (DriverProcess local = DriverLauncher.submit(SparkHome.create(refs.resolve("spark-home")), "local[2]")
        .args(job("--output", refs.resolve("out").toString())).logsTo(refs, "local").start()) {
      local.awaitSuccess(RUN);
    }
    JsonNode summary = summary(refs.resolve("out"));
    reference = summary.path("weightsSha256").asText();
    referenceKernel = summary.path("kernel").asText();
    assertEquals(DERIVED_PARTITIONS, summary.path("partitions").asInt());
    log("local-mode reference: %s with kernel %s, %d partitions derived from the data", reference, referenceKernel,
        DERIVED_PARTITIONS);
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

  /** A small job with the default partitions and kernel; rounds printed so progress is visible. */
  static List<String> job(String... more) {
    List<String> args = new ArrayList<>(List.of("train",
        "--set", "data.format=playground", "--set", "data.playground.name=circle",
        "--set", "data.playground.rows=600", "--set", "data.playground.noise=0.1",
        "--set", "model.hidden=8", "--set", "model.activation=tanh",
        "--set", "train.optimizer=momentum", "--set", "train.learningRate=0.05",
        "--set", "train.batchSize=24", "--set", "train.epochs=2", "--set", "train.seed=5",
        "--set", "spark.partitionBytes=2000", "--set", "train.execution=spark", "--set", "train.logEveryRounds=1"));
    args.addAll(List.of(more));
    return args;
  }

  private DriverLauncher onCluster(String name) {
    return DriverLauncher.submit(cluster.sparkHome(), cluster.masterUrl())
        .conf("spark.executor.memory", "512m")
        .conf("spark.network.timeout", "300s")
        .logsTo(dir, name);
  }

  @Test
  void workersThatWouldPickDifferentKernelsGiveLocalModesWeightsWhenTheJobPinsOne() throws Exception {
    Path out = dir.resolve("out");
    try (DriverProcess driver = onCluster("driver").args(job("--output", out.toString())).start()) {
      String app = cluster.awaitActiveApplication(RUN);
      // While the job runs: both executors were started with the job's kernel, whatever their worker's environment said.
      List<String> pinned = new ArrayList<>();
      cluster.await(RUN, "two executors", () -> cluster.executors(app).size() == 2 || !driver.isAlive());
      for (ProcessHandle executor : cluster.executors(app)) pinned.add(environment(executor, "OPENBLAS_CORETYPE"));
      driver.awaitSuccess(RUN);
      JsonNode summary = summary(out);
      assertEquals(List.of(referenceKernel, referenceKernel), pinned, "OPENBLAS_CORETYPE of the two executors");
      assertEquals(referenceKernel, summary.path("kernel").asText());
      assertEquals(DERIVED_PARTITIONS, summary.path("partitions").asInt(), "partitions from the data, not the 2 cores");
      assertEquals(reference, summary.path("weightsSha256").asText());
      for (StandaloneCluster.Worker w : cluster.workers()) {
        assertTrue(executorLogs(w, app).contains("Running task"), w.name() + " ran no task");
      }
      log("unlike workers (%s): executors pinned to %s, weights %s = local mode", WORKER_CORE_TYPES, pinned,
          summary.path("weightsSha256").asText());
    }
  }

  @Test
  void tasksThatFailOnOneWorkerAndAreRetriedOnTheOtherGiveTheSameWeights() throws Exception {
    Path out = dir.resolve("out");
    // The first attempt of every task whose (round + partition) is a multiple of 4 fails, and a
    // task may not run twice on one executor: every retry runs on the other worker.
    try (DriverProcess driver = onCluster("driver")
        .conf(TestFaults.FAIL_FIRST_ATTEMPT_EVERY_CONF, "4")
        .conf("spark.excludeOnFailure.enabled", "true")
        .conf("spark.excludeOnFailure.task.maxTaskAttemptsPerExecutor", "1")
        // ... without excluding an executor, or the one node both share, from later rounds for those failures.
        .conf("spark.excludeOnFailure.stage.maxFailedTasksPerExecutor", "1000")
        .conf("spark.excludeOnFailure.stage.maxFailedExecutorsPerNode", "1000")
        .conf("spark.excludeOnFailure.application.maxFailedTasksPerExecutor", "1000")
        .conf("spark.excludeOnFailure.application.maxFailedExecutorsPerNode", "1000")
        .args(job("--output", out.toString())).start()) {
      driver.awaitSuccess(RUN);
      long injected = driver.stderr().lines().filter(l -> l.contains("injected test failure")).count();
      assertTrue(injected >= 5, "several tasks should have failed and been retried, saw " + injected + "\n" + driver.tails());
      assertEquals(reference, summary(out).path("weightsSha256").asText());
      log("retries across unlike workers: %d failed first attempts retried on the other worker, same weights", injected);
    }
  }

  @Test
  void aKernelTheHostsCannotRunIsRefusedNamingTheHostItsKernelAndTheJobs() throws Exception {
    // OpenBLAS falls back to the best kernel the CPU has when told of one it cannot run: SapphireRapids
    // without AMX, or an ARM64 kernel on any x86-64 CPU (so a CPU with AMX still meets a refusal).
    boolean amx = Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).contains("amx_tile");
    GemmKernel unrunnable = amx ? GemmKernel.NEOVERSEN1 : GemmKernel.SAPPHIRERAPIDS;
    Path out = dir.resolve("out");
    try (DriverProcess driver = onCluster("driver").conf("spark.task.maxFailures", "2")
        .args(job("--output", out.toString(), "--set", "math.kernel=" + unrunnable.name().toLowerCase(Locale.ROOT))).start()) {
      assertNotEquals(0, driver.awaitExit(RUN), driver.tails());
      String err = driver.stderr();
      assertTrue(err.contains("on host 127.0.0.1 runs the GEMM kernel ")
          && err.contains("not this job's kernel " + unrunnable.coreType()), driver.tails());
      assertTrue(err.contains("OPENBLAS_CORETYPE"), driver.tails());
      assertTrue(!Files.exists(out.resolve("summary.json")), "a refused job writes no summary");
    }
  }

  /** One variable of a running process's environment (Linux), or "(unset)". */
  private static String environment(ProcessHandle p, String name) throws IOException {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
    for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
      if (entry.startsWith(name + "=")) return entry.substring(name.length() + 1);
    }
    return "(unset)";
  }

  private static JsonNode summary(Path out) throws IOException {
    Path file = out.resolve("summary.json");
    assertTrue(Files.exists(file), "no " + file);
    return JSON.readTree(file.toFile());
  }

  private static String executorLogs(StandaloneCluster.Worker w, String app) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.walk(w.workDir().resolve(app))) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) sb.append(Files.readString(p));
    }
    return sb.toString();
  }

  private static void log(String format, Object... args) {
    System.out.println("[cluster-it] " + String.format(Locale.ROOT, format, args));
  }
}
