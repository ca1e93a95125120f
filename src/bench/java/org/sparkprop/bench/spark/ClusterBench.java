package org.sparkprop.bench.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.bench.Machine;

/**
 * The {@code cluster} workload: a cost model of one round's fixed cost on E executors and P
 * parameters, fitted to rounds measured on 1 and 2 executor JVMs ({@code local-cluster}) and checked
 * against 4, then used to predict round time and the batch that keeps 16, 64 and 256 executors busy.
 *
 * <p>Model (milliseconds, one partition per executor, near-empty batch):
 * <pre>
 *   fixed(E, P) = a + b E + c P + d E P
 * </pre>
 * a: job scheduling and the driver's own work; b: per task (launch, task binary, result message);
 * c: per parameter once (broadcast write, merge setup, optimizer step); d: per parameter per task
 * (each executor's broadcast fetch, each result's transfer, deserialisation and merge on the
 * driver). Four measurements (E = 1, 2 at two sizes of P) determine the four costs (a cost that
 * comes out negative, which only noise can make it, is dropped and the rest refitted); E = 4 checks
 * them. On a machine with fewer cores than executors, executor-side work that a real cluster runs
 * in parallel queues for the cores and lands in b and d: predictions from such a fit are upper
 * bounds. Beyond {@code spark.treeFanIn} (64) partitions the driver receives one result per group of
 * 64, so the E P term counts min(E, 64) + E/64 results, and a shuffle stage adds one more job's a.
 * A round with batch B adds compute B / E x (seconds per row on one core).
 *
 * <p>The refit ({@link #serialModel}): each run also measures the driver's CPU time per round on the
 * threads a round waits for ({@link DriverCpuRounds}); its growth with E is the driver's serial work
 * per task, which contention for the cores does not inflate the way it inflates wall time. The
 * refitted model keeps those per-task costs, takes the rest from the one-executor rounds, and gives
 * a band from fits that leave one executor count out.
 */
public final class ClusterBench {
  private ClusterBench() {
  }

  public static Map<String, Object> run(Path sparkHome, int[] small, int[] large, int blocks, int blockRounds,
                                        double microsPerRow, int[] executorCounts) throws Exception {
    Path home = prepareSparkHome(sparkHome);
    double loadStart = Machine.loadAverage();
    List<Map<String, Object>> measured = new ArrayList<>();
    for (int e : executorCounts) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("SPARK_HOME", home.toString());
      env.put("SPARK_SCALA_VERSION", "2.13");
      env.put("SPARK_LOCAL_IP", "127.0.0.1");
      List<String> args = new ArrayList<>(List.of(Integer.toString(e), "1024", Integer.toString(blocks),
          Integer.toString(blockRounds), widths(small), widths(large)));
      env.put(ClusterRun.EXECUTOR_CLASSPATH, directoriesOnClassPath());
      Map<String, Object> r = ChildJvm.run("cluster-" + e, ClusterRun.class, "2g", env, args);
      r.put("requestedExecutors", e);
      measured.add(r);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("measured", measured);
    fitAndPredict(measured, microsPerRow, m);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
  }

