package org.sparkprop.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptReport;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.SignalContainerCommand;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN for tests, the way Spark's own YARN suite tests: Hadoop's MiniYARNCluster (one
 * ResourceManager, one NodeManager, from {@code hadoop-client-minicluster}) over a {@link MiniHdfs}
 * as the default file system, all on this machine. {@link #confDir} is a Hadoop client
 * configuration folder (core-site.xml, hdfs-site.xml, yarn-site.xml) to give a launcher as
 * {@code HADOOP_CONF_DIR}, as an operator would give the cluster's. Containers are JVMs started
 * by the NodeManager; their stdout and stderr stay in its log folders ({@link #containerLog}).
 *
 * <p>Start-up (HDFS and YARN) takes 45-75 s on a loaded machine: share one per test class.
 */
public final class MiniYarn implements AutoCloseable {
  /**
   * What the NodeManager waits between SIGTERM and SIGKILL when it stops a container (YARN's
   * default is 250 ms): the time a driver killed with its application has to write its checkpoint.
   */
  public static final Duration SIGKILL_DELAY = Duration.ofSeconds(60);

  private final MiniHdfs hdfs;
  private final MiniYARNCluster yarn;
  private final YarnClient client;
  private final Path confDir;

  private MiniYarn(MiniHdfs hdfs, MiniYARNCluster yarn, YarnClient client, Path confDir) {
    this.hdfs = hdfs;
    this.yarn = yarn;
    this.client = client;
    this.confDir = confDir;
  }

  /**
   * Starts HDFS and YARN with their storage under {@code baseDir}; the NodeManager offers
   * {@code memoryMb} of memory and {@code vcores} cores to containers (not checked against the
   * machine: containers share its cores, and neither physical nor virtual memory is policed).
   */
  public static MiniYarn start(Path baseDir, int memoryMb, int vcores) {
    MiniHdfs hdfs = MiniHdfs.start(baseDir.resolve("hdfs"));
    MiniYARNCluster yarn = null;
    try {
      YarnConfiguration conf = new YarnConfiguration(new Configuration(hdfs.configuration()));
      conf.set("fs.defaultFS", hdfs.uri());
      // The capacity scheduler's own settings file is not in hadoop-client-minicluster: one queue.
      conf.set("yarn.scheduler.capacity.root.queues", "default");
      conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
      conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
      conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
      conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
      conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
      conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
      conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
      // A full disk must not mark the only node unhealthy (the test would hang waiting for containers).
      conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
      conf.setInt("yarn.nodemanager.resource.memory-mb", memoryMb);
      conf.setInt("yarn.nodemanager.resource.cpu-vcores", vcores);
      conf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
      conf.setInt("yarn.scheduler.maximum-allocation-mb", memoryMb);
      conf.setInt("yarn.scheduler.maximum-allocation-vcores", vcores);
      // Java 17 reserves far more virtual memory than it uses, and a loaded machine's page cache
      // blurs physical use: the test is about Sparkprop, not YARN's memory policing.
      conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
      conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
      conf.setLong("yarn.nodemanager.sleep-delay-before-sigkill.ms", SIGKILL_DELAY.toMillis());
      // Finished containers' logs stay where the test reads them.
      conf.setBoolean("yarn.log-aggregation-enable", false);
      conf.setLong("yarn.nodemanager.delete.debug-delay-sec", 3600);
      conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
      conf.set("yarn.nodemanager.hostname", "127.0.0.1");
      conf.set("yarn.nodemanager.address", "127.0.0.1:0");
      conf.set("yarn.nodemanager.webapp.address", "127.0.0.1:0");
      // MiniYARNCluster puts its NodeManager's folders (container logs, localized jars) under the
      // system property test.build.data (default target/test/data, beside the build's own output):
      // here, under baseDir, read once by its constructor.
      String testData = System.getProperty("test.build.data");
      System.setProperty("test.build.data", Files.createDirectories(baseDir.resolve("work")).toString());
      try {
        yarn = new MiniYARNCluster("sparkprop-yarn", 1, 1, 1);
      } finally {
        if (testData == null) {
          System.clearProperty("test.build.data");
        } else {
          System.setProperty("test.build.data", testData);
        }
      }
      yarn.init(conf);
      yarn.start();
      Configuration started = yarn.getConfig();
      // MiniYARNCluster's start() may return before the ResourceManager has written its real port
      // into the configuration (Spark's YARN suite waits the same way).
      await(Duration.ofSeconds(60), "the ResourceManager's address",
          () -> !started.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0"));
      if (!yarn.waitForNodeManagersToConnect(60_000)) throw new IllegalStateException("the NodeManager did not register");
      // What a cluster's client configuration holds, not the mini clusters' whole configuration
      // (which names test-only classes such as HDFS's StaticMapping, absent from Spark's Hadoop client).
      Path confDir = Files.createDirectories(baseDir.resolve("hadoop-conf"));
      Configuration core = new Configuration(false);
      core.set("fs.defaultFS", hdfs.uri());
      Configuration hdfsSite = new Configuration(false);
      hdfsSite.setInt("dfs.replication", 1); // one DataNode
      Configuration yarnSite = new Configuration(false);
      for (java.util.Map.Entry<String, String> e : started) {
        String key = e.getKey();
        if (key.startsWith("yarn.resourcemanager.") && (key.endsWith(".address") || key.endsWith(".hostname"))) {
          yarnSite.set(key, started.get(key));
        }
      }
      write(core, confDir.resolve("core-site.xml"));
      write(hdfsSite, confDir.resolve("hdfs-site.xml"));
      write(yarnSite, confDir.resolve("yarn-site.xml"));
      YarnClient client = YarnClient.createYarnClient();
      client.init(started);
      client.start();
      return new MiniYarn(hdfs, yarn, client, confDir);
    } catch (Exception e) {
      if (yarn != null) yarn.stop();
      hdfs.close();
      throw new IllegalStateException("cannot start a MiniYARNCluster under " + baseDir + ": " + e, e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      System.err.println("cannot delete " + dir + ": " + e);
    }
  }

  private static void write(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }

  /** The folder to give a launcher as {@code HADOOP_CONF_DIR}. */
  public Path confDir() {
    return confDir;
  }

  public MiniHdfs hdfs() {
    return hdfs;
  }

  /** The applications YARN knows, newest first is not promised: filter by name or state. */
  public List<ApplicationReport> applications() {
    try {
      return client.getApplications();
    } catch (YarnException | IOException e) {
      throw new IllegalStateException("cannot list YARN's applications", e);
    }
  }

  /**
   * The application named {@code name} (its {@code spark.app.name}), once YARN knows it; fails when
   * {@code launcher} exits first or after {@code timeout}.
   */
  public ApplicationId awaitApplication(String name, DriverProcess launcher, Duration timeout) {
    ApplicationId[] found = new ApplicationId[1];
    await(timeout, "the application " + name + "\n" + launcher.tails(), () -> {
      Optional<ApplicationReport> app = applications().stream().filter(a -> a.getName().equals(name)).findFirst();
      app.ifPresent(a -> found[0] = a.getApplicationId());
      if (app.isEmpty() && !launcher.isAlive()) {
        throw new AssertionError(name + ": the launcher exited before YARN knew the application\n" + launcher.tails());
      }
      return app.isPresent();
    });
    return found[0];
  }

  public ApplicationReport report(ApplicationId app) {
    try {
      return client.getApplicationReport(app);
    } catch (YarnException | IOException e) {
      throw new IllegalStateException("cannot read the report of " + app, e);
    }
  }

  /** Waits until {@code app} is FINISHED, FAILED or KILLED, and returns its report. */
  public ApplicationReport awaitEnd(ApplicationId app, Duration timeout) {
    EnumSet<YarnApplicationState> ended =
        EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);
    await(timeout, app + " to end", () -> ended.contains(report(app).getYarnApplicationState()));
    return report(app);
  }

  /** The application master's container of the current attempt of {@code app}; null before YARN has one. */
  public ContainerId amContainer(ApplicationId app) {
    try {
      List<ApplicationAttemptReport> attempts = client.getApplicationAttempts(app);
      return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).getAMContainerId();
    } catch (YarnException | IOException e) {
      throw new IllegalStateException("cannot read the attempts of " + app, e);
    }
  }

  /** The running containers of {@code app} other than its application master's: its executors. */
  public List<ContainerId> executorContainers(ApplicationId app) {
    try {
      List<ApplicationAttemptReport> attempts = client.getApplicationAttempts(app);
      ApplicationAttemptReport current = attempts.get(attempts.size() - 1);
      List<ContainerReport> containers = client.getContainers(current.getApplicationAttemptId());
      return containers.stream().filter(c -> c.getContainerState() == ContainerState.RUNNING)
          .map(ContainerReport::getContainerId).filter(id -> !id.equals(current.getAMContainerId())).toList();
    } catch (YarnException | IOException e) {
      throw new IllegalStateException("cannot list the containers of " + app, e);
    }
  }

  /**
   * Kills a container as a lost node or the kernel's OOM killer would: YARN's forceful shutdown
   * (SIGKILL, no shutdown hooks), sent through the NodeManager.
   */
  public void killContainer(ContainerId container) {
    try {
      client.signalToContainer(container, SignalContainerCommand.FORCEFUL_SHUTDOWN);
    } catch (YarnException | IOException e) {
      throw new IllegalStateException("cannot kill container " + container, e);
    }
  }

  /** Kills the application as {@code yarn application -kill} does (the same client call). */
  public void killApplication(ApplicationId app) {
    try {
      client.killApplication(app);
    } catch (YarnException | IOException e) {
      throw new IllegalStateException("cannot kill " + app, e);
    }
  }

  /**
   * A log file ({@code stdout}, {@code stderr}) of a container, in the NodeManager's log folders;
   * the path it will have while the container has not written it yet.
   */
  public Path containerLog(ContainerId container, String file) {
    Path work = yarn.getTestWorkDir().toPath().toAbsolutePath();
    // <work>/<name>-logDir-nm-0_0/application_.../container_.../<file>. Only the top levels are
    // walked: the NodeManager deletes an application's cache folders while a killed one ends.
    try (Stream<Path> dirs = Files.walk(work, 2)) {
      Optional<Path> logDir = dirs.filter(p -> p.getFileName().toString().contains("-logDir-") && Files.isDirectory(p))
          .findFirst();
      return logDir.orElse(work.resolve("no-log-dir-yet"))
          .resolve(container.getApplicationAttemptId().getApplicationId().toString())
          .resolve(container.toString()).resolve(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole text of a container's log file, "" while it does not exist. */
  public String containerLogText(ContainerId container, String file) {
    return Logs.read(containerLog(container, file));
  }

  /**
   * Runs {@code submit-scripts/yarn.sh JOB_FILE [submit options] COMMAND...} against this cluster as
   * an operator would, with this cluster's configuration folder as {@code HADOOP_CONF_DIR} and no
   * SPARK_HOME (the Maven-resolved Spark 4.2 jars, spark-yarn included): two one-core executors of
   * 512 MB, a 768 MB driver, everything on 127.0.0.1. Three settings only a test needs: the Spark jars are read where they
   * are on this machine ({@code spark.yarn.jars=local:...}) instead of uploaded (320 MB) for every
   * application; the containers get this JVM's {@code JAVA_HOME} (a real NodeManager has its own);
   * and an application master is not retried, so a killed one stays killed. The application is
   * named {@code name} ({@link #awaitApplication}).
   */
  public DriverProcess yarnSh(Path logDir, String name, String deployMode, Path jobFile, List<String> command,
                              String... submitOptions) throws IOException {
    String javaHome = System.getProperty("java.home");
    List<String> args = new java.util.ArrayList<>(List.of(jobFile.toString(),
        "--conf", "spark.yarn.jars=local:" + SparkHome.buildDir().resolve("spark-home/jars") + "/*",
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome, "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
        "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1", "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
        // The driver on the loopback address by number: "localhost" may resolve to ::1 where the
        // driver binds and to 127.0.0.1 where the application master connects.
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.yarn.maxAppAttempts=1", "--conf", "spark.yarn.am.memory=512m", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.app.name=" + name));
    args.addAll(List.of(submitOptions));
    args.addAll(command);
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("HADOOP_CONF_DIR", confDir.toString());
    env.put("SPARKPROP_DEPLOY_MODE", deployMode);
    env.put("SPARKPROP_NUM_EXECUTORS", "2");
    env.put("SPARKPROP_EXECUTOR_CORES", "1");
    env.put("SPARKPROP_EXECUTOR_MEMORY", "512m");
    env.put("SPARKPROP_DRIVER_MEMORY", "768m");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return script(logDir, name, env, "yarn.sh", args);
  }

  /**
   * Starts one of the launch scripts of {@code submit-scripts/} (bash, this build's directory)
   * with its output in {@code logDir/name.out} and {@code .err}; stopped with the test JVM at the latest.
   */
  public static DriverProcess script(Path logDir, String name, java.util.Map<String, String> env, String script,
                                     List<String> args) throws IOException {
    Path root = Path.of("").toAbsolutePath();
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", root.resolve("submit-scripts").resolve(script).toString()));
    cmd.addAll(args);
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("SPARKPROP_BUILD_DIR", SparkHome.buildDir().toString());
    pb.environment().putAll(env);
    return new DriverProcess(name, ChildProcesses.start(pb), out, err);
  }

  /** Polls {@code condition} every 200 ms; fails with {@code what} after {@code timeout}. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      StandaloneCluster.sleep(200);
    }
  }

  @Override
  public void close() {
    try {
      client.stop();
      yarn.stop();
    } finally {
      hdfs.close();
      // The NodeManager's local folders hold every container's localized jars and Spark's
      // __spark_conf__ properties (which the build's Checkstyle, scanning *.properties under the
      // project folder, would fail on): deleted; the log folders stay.
      Path work = yarn.getTestWorkDir().toPath();
      try (Stream<Path> dirs = Files.walk(work, 2)) {
        dirs.filter(p -> p.getFileName().toString().contains("-localDir-")).toList().forEach(MiniYarn::deleteTree);
      } catch (IOException e) {
        System.err.println("cannot tidy " + work + ": " + e);
      }
    }
  }
}
