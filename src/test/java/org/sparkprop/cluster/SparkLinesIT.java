package org.sparkprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkprop.testing.ChildProcesses;
import org.sparkprop.testing.DriverLauncher;
import org.sparkprop.testing.DriverProcess;
import org.sparkprop.testing.SparkHome;
import org.sparkprop.testing.StandaloneCluster;

/**
 * The two Spark lines side by side, each from its own build ({@code target/} for Spark 4.2 /
 * Scala 2.13, {@code target/spark-3.5/} for Spark 3.5 / Scala 2.12): the same job gives the same
 * final weights on both (the maths does not depend on Spark), a model directory and a Spark ML
 * PipelineModel saved on one line load on the other and predict the same, a job submitted with
 * the 3.5 jar to a real Spark 3.5 standalone cluster gives the local-mode weights, and a jar of
 * the other line is refused, by submit.sh and by the driver, with a message naming both versions.
 *
 * <p>Runs in the Spark 3.5 module, which Maven builds after the Spark 4.2 one, so both lines'
 * jars exist. Every Spark program runs in its own JVM on its line's Maven-resolved Spark jars.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SparkLinesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN = Duration.ofMinutes(6);
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path EXAMPLES = ROOT.resolve("data").resolve("examples");

  /** One Spark line's build: its cluster jar, its Spark class path, its compiled tests. */
  record Line(String spark, Path buildDir) {
    Path clusterJar() throws IOException {
      try (Stream<Path> files = Files.list(buildDir)) {
        return files.filter(p -> p.getFileName().toString().matches("sparkprop_2\\.1\\d-.*-cluster\\.jar")).findFirst()
            .orElseThrow(() -> new IllegalStateException("no cluster jar of the Spark " + spark + " line in " + buildDir
                + ": SparkLinesIT needs both lines built; run `mvn verify` from the project folder"));
      }
    }

    Path sparkListing() {
      return buildDir.resolve("spark-classpath.txt");
    }

    /** The line's test classes, classes and full Maven class path (Spark included). */
    String testClasspath() throws IOException {
      return String.join(File.pathSeparator, buildDir.resolve("test-classes").toString(),
          buildDir.resolve("classes").toString(), Files.readString(buildDir.resolve("classpath.txt")).trim());
    }
  }

  private static final Path BUILD = Path.of(System.getProperty("sparkprop.projectBuildDir", "target")).toAbsolutePath();
  static final Line SPARK_42 = new Line("4.2", BUILD);
  static final Line SPARK_35 = new Line("3.5", BUILD.resolve("spark-3.5"));

  private static Path root;
  private static SparkHome home42;
  private static SparkHome home35;
  private static StandaloneCluster cluster35;
  private static Path local42;
  private static Path local35;

  @BeforeAll
  static void trainOnBothLinesWhileASpark35ClusterStarts() throws Exception {
    root = SparkHome.buildDir().resolve("cluster-it").resolve("lines-" + System.currentTimeMillis());
    home42 = SparkHome.create(root.resolve("home-4.2"), SPARK_42.sparkListing());
    home35 = SparkHome.create(root.resolve("home-3.5"), SPARK_35.sparkListing());
    assertTrue(home42.sparkVersion().startsWith("4.2."), home42.sparkVersion());
    assertTrue(home35.sparkVersion().startsWith("3.5."), home35.sparkVersion());
    cluster35 = StandaloneCluster.start(root.resolve("cluster-3.5"), 2, Map.of());
    assertEquals(home35.sparkVersion(), cluster35.sparkHome().sparkVersion(), "this module's Spark is 3.5");
    local42 = root.resolve("local-4.2");
    local35 = root.resolve("local-3.5");
    try (DriverProcess on42 = train(home42, SPARK_42, "local[2]", local42);
         DriverProcess on35 = train(home35, SPARK_35, "local[2]", local35)) {
      on42.awaitSuccess(RUN);
      on35.awaitSuccess(RUN);
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster35 != null) cluster35.close();
  }

  /** The job: the data/ example CSV files, 4 partitions, 2 epochs of 25 rounds. */
  private static List<String> job(Path out) {
    return StandaloneClusterIT.csvJob(EXAMPLES.resolve("moons.csv").toUri().toString(),
        EXAMPLES.resolve("moons-test.csv").toUri().toString(), "--output", out.toString());
  }

  private static DriverProcess train(SparkHome home, Line line, String master, Path out) throws IOException {
    return DriverLauncher.submit(home, master).applicationJar(line.clusterJar()).args(job(out))
        .logsTo(root, "train-" + line.spark() + "-" + out.getFileName()).start();
  }

  private static JsonNode summary(Path out) throws IOException {
    Path file = out.resolve("summary.json");
    assertTrue(Files.exists(file), "no " + file);
    return JSON.readTree(file.toFile());
  }

  @Test
  void theSameJobGivesTheSameWeightsOnSpark35AndSpark42() throws Exception {
    JsonNode on42 = summary(local42);
    JsonNode on35 = summary(local35);
    assertEquals(50, on42.path("rounds").asInt());
    assertEquals(on42.path("rounds").asInt(), on35.path("rounds").asInt());
    String sha = on42.path("weightsSha256").asText();
    assertEquals(64, sha.length(), "a SHA-256 in hex: " + sha);
    assertEquals(sha, on35.path("weightsSha256").asText(), "the final weights of the same job on Spark 4.2 and 3.5");
    // Each ran on its own Spark: the model records the Spark version that trained it.
    assertTrue(Files.readString(local42.resolve("model").resolve("metadata.json")).contains(home42.sparkVersion()));
    assertTrue(Files.readString(local35.resolve("model").resolve("metadata.json")).contains(home35.sparkVersion()));
  }

  @Test
  void aModelDirectorySavedOnOneLineLoadsOnTheOtherAndPredictsTheSame() throws Exception {
    String test = EXAMPLES.resolve("moons-test.csv").toUri().toString();
    Path out = root.resolve("predict");
    try (DriverProcess a = predict(home42, SPARK_42, local42, test, out.resolve("42-on-42"));
         DriverProcess b = predict(home35, SPARK_35, local42, test, out.resolve("42-on-35"))) {
      a.awaitSuccess(RUN);
      b.awaitSuccess(RUN);
    }
    try (DriverProcess c = predict(home42, SPARK_42, local35, test, out.resolve("35-on-42"))) {
      c.awaitSuccess(RUN);
    }
    List<String> reference = predictions(out.resolve("42-on-42"));
    assertEquals(201, reference.size(), "a header and the 200 rows of moons-test.csv");
    assertEquals(reference, predictions(out.resolve("42-on-35")), "a Spark 4.2 model predicting on Spark 3.5");
    assertEquals(reference, predictions(out.resolve("35-on-42")), "a Spark 3.5 model predicting on Spark 4.2");
  }

  private static DriverProcess predict(SparkHome home, Line line, Path trained, String data, Path out) throws IOException {
    return DriverLauncher.submit(home, "local[1]").applicationJar(line.clusterJar())
        .args("predict", "--model", trained.resolve("model").toString(), "--data", data, "--partitions", "1",
            "--output", out.toString())
        .logsTo(root, "predict-" + out.getFileName()).start();
  }

  /** The CSV lines Spark wrote into a predict output directory, part files in name order. */
  private static List<String> predictions(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(dir)) {
      for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(part));
      }
    }
    return lines;
  }

  @Test
  void aPipelineModelSavedOnOneLineLoadsOnTheOtherAndPredictsTheSame() throws Exception {
    Path dir = root.resolve("pipelines");
    Files.createDirectories(dir);
    try (Program fit42 = Program.start(SPARK_42, dir, "fit", dir.resolve("fitted-4.2"), dir.resolve("4.2-on-4.2.txt"));
         Program fit35 = Program.start(SPARK_35, dir, "fit", dir.resolve("fitted-3.5"), dir.resolve("3.5-on-3.5.txt"))) {
      fit42.awaitSuccess();
      fit35.awaitSuccess();
    }
    try (Program on35 = Program.start(SPARK_35, dir, "predict", dir.resolve("fitted-4.2"), dir.resolve("4.2-on-3.5.txt"));
         Program on42 = Program.start(SPARK_42, dir, "predict", dir.resolve("fitted-3.5"), dir.resolve("3.5-on-4.2.txt"))) {
      on35.awaitSuccess();
      on42.awaitSuccess();
    }
    List<String> fitted42 = Files.readAllLines(dir.resolve("4.2-on-4.2.txt"));
    assertEquals(200, fitted42.size());
    assertEquals(fitted42, Files.readAllLines(dir.resolve("4.2-on-3.5.txt")), "a Spark 4.2 PipelineModel on Spark 3.5");
    assertEquals(Files.readAllLines(dir.resolve("3.5-on-3.5.txt")), Files.readAllLines(dir.resolve("3.5-on-4.2.txt")),
        "a Spark 3.5 PipelineModel on Spark 4.2");
  }

  /** {@code PipelineRoundTrip} in a JVM of one line (its classes, its Spark). */
  private record Program(String name, Process process, Path log) implements AutoCloseable {
    static Program start(Line line, Path dir, String command, Path model, Path out) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m"));
      cmd.addAll(SparkHome.jvmOptions());
      cmd.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf").resolve("log4j2.properties").toUri());
      cmd.addAll(List.of("-cp", line.testClasspath(), "org.sparkprop.spark.ml.PipelineRoundTrip", command,
          model.toString(), out.toString()));
      String name = command + "-" + out.getFileName();
      Path log = dir.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      return new Program(name, ChildProcesses.start(pb), log);
    }

    void awaitSuccess() throws Exception {
      if (!process.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)) fail(name + " still running after " + RUN + "\n" + logTail());
      assertEquals(0, process.exitValue(), name + " failed\n" + logTail());
    }

    private String logTail() throws IOException {
      String text = Files.readString(log);
      return text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text;
    }

    @Override
    public void close() {
      ChildProcesses.stop(process);
    }
  }

  @Test
  void theSpark35JarOnASpark35StandaloneClusterGivesTheLocalModeWeights() throws Exception {
    cluster35.awaitAliveWorkers(2, Duration.ofMinutes(3));
    Path out = root.resolve("cluster-run");
    // Through submit.sh with SPARK_HOME on a Spark 3.5 installation: the script picks the 3.5 jar.
    List<String> args = new ArrayList<>(List.of("--master", cluster35.masterUrl(), "--total-executor-cores", "2",
        "--executor-memory", "512m", "--conf", "spark.ui.enabled=false", "--conf", "spark.network.timeout=300s"));
    args.addAll(job(out));
    Script r = Script.run(Map.of("SPARK_HOME", withSparkSubmit(home35).toString()), Duration.ofMinutes(8), "submit.sh",
        args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains(SPARK_35.clusterJar().getFileName().toString()), "submit.sh chose the 3.5 jar:\n" + r.err());
    JsonNode summary = summary(out);
    assertEquals(cluster35.masterUrl(), summary.path("sparkMaster").asText());
    assertEquals(summary(local35).path("weightsSha256").asText(), summary.path("weightsSha256").asText(),
        "the 3.5 cluster's weights against local mode's");
  }

  @Test
  void aJarOfTheOtherLineIsRefusedBySubmitShAndByTheDriver() throws Exception {
    Path sparkHome = withSparkSubmit(home35);
    Script jar = Script.run(Map.of("SPARK_HOME", sparkHome.toString()), Duration.ofMinutes(2), "submit.sh",
        "--jar", SPARK_42.clusterJar().toString(), "--dry-run", "train", "--help");
    assertEquals(1, jar.code(), jar.err());
    assertTrue(jar.err().contains("built for Spark 4.2 / Scala 2.13") && jar.err().contains("Spark " + home35.sparkVersion()),
        jar.err());
    Script flag = Script.run(Map.of("SPARK_HOME", sparkHome.toString()), Duration.ofMinutes(2), "submit.sh",
        "--spark", "4.2", "--dry-run", "train", "--help");
    assertEquals(1, flag.code(), flag.err());
    assertTrue(flag.err().contains("--spark 4.2") && flag.err().contains("Spark " + home35.sparkVersion()), flag.err());

    // Past the script (spark-submit by hand): the driver checks the running Spark before any work.
    try (DriverProcess driver = DriverLauncher.submit(home35, "local[1]").applicationJar(SPARK_42.clusterJar())
        .args(job(root.resolve("refused"))).logsTo(root, "refused").start()) {
      assertEquals(2, driver.awaitExit(RUN), driver.tails());
      String err = driver.stderr();
      assertTrue(err.contains("built for Spark 4.2 / Scala 2.13, but the running Spark is " + home35.sparkVersion()), err);
      assertTrue(err.contains("use the sparkprop_2.12 jar"), err);
      assertFalse(err.contains("NoClassDefFoundError") || err.contains("NoSuchMethodError"), err);
    }
    assertFalse(Files.exists(root.resolve("refused")), "nothing was written");
  }

  /**
   * The Spark installation with a {@code bin/spark-submit}, as a distribution has: this one starts
   * Spark's own SparkSubmit on the installation's jars with the module options Java 17 needs (a
   * distribution's script gets them from Spark's launcher).
   */
  private static Path withSparkSubmit(SparkHome home) throws IOException {
    Path script = home.dir().resolve("bin").resolve("spark-submit");
    if (!Files.exists(script)) {
      Files.createDirectories(script.getParent());
      Files.writeString(script, "#!/usr/bin/env bash\n"
          + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -Xmx768m "
          + String.join(" ", SparkHome.jvmOptions())
          + " -cp \"$SPARK_HOME/conf/:$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return home.dir();
  }

  /** A launch script of submit-scripts/ run with the project's build folder. */
  private record Script(int code, String out, String err) {
    static Script run(Map<String, String> env, Duration timeout, String script, String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("submit-scripts").resolve(script).toString()));
      cmd.addAll(List.of(args));
      Path out = Files.createTempFile(root, "script", ".out");
      Path err = Files.createTempFile(root, "script", ".err");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectOutput(out.toFile())
          .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().put("SPARKPROP_BUILD_DIR", BUILD.toString());
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      pb.environment().putAll(env);
      Process p = ChildProcesses.start(pb);
      try {
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) fail(script + " still running after " + timeout + "\n" + Files.readString(err));
        return new Script(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        ChildProcesses.stop(p);
      }
    }
  }
}
