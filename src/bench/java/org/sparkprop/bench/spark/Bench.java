package org.sparkprop.bench.spark;

/** Small helpers shared by the workloads. */
final class Bench {
  private Bench() {
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
