package org.sparkprop.bench.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.SparkSessions;

/**
 * The {@code cluster} workload's measurement on separate executor JVMs, run in a child JVM by
 * {@link ClusterBench} (Spark's {@code local-cluster[E,1,mem]} master needs SPARK_HOME in the
 * driver's environment): for each network, the round's fixed cost and the two floors, with one
 * partition per executor, then the driver's CPU time per round by thread ({@link DriverCpuRounds}).
 * Arguments: executors, executorMemoryMiB, blocks, blockRounds, then one network per argument as
 * dash-separated widths.
 */
public final class ClusterRun {
  /** Environment variable: the class directories (target/classes) executors need besides SPARK_HOME/jars. */
  static final String EXECUTOR_CLASSPATH = "SPARKPROP_EXECUTOR_CLASSPATH";

  private ClusterRun() {
  }

  /**
   * A session on a {@code local-cluster[E,1,mem]} master (Spark's standalone master and E one-core
   * workers in this JVM, an executor JVM each), once every executor has registered; needs the
   * environment {@link ClusterBench} gives its children.
   */
  static JavaSparkContext startCluster(String master) throws InterruptedException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("local-cluster\\[(\\d+),\\d+,(\\d+)]").matcher(master);
    if (!m.matches()) throw new IllegalArgumentException("expected local-cluster[E,1,MiB], got " + master);
    int executors = Integer.parseInt(m.group(1));
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.app.name", "sparkprop-bench-cluster");
    conf.put("spark.executor.memory", (Integer.parseInt(m.group(2)) * 3 / 4) + "m");
    conf.put("spark.executor.extraClassPath", System.getenv().getOrDefault(EXECUTOR_CLASSPATH, ""));
    SparkSession session = SparkSessions.create(master, conf);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (sc.sc().getExecutorMemoryStatus().size() < executors + 1 && System.nanoTime() < deadline) Thread.sleep(200);
    return sc;
  }

  public static void main(String[] args) throws Exception {
    int executors = Integer.parseInt(args[0]);
    int memory = Integer.parseInt(args[1]);
    int blocks = Integer.parseInt(args[2]);
    int blockRounds = Integer.parseInt(args[3]);
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.app.name", "sparkprop-bench-cluster");
    conf.put("spark.executor.memory", (memory * 3 / 4) + "m");
    conf.put("spark.executor.extraClassPath", System.getenv().getOrDefault(EXECUTOR_CLASSPATH, ""));
    long t0 = System.nanoTime();
    SparkSession session = SparkSessions.create("local-cluster[" + executors + ",1," + memory + "]", conf);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      // Wait for every executor: the first job would otherwise run on whichever registered first.
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (sc.sc().getExecutorMemoryStatus().size() < executors + 1 && System.nanoTime() < deadline) Thread.sleep(200);
      out.put("startSeconds", Bench.round((System.nanoTime() - t0) / 1e9, 1));
      out.put("executors", sc.sc().getExecutorMemoryStatus().size() - 1);
      List<Map<String, Object>> runs = new ArrayList<>();
      List<Map<String, Object>> driverCpu = new ArrayList<>();
      for (int i = 4; i < args.length; i++) {
        String[] w = args[i].split("-");
        int[] widths = new int[w.length];
        for (int j = 0; j < w.length; j++) widths[j] = Integer.parseInt(w[j]);
        runs.add(RoundCostBench.measure(sc, widths, executors, blocks, blockRounds, 64));
        // The loop's rounds alone, as many as the blocks above held, for the driver's CPU per task.
        driverCpu.add(DriverCpuRounds.measure(sc, widths, executors, blocks * blockRounds, 64));
      }
      out.put("runs", runs);
      out.put("driverCpu", driverCpu);
    } finally {
      session.stop();
    }
    ChildJvm.printResult(out);
  }
}
