package org.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch scripts of submit-scripts/, run as a user runs them (bash, real JVMs, a real
 * standalone cluster on 127.0.0.1). An integration test: it runs after {@code package}, because
 * submit.sh submits the shaded cluster jar.
 */
class ScriptsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path SCRIPTS = ROOT.resolve("submit-scripts");
  private static final String BUILD_DIR = System.getProperty("sparkprop.buildDir", ROOT.resolve("target").toString());
  private static final List<String> ALL = List.of("local.sh", "submit.sh", "start-local-cluster.sh",
      "stop-local-cluster.sh", "standalone.sh", "yarn.sh", "kubernetes.sh");

  @TempDir
  Path tmp;

  record Result(int code, String out, String err) {
  }

  /** Runs a script with the build directory of this build, killing it (and its children) after the timeout. */
  private Result run(Map<String, String> env, Duration timeout, String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPTS.resolve(script).toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().put("SPARKPROP_BUILD_DIR", BUILD_DIR);
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        fail(script + " did not finish within " + timeout + "; stderr:\n" + tail(Files.readString(err)));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private Result run(String script, String... args) throws Exception {
    return run(Map.of(), Duration.ofMinutes(5), script, args);
  }

  private static String tail(String s) {
    return s.length() > 6000 ? "..." + s.substring(s.length() - 6000) : s;
  }

  @Test
  void everyScriptAnswersHelp() throws Exception {
    for (String script : ALL) {
      Result r = run(script, "--help");
      assertEquals(0, r.code(), script + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: submit-scripts/" + script), script + " help:\n" + r.out());
    }
  }

  /** A PATH with every program of the usual bin folders except the named ones. */
  private String pathWithout(String... missing) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin-without-" + String.join("-", missing)));
    Set<String> skip = Set.of(missing);
    for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
      Path d = Path.of(dir);
      if (!Files.isDirectory(d)) continue;
      try (Stream<Path> programs = Files.list(d)) {
        for (Path p : (Iterable<Path>) programs::iterator) {
          Path link = bin.resolve(p.getFileName().toString());
          if (!skip.contains(p.getFileName().toString()) && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, p);
          }
        }
      }
    }
    return bin.toString();
  }

  @Test
  void withoutJavaTheScriptsSayWhatToInstall() throws Exception {
    Map<String, String> env = Map.of("PATH", pathWithout("java", "mvn"));
    String[][] calls = {
        {"local.sh", "train", "--config", "conf/spiral.conf", "--output", tmp.resolve("o").toString()},
        {"submit.sh", "train", "--config", "conf/spiral.conf", "--output", tmp.resolve("o").toString()},
        {"standalone.sh", "train", "--config", "conf/spiral.conf", "--output", tmp.resolve("o").toString()},
        {"start-local-cluster.sh", "--dir", tmp.resolve("c").toString()}};
    for (String[] call : calls) {
      Result r = run(env, Duration.ofMinutes(1), call[0], java.util.Arrays.copyOfRange(call, 1, call.length));
      assertEquals(1, r.code(), call[0] + ": " + r.err());
      assertTrue(r.err().contains(call[0].equals("standalone.sh") ? "submit.sh: java not found on PATH: install a Java 17 JDK"
          : call[0] + ": java not found on PATH: install a Java 17 JDK"), call[0] + ": " + r.err());
    }
  }

  @Test
  void withoutMavenABuildThatIsNeededSaysWhatToInstall() throws Exception {
    Map<String, String> env = Map.of("PATH", pathWithout("mvn"), "SPARKPROP_BUILD_DIR", tmp.resolve("empty-build").toString());
    Result local = run(env, Duration.ofMinutes(1), "local.sh", "train", "--config", "conf/spiral.conf", "--output", "x");
    assertEquals(1, local.code(), local.err());
    assertTrue(local.err().contains("local.sh: mvn not found on PATH, and it is needed to build sparkprop: install Apache Maven"),
        local.err());
    Result submit = run(env, Duration.ofMinutes(1), "submit.sh", "train", "--config", "conf/spiral.conf", "--output", "x");
    assertEquals(1, submit.code(), submit.err());
    assertTrue(submit.err().contains("submit.sh: mvn not found on PATH, and it is needed to build the application jar"),
        submit.err());
  }

  @Test
  void submitShBuildsTheCommandFromArgumentsAndEnvironment() throws Exception {
    // --dry-run prints the command and stops; the Spark installation is a folder with a
    // distribution's RELEASE file (which tells its Spark version) and a bin/spark-submit that is
    // never run, so what is checked is the command line itself.
    Path sparkHome = tmp.resolve("spark");
    Path submit = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
    Files.writeString(submit, "#!/bin/sh\nexit 99\n");
    assertTrue(submit.toFile().setExecutable(true));
    Files.writeString(sparkHome.resolve("RELEASE"), "Spark 4.2.0 built for Hadoop 3.5.0\n");
    Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString(), "SPARKPROP_EXECUTOR_MEMORY", "3g",
        "SPARKPROP_SPARK_CONF", "spark.a=1 spark.b=2");
    Result r = run(env, Duration.ofMinutes(3), "submit.sh", "--master", "yarn", "--deploy-mode", "cluster",
        "--num-executors", "7", "--conf", "spark.c=3", "--dry-run", "train", "--config", "x.conf", "--output", "hdfs:///o");
    assertEquals(0, r.code(), r.err());
    String line = r.err().lines().filter(l -> l.startsWith("submit.sh: " + submit)).findFirst().orElse("");
    for (String part : new String[] {"--master yarn", "--deploy-mode cluster", "--num-executors 7", "--executor-memory 3g",
        "--class org.sparkprop.cli.Main", "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer",
        "--conf spark.kryo.registrator=org.sparkprop.spark.SparkpropKryoRegistrator",
        "--conf spark.kryo.registrationRequired=true", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--conf spark.a=1 --conf spark.b=2 --conf spark.c=3", "-cluster.jar train --config x.conf --output hdfs:///o",
        "/sparkprop_2.13-"}) {
      assertTrue(line.contains(part), "missing '" + part + "' in:\n" + line);
    }
    // A Spark installation whose version cannot be told is not guessed at.
    Files.delete(sparkHome.resolve("RELEASE"));
    Result unknown = run(env, Duration.ofMinutes(3), "submit.sh", "--master", "yarn", "--dry-run", "train", "--output", "o");
    assertEquals(1, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("cannot tell the Spark version of SPARK_HOME=" + sparkHome), unknown.err());
    // Without a Spark installation: YARN needs the cluster's configuration, and on the Spark 3.5
    // line (whose Maven-resolved jars have no spark-yarn) a Spark installation.
    Result yarn = run(Map.of(), Duration.ofMinutes(3), "submit.sh", "--master", "yarn", "train", "--output", "x");
    assertEquals(1, yarn.code());
    assertTrue(yarn.err().contains("needs the cluster's Hadoop client configuration: set HADOOP_CONF_DIR"), yarn.err());
    Result yarn35 = run(Map.of("HADOOP_CONF_DIR", tmp.toString()), Duration.ofMinutes(3), "submit.sh", "--spark", "3.5",
        "--master", "yarn", "train", "--output", "x");
    assertEquals(1, yarn35.code());
    assertTrue(yarn35.err().contains("on Spark 3.5 needs a Spark installation"), yarn35.err());
    Result k8s = run(Map.of(), Duration.ofMinutes(3), "submit.sh", "--master", "k8s://https://127.0.0.1:6443", "train",
        "--output", "x");
    assertEquals(1, k8s.code());
    assertTrue(k8s.err().contains("needs a Spark installation"), k8s.err());
  }

  @Test
  void yarnShSubmitsInClusterOrClientModeWithTheMavenResolvedJarsAndTheHadoopConfiguration() throws Exception {
    // --dry-run prints the command submit.sh would run; what runs on YARN is YarnClusterIT's.
    Path hadoopConf = Files.createDirectories(tmp.resolve("hadoop-conf"));
    Path job = tmp.resolve("job.conf");
    Files.copy(ROOT.resolve("conf/spiral.conf"), job);
    for (String mode : new String[] {"cluster", "client"}) {
      Result r = run(Map.of("HADOOP_CONF_DIR", hadoopConf.toString(), "SPARKPROP_DEPLOY_MODE", mode,
          "SPARKPROP_NUM_EXECUTORS", "2", "SPARKPROP_EXECUTOR_MEMORY", "1g", "OPENBLAS_CORETYPE", "Haswell"),
          Duration.ofMinutes(5), "yarn.sh", job.toString(), "--dry-run", "train", "--config", "job.conf", "--output", "hdfs:///o");
      assertEquals(0, r.code(), mode + ": " + tail(r.err()));
      String line = r.err().lines().filter(l -> l.startsWith("submit.sh: java ")).findFirst().orElse("");
      String sparkHome = BUILD_DIR + "/spark-home";
      for (String part : new String[] {"-cp " + sparkHome + "/conf/:" + hadoopConf + ":" + sparkHome + "/jars/\\*",
          "org.apache.spark.deploy.SparkSubmit --master yarn --deploy-mode " + mode, "--num-executors 2",
          "--executor-memory 1g", "--conf spark.yarn.queue=default",
          "--conf spark.executorEnv.OPENBLAS_CORETYPE=Haswell", "--files " + job,
          "-cluster.jar train --config job.conf --output hdfs:///o"}) {
        assertTrue(line.contains(part), mode + ": missing '" + part + "' in:\n" + line);
      }
      // The application master is the driver only in cluster mode.
      assertEquals(mode.equals("cluster"), line.contains("--conf spark.yarn.appMasterEnv.OPENBLAS_CORETYPE=Haswell"), line);
    }
    try (Stream<Path> jars = Files.list(Path.of(BUILD_DIR, "spark-home", "jars"))) {
      assertTrue(jars.anyMatch(j -> j.getFileName().toString().startsWith("spark-yarn_2.13-")),
          "the Spark home of the Maven-resolved jars has Spark's YARN support");
    }
    Result noConf = run(Map.of(), Duration.ofMinutes(1), "yarn.sh", job.toString(), "train", "--output", "o");
    assertEquals(1, noConf.code());
    assertTrue(noConf.err().contains("yarn.sh: set HADOOP_CONF_DIR"), noConf.err());
    Result badMode = run(Map.of("HADOOP_CONF_DIR", hadoopConf.toString(), "SPARKPROP_DEPLOY_MODE", "remote"),
        Duration.ofMinutes(1), "yarn.sh", job.toString(), "train", "--output", "o");
    assertEquals(1, badMode.code());
    assertTrue(badMode.err().contains("SPARKPROP_DEPLOY_MODE must be client or cluster, found 'remote'"), badMode.err());
  }

  @Test
  void localShTrainsTheQuickStartJobAndWritesSummaryAndReport() throws Exception {
    Path out = tmp.resolve("spiral");
    Result r = run(Map.of("SPARKPROP_DRIVER_MEMORY", "1g"), Duration.ofMinutes(5), "local.sh", "train",
        "--config", "conf/spiral.conf", "--set", "train.epochs=2", "--set", "train.logEveryRounds=10", "--verbose",
        "--output", out.toString());
    assertEquals(0, r.code(), tail(r.err()));
    assertTrue(r.err().contains("local.sh: java -Xmx1g"), "the command is printed");
    assertTrue(r.out().contains("sparkprop: resolved configuration\n"), r.out());
    assertTrue(r.out().contains("train.epochs = 2\n"), "the --set value is in the printed configuration");
    assertTrue(r.out().contains("epoch 2/2  train loss"), r.out());
    // The quick start's 2,000 generated rows on local[2] train without Spark: the log says so and
    // why, and no SparkContext starts (a cluster master keeps Spark: the standalone test below).
    assertTrue(r.err().contains(" INFO InProcessTrainJob: input read and packed in the driver process, without Spark"),
        tail(r.err()));
    assertFalse(r.err().contains("SparkContext"), "no Spark started:\n" + tail(r.err()));
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("not started", summary.path("spark").asText());
    assertEquals("driver", summary.path("input").asText());
    assertEquals(2, summary.path("epochs").asInt());
    assertEquals("local[2]", summary.path("sparkMaster").asText());
    // The resolved configuration, --set included, is kept in the summary, the metrics and the model.
    List<JsonNode> metrics = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) metrics.add(JSON.readTree(line));
    JsonNode model = JSON.readTree(out.resolve("model/metadata.json").toFile());
    for (JsonNode config : List.of(summary.path("config"), metrics.get(0).path("config"), model.path("trainingConfig"))) {
      assertEquals(2, config.path("train.epochs").asInt(), config.toString());
      assertEquals("spiral", config.path("data.playground.name").asText(), config.toString());
    }
    // 64 rounds logged every 10th: rounds 10 .. 60, each with its time split; then the two epochs.
    assertEquals(6, metrics.stream().filter(m -> m.path("type").asText().equals("round")).count());
    JsonNode round = metrics.stream().filter(m -> m.path("type").asText().equals("round")).findFirst().orElseThrow();
    // Each logged round's five parts add up to its total (to the nanosecond, in milliseconds), and a
    // round lasts less than the epoch it belongs to.
    double parts = 0;
    for (String part : new String[] {"broadcast", "compute", "aggregate", "update", "other"}) {
      double ms = round.path("ms").path(part).asDouble(-1);
      assertTrue(ms >= 0, part + " in " + round);
      parts += ms;
    }
    assertEquals(round.path("ms").path("total").asDouble(), parts, 1e-6, round.toString());
    JsonNode epochOfRound = metrics.stream().filter(m -> m.path("type").asText().equals("epoch")
        && m.path("epoch").asInt() == round.path("epoch").asInt()).findFirst().orElseThrow();
    assertTrue(parts < epochOfRound.path("seconds").asDouble() * 1e3, round + " in " + epochOfRound);
    assertTrue(round.path("learningRate").asDouble() > 0 && round.has("loss"), round.toString());
    assertEquals(2, metrics.stream().filter(m -> m.path("type").asText().equals("epoch")).count());
    assertTrue(r.out().contains("  epoch 2/2  round 18/32  loss "), "plain progress lines off a terminal:\n" + r.out());
    for (String f : new String[] {"index.html", "boundary.png", "boundary-epoch-002.png", "loss.png", "accuracy.png",
        "confusion.png", "round-time.png"}) {
      assertTrue(Files.size(out.resolve("report").resolve(f)) > 0, f);
    }

    Result bad = run(Map.of("SPARKPROP_DRIVER_MEMORY", "1g"), Duration.ofMinutes(2), "local.sh", "train",
        "--config", "conf/spiral.conf", "--set", "train.batchSiz=32", "--output", tmp.resolve("bad").toString());
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("did you mean 'train.batchSize'?"), bad.err());
    assertFalse(bad.out().contains("spark 4"), "Spark must not start for a bad configuration");
  }

  /**
   * local.sh's class-data archive: written by the first successful train run of a build (not by one
   * that failed), used by the next, with the same weights; a damaged one is not used (the JVM would
   * crash on it) but written again. Run in a copy of the build directory, so the archive starts absent.
   */
  @Test
  void localShArchivesTheClassesOfASuccessfulTrainRunAndUsesThemNextTime() throws Exception {
    Path build = tmp.resolve("cds-build");
    copyTree(Path.of(BUILD_DIR, "classes"), build.resolve("classes"));
    Files.copy(Path.of(BUILD_DIR, "classpath.txt"), build.resolve("classpath.txt"));
    Map<String, String> env = Map.of("SPARKPROP_DRIVER_MEMORY", "1g", "SPARKPROP_BUILD_DIR", build.toString());
    String[] train = {"train", "--config", "conf/spiral.conf", "--set", "train.epochs=1", "--output", ""};

    Result bad = run(env, Duration.ofMinutes(3), "local.sh", "train", "--config", "conf/spiral.conf", "--set",
        "train.batchSiz=32", "--output", tmp.resolve("cds-bad").toString());
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("-XX:ArchiveClassesAtExit="), tail(bad.err()));

    String[] weights = new String[2];
    for (int i = 0; i < 2; i++) {
      train[train.length - 1] = tmp.resolve("cds-" + i).toString();
      Result r = run(env, Duration.ofMinutes(4), "local.sh", train);
      assertEquals(0, r.code(), tail(r.err()));
      // The failed run's archive is not used: the first good run writes one, the second uses it.
      String option = i == 0 ? "-XX:ArchiveClassesAtExit=" : "-XX:SharedArchiveFile=";
      assertTrue(r.err().contains(option) && r.err().contains("cds/sparkprop-classes.jar"), tail(r.err()));
      weights[i] = JSON.readTree(tmp.resolve("cds-" + i).resolve("summary.json").toFile()).path("weightsSha256").asText();
    }
    assertEquals(weights[0], weights[1], "the same weights with the archive");

    Path archive = build.resolve("cds/sparkprop.jsa");
    byte[] bytes = Files.readAllBytes(archive);
    archive.toFile().setWritable(true);
    Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    train[train.length - 1] = tmp.resolve("cds-damaged").toString();
    Result damaged = run(env, Duration.ofMinutes(4), "local.sh", train);
    assertEquals(0, damaged.code(), tail(damaged.err()));
    assertFalse(damaged.err().contains("-XX:SharedArchiveFile="), tail(damaged.err()));
    assertTrue(damaged.err().contains("-XX:ArchiveClassesAtExit="), "written again:\n" + tail(damaged.err()));

    Result off = run(Map.of("SPARKPROP_DRIVER_MEMORY", "1g", "SPARKPROP_BUILD_DIR", build.toString(), "SPARKPROP_CDS", "off"),
        Duration.ofMinutes(1), "local.sh", "train", "--help");
    assertEquals(0, off.code(), off.err());
    assertFalse(off.err().contains("-XX:"), "SPARKPROP_CDS=off: no archive option\n" + off.err());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) Files.createDirectories(target);
        else Files.copy(f, target);
      }
    }
  }

  /** A base port p with p .. p + span - 1 all free on 127.0.0.1. */
  private static int freePorts(int span) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20000, 60000);
      boolean free = true;
      for (int p = base; p < base + span && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, loopback)) {
          s.setReuseAddress(true);
        } catch (IOException busy) {
          free = false;
        }
      }
      if (free) return base;
    }
    throw new IOException("no block of " + span + " free ports found");
  }

  @Test
  void aJobRunsOnTheLocalStandaloneClusterThroughSubmitShAndEverythingStops() throws Exception {
    Path clusterDir = tmp.resolve("cluster");
    int port = freePorts(1);
    int webui = freePorts(3);
    List<ProcessHandle> started = new ArrayList<>();
    try {
      Result start = run(Map.of(), Duration.ofMinutes(4), "start-local-cluster.sh", "--port", Integer.toString(port),
          "--webui-port", Integer.toString(webui), "--memory", "1g", "--dir", clusterDir.toString(), "--timeout", "180");
      started.addAll(recorded(clusterDir));
      assertEquals(0, start.code(), tail(start.err()));
      String master = "spark://127.0.0.1:" + port;
      assertEquals(master, start.out().trim());
      assertEquals(3, started.size(), "a master and two workers");

      Path out = tmp.resolve("on-cluster");
      Result job = run(Map.of(), Duration.ofMinutes(5), "submit.sh", "--master", master, "--total-executor-cores", "2",
          "--executor-memory", "512m", "--driver-memory", "1g", "--conf", "spark.ui.enabled=false",
          "train", "--config", "conf/spiral.conf", "--set", "train.epochs=1", "--set", "data.playground.rows=600",
          "--output", out.toString());
      assertEquals(0, job.code(), tail(job.err()));
      assertTrue(job.err().contains("org.apache.spark.deploy.SparkSubmit --master " + master), "the command is printed");
      JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
      assertEquals(master, summary.path("sparkMaster").asText());
      assertEquals("spark", summary.path("input").asText(), "a cluster master keeps Spark");
      assertEquals(1, summary.path("epochs").asInt());
      // The charts are drawn with XChart, which only the shaded cluster jar brings to this driver.
      assertTrue(Files.size(out.resolve("report/confusion.png")) > 0 && Files.exists(out.resolve("report/index.html")));
      // One executor JVM per worker ran tasks: each worker's work directory holds its logs.
      for (int w = 1; w <= 2; w++) {
        try (Stream<Path> apps = Files.list(clusterDir.resolve("work/worker-" + w))) {
          assertTrue(apps.anyMatch(a -> a.getFileName().toString().startsWith("app-")), "worker " + w + " ran no executor");
        }
      }
    } finally {
      // Also when start-up failed or timed out part-way: whatever was recorded, and its children.
      for (ProcessHandle h : recorded(clusterDir)) {
        if (started.stream().noneMatch(s -> s.pid() == h.pid())) started.add(h);
        h.descendants().filter(d -> started.stream().noneMatch(s -> s.pid() == d.pid())).forEach(started::add);
      }
      Result stop = run(Map.of(), Duration.ofMinutes(2), "stop-local-cluster.sh", "--dir", clusterDir.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) Thread.sleep(200);
      List<Long> alive = started.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
      started.forEach(ProcessHandle::destroyForcibly); // whatever the script left: ours to clean up
      assertEquals(0, stop.code(), stop.err());
      assertTrue(alive.isEmpty(), "still running after stop-local-cluster.sh: " + alive);
    }
  }

  /** The processes start-local-cluster.sh recorded in its pid files. */
  private static List<ProcessHandle> recorded(Path clusterDir) throws IOException {
    List<ProcessHandle> handles = new ArrayList<>();
    if (!Files.isDirectory(clusterDir)) return handles;
    Map<String, Long> pids = new HashMap<>();
    try (Stream<Path> files = Files.list(clusterDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.toString().endsWith(".pid")) pids.put(f.getFileName().toString(), Long.parseLong(Files.readString(f).trim()));
      }
    }
    for (long pid : pids.values()) ProcessHandle.of(pid).ifPresent(handles::add);
    return handles;
  }
}
