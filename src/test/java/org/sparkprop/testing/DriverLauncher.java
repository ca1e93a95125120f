package org.sparkprop.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a Sparkprop command through Spark's real {@code org.apache.spark.deploy.SparkSubmit}
 * in client mode, as a separate driver JVM: the application is the build's cluster jar (which
 * spark-submit ships to the executors), Spark comes from a {@link SparkHome}. The driver binds
 * to loopback, has no UI, and logs as the command line does (conf/log4j2.properties).
 *
 * <pre>
 *   DriverProcess d = DriverLauncher.submit(home, cluster.masterUrl())
 *       .conf("spark.executor.memory", "512m").args("train", "--set", ...).logsTo(dir, "run1").start();
 * </pre>
 */
public final class DriverLauncher {
  private final SparkHome home;
  private final String master;
  private final Map<String, String> conf = new LinkedHashMap<>();
  private final List<String> driverClasspath = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private Path logDir;
  private Path applicationJar;
  private String name = "driver";

  private DriverLauncher(SparkHome home, String master) {
    this.home = home;
    this.master = master;
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.ui.enabled", "false");
  }

  /** A launcher for {@code master} (spark://..., or local[n] for a local-mode driver). */
  public static DriverLauncher submit(SparkHome home, String master) {
    return new DriverLauncher(home, master);
  }

  /** A Spark setting passed as {@code --conf key=value}. */
  public DriverLauncher conf(String key, String value) {
    conf.put(key, value);
    return this;
  }

  public DriverLauncher conf(Map<String, String> settings) {
    conf.putAll(settings);
    return this;
  }

  /** Removes a setting, including one of the defaults above. */
  public DriverLauncher withoutConf(String key) {
    conf.remove(key);
    return this;
  }

  /** A folder or jar on the driver's own class path only (test hooks), not shipped to executors. */
  public DriverLauncher driverClasspath(Path entry) {
    driverClasspath.add(entry.toAbsolutePath().toString());
    return this;
  }

  /** The Sparkprop command line: {@code train --set ... --output ...}. */
  public DriverLauncher args(String... more) {
    args.addAll(List.of(more));
    return this;
  }

  public DriverLauncher args(List<String> more) {
    args.addAll(more);
    return this;
  }

  /** The application jar to submit, instead of this build's cluster jar (another Spark line's). */
  public DriverLauncher applicationJar(Path jar) {
    this.applicationJar = jar;
    return this;
  }

  /** Where the driver's stdout and stderr go ({@code name.out}, {@code name.err}). */
  public DriverLauncher logsTo(Path dir, String name) {
    this.logDir = dir;
    this.name = name;
    return this;
  }

  public DriverProcess start() throws IOException {
    Path dir = Files.createDirectories(logDir != null ? logDir : SparkHome.buildDir().resolve("cluster-it"));
    List<String> submit = new ArrayList<>(List.of("--master", master, "--deploy-mode", "client",
        "--class", "org.sparkprop.cli.Main"));
    conf.forEach((k, v) -> {
      submit.add("--conf");
      submit.add(k + "=" + v);
    });
    submit.add((applicationJar != null ? applicationJar : SparkHome.applicationJar()).toString());
    submit.addAll(args);
    Path log4j = Path.of("conf", "log4j2.properties").toAbsolutePath();
    ProcessBuilder pb = home.java("768m", List.of("-Dlog4j2.configurationFile=" + log4j.toUri()), driverClasspath,
        "org.apache.spark.deploy.SparkSubmit", submit);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = ChildProcesses.start(pb);
    p.getOutputStream().close();
    return new DriverProcess(name, p, out, err);
  }
}