  @SuppressWarnings("unchecked")
  static void fitAndPredict(List<Map<String, Object>> measured, double microsPerRow, Map<String, Object> out) {
    // Rows of (E, P, ms) from every run.
    List<double[]> points = new ArrayList<>();
    for (Map<String, Object> r : measured) {
      int e = ((Number) r.get("requestedExecutors")).intValue();
      for (Map<String, Object> run : (List<Map<String, Object>>) r.get("runs")) {
        points.add(new double[] {e, ((Number) run.get("parameters")).doubleValue(),
            ((Number) run.get("roundMedianMs")).doubleValue()});
      }
    }
    List<double[]> fitOn = new ArrayList<>();
    List<double[]> check = new ArrayList<>();
    for (double[] p : points) (p[0] <= 2 ? fitOn : check).add(p);
    List<String> dropped = new ArrayList<>();
    double[] coef = fitNonNegative(fitOn, new boolean[] {true, true, true, true}, dropped);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("termsDroppedAsNegative", dropped);
    model.put("aMs", Bench.round(coef[0], 2));
    model.put("bMsPerTask", Bench.round(coef[1], 2));
    model.put("cMsPerMillionParams", Bench.round(coef[2] * 1e6, 2));
    model.put("dMsPerMillionParamsPerTask", Bench.round(coef[3] * 1e6, 2));
    model.put("microsPerRowPerCore", microsPerRow);
    out.put("model", model);
    List<Map<String, Object>> checks = new ArrayList<>();
    for (double[] p : check) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("executors", (int) p[0]);
      c.put("parameters", (long) p[1]);
      c.put("measuredMs", p[2]);
      double predicted = fixedMs(coef, p[0], p[1]);
      c.put("predictedMs", Bench.round(predicted, 1));
      c.put("error", Bench.round(predicted / p[2] - 1, 3));
      checks.add(c);
    }
    out.put("check", checks);
    List<Map<String, Object>> predictions = new ArrayList<>();
    for (int e : new int[] {16, 64, 256}) {
      for (double p : new double[] {265_482, 1_008_378}) {
        Map<String, Object> c = new LinkedHashMap<>();
        double fixed = fixedMs(coef, e, p);
        c.put("executors", e);
        c.put("parameters", (long) p);
        c.put("fixedMs", Bench.round(fixed, 1));
        // Compute is 80% of a round when B / E x t_row = 4 x fixed.
        c.put("batchFor80PercentCompute", Math.round(4 * fixed * 1e3 * e / microsPerRow));
        predictions.add(c);
      }
    }
    out.put("predictions", predictions);
    List<double[]> cpu = driverCpuPoints(measured);
    if (!cpu.isEmpty()) out.put("serialModel", serialModel(points, cpu, coef));
  }

  /** Rows of (E, P, the driver's critical-path CPU ms per round) from the {@code driverCpu} measurements. */
  @SuppressWarnings("unchecked")
  static List<double[]> driverCpuPoints(List<Map<String, Object>> measured) {
    List<double[]> points = new ArrayList<>();
    for (Map<String, Object> r : measured) {
      Object runs = r.get("driverCpu");
      if (runs == null) continue;
      int e = ((Number) r.get("requestedExecutors")).intValue();
      for (Map<String, Object> run : (List<Map<String, Object>>) runs) {
        points.add(new double[] {e, ((Number) run.get("parameters")).doubleValue(),
            ((Number) run.get("criticalPathCpuMsPerRound")).doubleValue()});
      }
    }
    return points;
  }

  /**
   * The refit with the driver's serial work per task measured as CPU time, not inferred from wall
   * time under contention. The driver's critical-path CPU per round, cpu(E, P) = a + b E + c P + d E P,
   * fitted on every executor count: b and d are what each task costs the driver serially (launch,
   * status, result, merge). The wall model then keeps those per-task costs and takes its intercept
   * (a, c: the round's latency that does not grow with E) from the one-executor rounds, where there
   * is no queueing of executors for the cores. The band: the same refit with each executor count left
   * out in turn. The wall fit (b, d from wall times) is shown beside it: an upper bound when the load
   * is steady, meaningless when it is not (a wall fit at load 20 came out flat).
   */
  static Map<String, Object> serialModel(List<double[]> wall, List<double[]> cpu, double[] wallFit) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> dropped = new ArrayList<>();
    double[] cpuFit = fitNonNegative(cpu, new boolean[] {true, true, true, true}, dropped);
    Map<String, Object> fit = new LinkedHashMap<>();
    fit.put("termsDroppedAsNegative", dropped);
    fit.put("aCpuMs", Bench.round(cpuFit[0], 2));
    fit.put("bCpuMsPerTask", Bench.round(cpuFit[1], 3));
    fit.put("cCpuMsPerMillionParams", Bench.round(cpuFit[2] * 1e6, 3));
    fit.put("dCpuMsPerMillionParamsPerTask", Bench.round(cpuFit[3] * 1e6, 3));
    out.put("driverCpuFit", fit);
    double[] model = withSerialPerTask(wall, cpuFit[1], cpuFit[3]);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("aMs", Bench.round(model[0], 2));
    m.put("bMsPerTask", Bench.round(model[1], 3));
    m.put("cMsPerMillionParams", Bench.round(model[2] * 1e6, 2));
    m.put("dMsPerMillionParamsPerTask", Bench.round(model[3] * 1e6, 3));
    out.put("model", m);
    List<double[]> band = new ArrayList<>();
    for (double leftOut : distinctExecutors(cpu)) {
      List<double[]> rest = new ArrayList<>();
      for (double[] p : cpu) {
        if (p[0] != leftOut) rest.add(p);
      }
      if (distinctExecutors(rest).size() < 2) continue;
      double[] f = fitNonNegative(rest, new boolean[] {true, true, true, true}, new ArrayList<>());
      band.add(withSerialPerTask(wall, f[1], f[3]));
    }
    List<Map<String, Object>> predictions = new ArrayList<>();
    for (int e : new int[] {16, 64, 256}) {
      for (double p : new double[] {265_482, 1_008_378}) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("executors", e);
        c.put("parameters", (long) p);
        double central = fixedMs(model, e, p);
        double low = central;
        double high = central;
        for (double[] b : band) {
          low = Math.min(low, fixedMs(b, e, p));
          high = Math.max(high, fixedMs(b, e, p));
        }
        c.put("fixedMs", Bench.round(central, 1));
        c.put("leaveOneOutLowMs", Bench.round(low, 1));
        c.put("leaveOneOutHighMs", Bench.round(high, 1));
        c.put("wallFitMs", Bench.round(fixedMs(wallFit, e, p), 1));
        predictions.add(c);
      }
    }
    out.put("predictions", predictions);
    return out;
  }

  /**
   * A wall model whose per-task costs are given (b ms per task, d ms per parameter per task) and
   * whose a and c are fitted to the one-executor rounds (non-negative, as in the wall fit).
   */
  static double[] withSerialPerTask(List<double[]> wall, double b, double d) {
    List<double[]> residual = new ArrayList<>();
    for (double[] p : wall) {
      if (p[0] == 1) residual.add(new double[] {p[0], p[1], p[2] - b * p[0] - d * p[0] * p[1]});
    }
    if (residual.isEmpty()) throw new IllegalArgumentException("the serial model needs rounds on one executor");
    boolean oneSize = residual.stream().mapToDouble(p -> p[1]).distinct().count() < 2;
    double[] ac = fitNonNegative(residual, new boolean[] {true, false, !oneSize, false}, new ArrayList<>());
    return new double[] {ac[0], b, ac[2], d};
  }

  private static List<Double> distinctExecutors(List<double[]> points) {
    return points.stream().map(p -> p[0]).distinct().sorted().toList();
  }

  /** Least squares over the active terms; a term that fits negative (only noise makes it so) is dropped and the rest refitted. */
  static double[] fitNonNegative(List<double[]> points, boolean[] active, List<String> dropped) {
    boolean[] on = active.clone();
    double[] coef = leastSquares(points, on);
    String[] names = {"a", "b", "c", "d"};
    for (int worst = mostNegative(coef); worst >= 0; worst = mostNegative(coef)) {
      on[worst] = false;
      dropped.add(names[worst]);
      coef = leastSquares(points, on);
    }
    return coef;
  }

  /** a + b E + c P + d E P, with the driver's share of results and the tree stage beyond 64 partitions. */
  static double fixedMs(double[] coef, double executors, double params) {
    int fanIn = 64;
    double driverResults = executors <= fanIn ? executors : Math.ceil(executors / fanIn);
    double tree = executors <= fanIn ? 0 : coef[0] + coef[1] * driverResults;
    return coef[0] + coef[1] * executors + coef[2] * params + coef[3] * (executors <= fanIn ? executors : fanIn + driverResults) * params + tree;
  }

  /** Least-squares fit of ms = a + b E + c P + d E P (normal equations, 4 x 4). */
  static double[] leastSquares(List<double[]> points) {
    return leastSquares(points, new boolean[] {true, true, true, true});
  }

  /** The same with some terms held at zero (inactive). */
  static double[] leastSquares(List<double[]> points, boolean[] active) {
    double[][] ata = new double[4][4];
    double[] atb = new double[4];
    for (double[] p : points) {
      double[] x = {1, p[0], p[1], p[0] * p[1]};
      for (int i = 0; i < 4; i++) {
        if (!active[i]) continue;
        atb[i] += x[i] * p[2];
        for (int j = 0; j < 4; j++) {
          if (active[j]) ata[i][j] += x[i] * x[j];
        }
      }
    }
    for (int i = 0; i < 4; i++) {
      if (!active[i]) ata[i][i] = 1; // row i reads 1 x coef_i = 0
    }
    return solve(ata, atb);
  }

  private static int mostNegative(double[] coef) {
    int worst = -1;
    for (int i = 0; i < coef.length; i++) {
      if (coef[i] < 0 && (worst < 0 || coef[i] * scaleOf(i) < coef[worst] * scaleOf(worst))) worst = i;
    }
    return worst;
  }

  /** Typical size of term i's regressor (E ~ 2, P ~ 10^6), to compare coefficients in milliseconds. */
  private static double scaleOf(int term) {
    return new double[] {1, 2, 1e6, 2e6}[term];
  }

  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
      }
      double[] t = a[col]; a[col] = a[pivot]; a[pivot] = t;
      double tb = b[col]; b[col] = b[pivot]; b[pivot] = tb;
      for (int r = col + 1; r < n; r++) {
        double f = a[r][col] / a[col][col];
        for (int c = col; c < n; c++) a[r][c] -= f * a[col][c];
        b[r] -= f * b[col];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = b[r];
      for (int c = r + 1; c < n; c++) s -= a[r][c] * x[c];
      x[r] = s / a[r][r];
    }
    return x;
  }

  /**
   * A Spark home for local-cluster executors: jars/ links every jar of this JVM's class path (Spark,
   * its dependencies, OpenBLAS, ...), conf/ is empty. Built once, reused.
   */
  static Path prepareSparkHome(Path dir) throws IOException {
    Path jars = dir.resolve("jars");
    if (!Files.isDirectory(jars)) {
      Files.createDirectories(jars);
      Files.createDirectories(dir.resolve("conf"));
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path p = Path.of(entry);
        if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
          Path link = jars.resolve(p.getFileName());
          if (!Files.exists(link)) Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    return dir.toAbsolutePath();
  }

  static String directoriesOnClassPath() {
    List<String> dirs = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Files.isDirectory(Path.of(entry))) dirs.add(Path.of(entry).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, dirs);
  }

  private static String widths(int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < w.length; i++) sb.append(i == 0 ? "" : "-").append(w[i]);
    return sb.toString();
  }
}
