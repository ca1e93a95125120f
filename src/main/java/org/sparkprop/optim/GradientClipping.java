package org.sparkprop.optim;

/** Limits the size of a gradient before the optimizer sees it. */
public final class GradientClipping {

  private GradientClipping() {
  }

  /**
   * Scales {@code gradient} in place so that its L2 norm is at most {@code maxNorm} (up to float
   * rounding of the scaled values), preserving its direction.
   *
   * <p>The norm is accumulated in double: squares of large float gradients overflow float, and a
   * float sum over millions of parameters loses the small terms. A gradient whose norm is not
   * finite (it holds NaN or infinity) is left unchanged, since no scale repairs it; the caller
   * sees the non-finite return value and decides (e.g. skip the round).
   *
   * @param maxNorm the largest norm allowed; {@code <= 0} disables clipping
   * @return the norm before clipping
   * @throws IllegalArgumentException if {@code maxNorm} is NaN
   */
  public static double clipByGlobalNorm(float[] gradient, double maxNorm) {
    if (Double.isNaN(maxNorm)) {
      throw new IllegalArgumentException(
          "maxNorm = NaN is outside the accepted range (-infinity, infinity] (<= 0: no clipping)");
    }
    double norm = Math.sqrt(sumOfSquares(gradient));
    if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
      double scale = maxNorm / norm;
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] = (float) (gradient[i] * scale);
      }
    }
    return norm;
  }

  /**
   * Sum of squares in four independent double accumulators: one accumulator is a chain of
   * dependent additions (4 cycles each), which made this loop 2 ms of every round's driver time at
   * 1M parameters; four chains run in parallel. The order is fixed, so the result is reproducible.
   */
  static double sumOfSquares(float[] g) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (int n = g.length - 3; i < n; i += 4) {
      s0 += (double) g[i] * g[i];
      s1 += (double) g[i + 1] * g[i + 1];
      s2 += (double) g[i + 2] * g[i + 2];
      s3 += (double) g[i + 3] * g[i + 3];
    }
    for (; i < g.length; i++) s0 += (double) g[i] * g[i];
    return (s0 + s1) + (s2 + s3);
  }
}
