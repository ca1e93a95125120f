package org.sparkprop.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code kernel} workload without JMH: forward+backward through the network code and the bare
 * sgemm products of the same shapes (see {@link KernelWorkload}), timed in alternation so that
 * both see the same load on a shared machine; the ratio of the two medians is the figure.
 * {@code org.sparkprop.bench.jmh.KernelBenchmark} (JMH) measures the same two things more carefully.
 */
public final class KernelBench {
  private KernelBench() {
  }

  /**
   * @param widths layer widths, input first
   * @param batch  rows per forward+backward call
   * @param seconds rough measuring time for this shape
   */
  public static Map<String, Object> measure(int[] widths, int batch, double seconds) {
    try (KernelWorkload work = new KernelWorkload(widths, batch)) {
      // Warm-up: JIT compilation of the network code and the BLAS's first-touch costs.
      long warmEnd = System.nanoTime() + (long) (Math.min(2, seconds / 3) * 1e9);
      while (System.nanoTime() < warmEnd) {
        work.runNetwork();
        work.runSgemm();
      }
      Samples network = new Samples();
      Samples sgemm = new Samples();
      Samples ratios = new Samples(); // per pair, sgemm / network time, in parts per million
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end || network.size() < 10) {
        long t0 = System.nanoTime();
        work.runNetwork();
        long t1 = System.nanoTime();
        work.runSgemm();
        long t2 = System.nanoTime();
        network.add(t1 - t0);
        sgemm.add(t2 - t1);
        ratios.add(Math.round(1e6 * (t2 - t1) / (double) (t1 - t0)));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shape", work.describe());
      m.put("calls", network.size());
      m.put("networkMs", round(network.medianMs(), 3));
      m.put("sgemmMs", round(sgemm.medianMs(), 3));
      m.put("networkGflops6WB", round(work.conventionalFlops() / network.median(), 1));
      m.put("networkGflopsRun", round(work.executedFlops() / network.median(), 1));
      m.put("sgemmGflopsRun", round(work.executedFlops() / sgemm.median(), 1));
      // Same products, so the time ratio is the GFLOP/s ratio on the products actually run.
      m.put("ratio", round(sgemm.median() / network.median(), 3));
      m.put("ratioMedianOfPairs", round(ratios.median() / 1e6, 3));
      return m;
    }
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
