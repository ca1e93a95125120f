package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.bench.Machine;

/**
 * The {@code localsteps} workload: Fashion-MNIST (784-256-128-10, Adam) trained with
 * {@code train.localSteps} = K for each K given, each in a child JVM of its own ({@link FmnistRun},
 * all epochs, the test accuracy after each), on a {@code local-cluster} master (Spark's standalone
 * master and one-core workers, an executor JVM each) or any other master: time to the target
 * accuracy and final accuracy per K, as ratios to K = 1 of the same run. Then what a round cost
 * model, fixed(E) = a + b E milliseconds per round on E executors, and the compute per row measured
 * here predict for the time of an epoch on 16-256 executors with each K.
 */
public final class LocalStepsBench {
  private static final long TRAIN_ROWS = 60_000;

  private LocalStepsBench() {
  }

  public static Map<String, Object> run(String master, int partitions, Path dir, int batch, double learningRate,
                                        int epochs, double target, int[] steps, Path sparkHome, double fixedA,
                                        double fixedB) throws IOException, InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("master", master);
    m.put("partitions", partitions);
    m.put("batch", batch);
    m.put("epochs", epochs);
    double loadStart = Machine.loadAverage();
    Map<String, String> env = new LinkedHashMap<>();
    if (master.startsWith("local-cluster")) {
      env.put("SPARK_HOME", ClusterBench.prepareSparkHome(sparkHome).toString());
      env.put("SPARK_SCALA_VERSION", "2.13");
      env.put("SPARK_LOCAL_IP", "127.0.0.1");
      env.put(ClusterRun.EXECUTOR_CLASSPATH, ClusterBench.directoriesOnClassPath());
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int k : steps) {
      runs.add(ChildJvm.run("localsteps-" + k, FmnistRun.class, "3g", env, List.of(master, Integer.toString(partitions),
          dir.toString(), Integer.toString(batch), Double.toString(learningRate), Integer.toString(epochs),
          Double.toString(target), "42", Integer.toString(k), "full")));
    }
    m.put("runs", runs);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    m.put("vsK1", ratios(runs));
    m.put("predictions", predictions(runs.get(0), partitions, batch, steps, fixedA, fixedB));
    return m;
  }

  /** Per K: time to the target and final accuracy against the first run (K = 1). */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> ratios(List<Map<String, Object>> runs) {
    Map<String, Object> base = runs.get(0);
    Number baseSeconds = (Number) base.get("secondsToTarget");
    double baseAccuracy = ((Number) base.get("testAccuracy")).doubleValue();
    double baseLoop = ((Number) base.get("loopSeconds")).doubleValue();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : runs) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("localSteps", r.get("localSteps"));
      Number s = (Number) r.get("secondsToTarget");
      x.put("secondsToTarget", s);
      x.put("speedupToTarget", s == null || baseSeconds == null ? null
          : Bench.round(baseSeconds.doubleValue() / s.doubleValue(), 2));
      x.put("loopSpeedup", Bench.round(baseLoop / ((Number) r.get("loopSeconds")).doubleValue(), 2));
      // The same race without the start-up (JVM, executors, reading), which K does not change and
      // which a loaded machine stretches to minutes: from the round loop's start.
      Double inLoop = secondsToTargetInLoop(r);
      Double baseInLoop = secondsToTargetInLoop(base);
      x.put("secondsToTargetInLoop", inLoop);
      x.put("speedupToTargetInLoop", inLoop == null || baseInLoop == null ? null : Bench.round(baseInLoop / inLoop, 2));
      double accuracy = ((Number) r.get("testAccuracy")).doubleValue();
      x.put("finalAccuracy", accuracy);
      x.put("accuracyPointsVsK1", Bench.round(100 * (accuracy - baseAccuracy), 2));
      Map<String, Object> split = (Map<String, Object>) r.get("roundSplitMs");
      x.put("roundSplitMs", split);
      out.add(x);
    }
    return out;
  }

  /**
   * Seconds from the round loop's start to the first epoch at the target: the loop started
   * loopSeconds before the last epoch's end (the loop's clock covers the evaluations).
   */
  @SuppressWarnings("unchecked")
  static Double secondsToTargetInLoop(Map<String, Object> run) {
    Number reached = (Number) run.get("secondsToTarget");
    List<Map<String, Object>> epochs = (List<Map<String, Object>>) run.get("epochs");
    if (reached == null || epochs == null || epochs.isEmpty()) return null;
    double lastEpochAt = ((Number) epochs.get(epochs.size() - 1).get("secondsFromJvmStart")).doubleValue();
    double loopStart = lastEpochAt - ((Number) run.get("loopSeconds")).doubleValue();
    return Bench.round(reached.doubleValue() - loopStart, 2);
  }

  /**
   * The epoch time the cost model predicts on E executors (one partition each) for each K: every
   * batch's compute split over E cores, plus one fixed cost per round of K batches. The compute per
   * row is the K = 1 run's: its mean compute per round (the slowest partition's) over the rows a
   * partition holds of a batch.
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> predictions(Map<String, Object> k1, int partitions, int batch, int[] steps,
                                               double fixedA, double fixedB) {
    Map<String, Object> split = (Map<String, Object>) k1.get("roundSplitMs");
    double msPerRow = ((Number) split.get("compute")).doubleValue() / ((double) batch / partitions);
    long batches = (TRAIN_ROWS + batch - 1) / batch;
    List<Map<String, Object>> out = new ArrayList<>();
    for (int e : new int[] {partitions, 16, 64, 256}) {
      double fixed = fixedA + fixedB * e;
      double computePerBatch = msPerRow * batch / e;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("executors", e);
      row.put("fixedMsPerRound", Bench.round(fixed, 1));
      row.put("computeMsPerBatch", Bench.round(computePerBatch, 2));
      row.put("rowsPerExecutorPerStep", Bench.round((double) batch / e, 1));
      Map<String, Object> epochSeconds = new LinkedHashMap<>();
      for (int k : steps) {
        long rounds = (batches + k - 1) / k;
        epochSeconds.put("K=" + k, Bench.round((batches * computePerBatch + rounds * fixed) / 1e3, 2));
      }
      row.put("epochSeconds", epochSeconds);
      row.put("kFor80PercentCompute", (long) Math.ceil(4 * fixed / computePerBatch));
      out.add(row);
    }
    return out;
  }
}
