package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.bench.Machine;

/**
 * The {@code fmnist} workload: wall time for each trainer to reach a test accuracy on
 * Fashion-MNIST with the 784-256-128-10 network, each in a fresh JVM timed from its start (Spark
 * start-up and data loading included), one after the other on the same machine.
 *
 * <p>Sparkprop ({@link FmnistRun}) trains with Adam and stops at the first epoch that reaches the
 * target. MLlib ({@link MllibFmnistRun}) runs L-BFGS, its best solver, once per iteration count
 * given: the smallest count that reaches the target bounds MLlib's time from above, the largest
 * that does not bounds it from below, and the speed-up is given against both.
 */
public final class FmnistBench {
  private FmnistBench() {
  }

  public static Map<String, Object> run(String master, int partitions, Path dir, int batch, double learningRate,
                                        int maxEpochs, double target, int[] mllibIterations, String heap,
                                        String mllibCoretype, int mllibBlasThreads) throws IOException, InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", "test accuracy >= " + target + "; Sparkprop >= 20 x sooner than MLlib L-BFGS, Spark start-up included");
    m.put("master", master);
    double loadStart = Machine.loadAverage();
    Map<String, Object> ours = ChildJvm.run("fmnist-sparkprop", FmnistRun.class, heap, Map.of(), List.of(master,
        Integer.toString(partitions), dir.toString(), Integer.toString(batch), Double.toString(learningRate),
        Integer.toString(maxEpochs), Double.toString(target), "42"));
    m.put("sparkprop", ours);

    Map<String, String> env = MllibBench.blasEnvironment(mllibCoretype, mllibBlasThreads);
    List<Map<String, Object>> mllibRuns = new ArrayList<>();
    Double mllibUpper = null; // seconds of the smallest iteration count that reached the target
    Double mllibLower = null; // seconds of the largest iteration count below it
    for (int iterations : mllibIterations) {
      Map<String, Object> run = ChildJvm.run("fmnist-mllib-" + iterations, MllibFmnistRun.class, heap, env,
          List.of(master, Integer.toString(partitions), dir.toString(), Integer.toString(iterations), "42"));
      mllibRuns.add(run);
      double seconds = ((Number) run.get("secondsToAccuracy")).doubleValue();
      if (((Number) run.get("testAccuracy")).doubleValue() >= target) {
        if (mllibUpper == null || seconds < mllibUpper) mllibUpper = seconds;
      } else if (mllibLower == null || seconds > mllibLower) {
        mllibLower = seconds;
      }
    }
    m.put("mllib", mllibRuns);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});

    Object oursSeconds = ours.get("secondsToTarget");
    if (oursSeconds == null) {
      m.put("met", false);
      m.put("note", "Sparkprop did not reach the target in " + maxEpochs + " epochs");
      return m;
    }
    double s = ((Number) oursSeconds).doubleValue();
    m.put("sparkprop.secondsToTarget", s);
    m.put("mllib.secondsToTarget.atMost", mllibUpper);
    m.put("mllib.secondsToTarget.moreThan", mllibLower);
    if (mllibUpper != null) m.put("speedupAtMost", Bench.round(mllibUpper / s, 1));
    if (mllibLower != null) m.put("speedupAtLeast", Bench.round(mllibLower / s, 1));
    if (mllibUpper == null) {
      m.put("note", "MLlib did not reach the target with any iteration count given: its time is beyond the longest run");
    }
    // The target holds when even the most favourable reading of MLlib's time (its lower bound,
    // or its upper one when no run fell short) is 20 times ours.
    Double mllibBest = mllibLower != null ? mllibLower : mllibUpper;
    m.put("met", mllibBest != null && mllibBest / s >= 20);
    return m;
  }
}
