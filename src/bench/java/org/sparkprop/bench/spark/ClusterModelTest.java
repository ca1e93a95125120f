package org.sparkprop.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
}
