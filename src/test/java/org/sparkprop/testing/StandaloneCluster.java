package org.sparkprop.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and N workers (one core each by
 * default), each a separate JVM started from {@link SparkHome}, with its own work directory
 * and log file under the cluster's folder. The master picks its ports itself (read back from its
 * log), so clusters of several builds can run side by side; its REST submission server is off.
 *
 * <p>Settings in {@code daemonConf} (e.g. {@code spark.authenticate}) are given to the master
 * and every worker as system properties. Workers handle SIGPWR by decommissioning
 * ({@code spark.decommission.enabled}), which {@link #decommission} uses.
 *
 * <p>Order of use: {@link #start}, {@link #awaitAliveWorkers}, submit applications to
 * {@link #masterUrl()}, {@link #close()} (kills every JVM of the cluster, executors included).
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern MASTER_UI = Pattern.compile("Bound MasterWebUI to \\S+, and started at http://\\S+?:(\\d+)");
  private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

  private final SparkHome home;
  private final Path dir;
  private final Map<String, String> daemonConf;
  private final Process master;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String masterUrl;
  private int uiPort;
  private int workersStarted;

  /** A worker JVM: its process, work directory (one folder per application and executor) and log. */
  public record Worker(String name, Process process, Path workDir, Path log) {
    public long pid() {
      return process.pid();
    }

    /** The live executor JVMs this worker launched for {@code appId}. */
    public List<ProcessHandle> executors(String appId) {
      return process.descendants()
          .filter(h -> h.info().commandLine().map(c -> c.contains(EXECUTOR_MAIN) && c.contains(appId)).orElse(false))
          .toList();
    }

    /** The worker's log so far. */
    public String logText() {
      return Logs.read(log);
    }

    /** How many executors this worker has launched for {@code appId} so far, live or not. */
    public int executorsLaunched(String appId) {
      Path app = workDir.resolve(appId);
      if (!Files.isDirectory(app)) return 0;
      try (Stream<Path> s = Files.list(app)) {
        return (int) s.filter(Files::isDirectory).count();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private StandaloneCluster(SparkHome home, Path dir, Map<String, String> daemonConf) throws IOException {
    this.home = home;
    this.dir = dir;
    this.daemonConf = new LinkedHashMap<>(daemonConf);
    this.daemonConf.putIfAbsent("spark.master.rest.enabled", "false");
    this.daemonConf.putIfAbsent("spark.decommission.enabled", "true");
    // A worker that misses heartbeats for this long is declared lost. 60 s by default, which a
    // heavily shared CI machine has exceeded; a killed worker is noticed at once anyway (its
    // connection drops), so a long timeout only guards against false losses.
    this.daemonConf.putIfAbsent("spark.worker.timeout", "300");
    Path log = dir.resolve("master.log");
    ProcessBuilder pb = home.java("512m", systemProperties(), List.of(), "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
    this.master = ChildProcesses.start(pb.redirectErrorStream(true).redirectOutput(log.toFile()));
  }

  /**
   * Starts a master and {@code workers} workers in {@code dir} and returns once the master is up
   * (workers register in the background: use {@link #awaitAliveWorkers}).
   */
  public static StandaloneCluster start(Path dir, int workers, Map<String, String> daemonConf) throws IOException {
    Files.createDirectories(dir);
    SparkHome home = SparkHome.create(dir.resolve("spark-home"));
    StandaloneCluster cluster = new StandaloneCluster(home, dir, daemonConf);
    try {
      cluster.awaitMaster(Duration.ofSeconds(120));
      for (int i = 0; i < workers; i++) cluster.addWorker();
      return cluster;
    } catch (RuntimeException | IOException e) {
      cluster.close();
      throw e;
    }
  }

  public SparkHome sparkHome() {
    return home;
  }

  /** {@code spark://127.0.0.1:<port>}. */
  public String masterUrl() {
    return masterUrl;
  }

  public Path dir() {
    return dir;
  }

  /** Starts one more worker (one core, 1 GiB) and returns without waiting for it to register. */
  public Worker addWorker() throws IOException {
    return addWorker(Map.of());
  }

  /**
   * Starts one more worker whose environment (inherited by its executors unless the application
   * sets the same variable) also holds {@code env}, as a host configured differently would.
   */
  public Worker addWorker(Map<String, String> env) throws IOException {
    String name = "worker-" + (++workersStarted);
    Path workDir = Files.createDirectories(dir.resolve(name));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = home.java("512m", systemProperties(), List.of(), "org.apache.spark.deploy.worker.Worker",
        List.of("--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0",
            "--work-dir", workDir.toString(), masterUrl));
    pb.environment().putAll(env);
    Worker w = new Worker(name, ChildProcesses.start(pb.redirectErrorStream(true).redirectOutput(log.toFile())), workDir, log);
    workers.add(w);
    return w;
  }

  /** The workers started and not stopped, oldest first. */
  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /** Kills a worker and its executors (SIGKILL) and forgets it. */
  public void stopWorker(Worker w) {
    ChildProcesses.stop(w.process());
    workers.remove(w);
  }

  /**
   * Decommissions a worker the way an operator or a cloud's spot-instance notice does (SIGPWR):
   * it stops accepting executors, its executors migrate their cached blocks to the others and
   * exit. The worker JVM stays up until {@link #stopWorker}.
   */
  public void decommission(Worker w) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("bash", "-c", "kill -PWR " + w.pid()).inheritIO().start();
    if (kill.waitFor() != 0) throw new IOException("kill -PWR " + w.pid() + " failed");
  }

  /** The live executor JVMs of an application across all workers. */
  public List<ProcessHandle> executors(String appId) {
    List<ProcessHandle> all = new ArrayList<>();
    for (Worker w : workers) all.addAll(w.executors(appId));
    return all;
  }

  /** Executors launched for an application so far across all workers, including dead ones. */
  public int executorsLaunched(String appId) {
    return workers.stream().mapToInt(w -> w.executorsLaunched(appId)).sum();
  }

  /** The master's view of the cluster: its {@code /json/} page (workers, applications, states). */
  public JsonNode state() {
    try {
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/"))
          .timeout(Duration.ofSeconds(10)).build();
      return JSON.readTree(http.send(get, HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the master's state", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Ids of the applications the master runs now. */
  public List<String> activeApplications() {
    List<String> ids = new ArrayList<>();
    state().path("activeapps").forEach(a -> ids.add(a.path("id").asText()));
    return ids;
  }

  /** Ids of every application the master has registered, running or finished. */
  public List<String> registeredApplications() {
    JsonNode s = state();
    List<String> ids = new ArrayList<>();
    s.path("activeapps").forEach(a -> ids.add(a.path("id").asText()));
    s.path("completedapps").forEach(a -> ids.add(a.path("id").asText()));
    return ids;
  }

  /** The id of the one application running now, once the master has registered it. */
  public String awaitActiveApplication(Duration timeout) {
    List<String> ids = new ArrayList<>();
    await(timeout, "an application registered with the master", () -> {
      ids.clear();
      ids.addAll(activeApplications());
      return ids.size() == 1;
    });
    return ids.get(0);
  }

  /** Waits until the master counts {@code n} live workers and runs no application. */
  public void awaitAliveWorkers(int n, Duration timeout) {
    await(timeout, n + " alive workers and no running application", () -> {
      JsonNode s = state();
      return s.path("aliveworkers").asInt() >= n && s.path("activeapps").isEmpty();
    });
  }

  /** Polls {@code condition} every 200 ms; fails with the logs' tails after {@code timeout}. */
  public void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n" + logTails());
      }
      if (!master.isAlive()) throw new AssertionError("the master died\n" + logTails());
      sleep(200);
    }
  }

  /** The last lines of the master's and the workers' logs, for failure messages. */
  public String logTails() {
    StringBuilder sb = new StringBuilder();
    sb.append(Logs.tail(dir.resolve("master.log"), 15, "master"));
    for (Worker w : workers) sb.append(Logs.tail(w.log(), 10, w.name()));
    return sb.toString();
  }

  /** Every live JVM of the cluster: the master, the workers and their executors. */
  public List<ProcessHandle> processes() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(master.toHandle());
    all.addAll(master.descendants().toList());
    for (Worker w : workers) {
      all.add(w.process().toHandle());
      all.addAll(w.process().descendants().toList());
    }
    return all.stream().filter(ProcessHandle::isAlive).toList();
  }

  /** Kills every JVM of the cluster and deletes the copies of the application jar in the work dirs. */
  @Override
  public void close() {
    for (Worker w : workers) ChildProcesses.stop(w.process());
    workers.clear();
    ChildProcesses.stop(master);
    Logs.deleteJars(dir);
  }

  private void awaitMaster(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path log = dir.resolve("master.log");
    while (masterUrl == null || uiPort == 0) {
      String text = Logs.read(log);
      Matcher url = MASTER_URL.matcher(text);
      Matcher ui = MASTER_UI.matcher(text);
      if (url.find() && ui.find()) {
        masterUrl = url.group(1);
        uiPort = Integer.parseInt(ui.group(1));
      } else if (!master.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the master did not start\n" + Logs.tail(log, 40, "master"));
      } else {
        sleep(200);
      }
    }
    await(timeout, "the master to become leader", () -> "ALIVE".equals(state().path("status").asText()));
  }

  private List<String> systemProperties() {
    List<String> props = new ArrayList<>();
    daemonConf.forEach((k, v) -> props.add("-D" + k + "=" + v));
    return props;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
