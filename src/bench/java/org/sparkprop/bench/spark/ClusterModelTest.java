package org.sparkprop.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The round cost model recovers the costs it was built from and extrapolates as documented. */
class ClusterModelTest {
  @Test
  void fourPointsDetermineTheFourCosts() {
    double[] truth = {20, 5, 4e-6, 1e-5}; // a ms, b ms/task, c ms/param, d ms/param/task
    List<double[]> points = new java.util.ArrayList<>();
    for (double e : new double[] {1, 2}) {
      for (double p : new double[] {265_482, 1_008_378}) {
        points.add(new double[] {e, p, truth[0] + truth[1] * e + truth[2] * p + truth[3] * e * p});
      }
    }
    double[] fit = ClusterBench.leastSquares(points);
    for (int i = 0; i < 4; i++) assertEquals(truth[i], fit[i], Math.abs(truth[i]) * 1e-6, "coefficient " + i);
    // Within the fan-in the model is the plain bilinear form.
    assertEquals(20 + 5 * 4 + 4e-6 * 1e6 + 1e-5 * 4 * 1e6, ClusterBench.fixedMs(fit, 4, 1e6), 1e-6);
  }

  @Test
  void aTermHeldAtZeroIsLeftOutOfTheFit() {
    List<double[]> points = new java.util.ArrayList<>();
    for (double e : new double[] {1, 2, 4}) {
      for (double p : new double[] {1e5, 1e6}) points.add(new double[] {e, p, 30 + 2 * e + 1e-5 * e * p});
    }
    double[] fit = ClusterBench.leastSquares(points, new boolean[] {true, true, false, true});
    assertEquals(0, fit[2]);
    assertEquals(30, fit[0], 1e-6);
    assertEquals(2, fit[1], 1e-6);
    assertEquals(1e-5, fit[3], 1e-12);
  }

  @Test
  void beyondTheFanInTheDriverSeesOneResultPerGroupPlusATreeStage() {
    double[] c = {10, 1, 0, 1e-6};
    // 256 executors: 4 groups of 64; per-task costs for all 256 tasks, the E P term for 64 + 4
    // results, and a second stage costing a + b x 4.
    double expected = 10 + 256 + 1e-6 * (64 + 4) * 1e6 + (10 + 4);
    assertEquals(expected, ClusterBench.fixedMs(c, 256, 1e6), 1e-9);
  }

  @Test
  void theDriversCpuGivesThePerTaskCostsAndTheOneExecutorRoundsTheRest() {
    // Driver CPU per round: 3 ms + 0.8 ms per task + 0.5 ms per million parameters per task.
    double[] cpuTruth = {3, 0.8, 0, 0.5e-6};
    // Wall time: 30 ms + 2 ms per million parameters of latency that does not grow with E, the
    // driver's serial per-task work, and contention that grows with E on this machine only.
    List<double[]> cpu = new java.util.ArrayList<>();
    List<double[]> wall = new java.util.ArrayList<>();
    for (double e : new double[] {1, 2, 4}) {
      for (double p : new double[] {265_482, 1_008_378}) {
        double serial = cpuTruth[1] * e + cpuTruth[3] * e * p;
        cpu.add(new double[] {e, p, cpuTruth[0] + serial});
        wall.add(new double[] {e, p, 30 + 2e-6 * p + serial + 15 * (e - 1)});
      }
    }
    List<String> dropped = new java.util.ArrayList<>();
    double[] cpuFit = ClusterBench.fitNonNegative(cpu, new boolean[] {true, true, true, true}, dropped);
    assertEquals(0.8, cpuFit[1], 1e-9);
    assertEquals(0.5e-6, cpuFit[3], 1e-15);
    double[] model = ClusterBench.withSerialPerTask(wall, cpuFit[1], cpuFit[3]);
    assertEquals(30, model[0], 1e-6, "a: the one-executor round less one task's serial work");
    assertEquals(2e-6, model[2], 1e-12, "c: per parameter, once per round");
    // At 16 executors the refit adds only the serial work per task: 30 + 2 + 16 x (0.8 + 0.5).
    assertEquals(30 + 2 + 16 * 1.3, ClusterBench.fixedMs(model, 16, 1e6), 1e-6);
  }

  @Test
  void leavingAnExecutorCountOutGivesABandAroundTheSerialPrediction() {
    List<double[]> wall = new java.util.ArrayList<>();
    List<double[]> cpu = new java.util.ArrayList<>();
    // CPU per task 1 ms from E = 1 to 2 and 1.5 ms from 2 to 4: the band spans the two slopes.
    double[] cpuAt = {0, 4, 5, 0, 8};
    for (int e : new int[] {1, 2, 4}) {
      for (double p : new double[] {265_482, 1_008_378}) {
        cpu.add(new double[] {e, p, cpuAt[e]});
        wall.add(new double[] {e, p, 40 + 20 * (e - 1)});
      }
    }
    double[] wallFit = ClusterBench.leastSquares(wall);
    Map<String, Object> out = ClusterBench.serialModel(wall, cpu, wallFit);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> predictions = (List<Map<String, Object>>) out.get("predictions");
    Map<String, Object> at16 = predictions.get(0);
    assertEquals(16, at16.get("executors"));
    double low = ((Number) at16.get("leaveOneOutLowMs")).doubleValue();
    double central = ((Number) at16.get("fixedMs")).doubleValue();
    double high = ((Number) at16.get("leaveOneOutHighMs")).doubleValue();
    // Slopes: 1 (E = 1, 2), 1.5 (2, 4), 4/3 (1, 4) and the least-squares slope 19/14 over all three.
    assertEquals(40 + 15 * 1.0, low, 0.05);
    assertEquals(40 + 15 * 19.0 / 14, central, 0.05);
    assertEquals(40 + 15 * 1.5, high, 0.05);
    assertEquals(40 + 20 * 15, ((Number) at16.get("wallFitMs")).doubleValue(), 0.05);
  }
}
