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
    double sumOfSquares = 0;
    for (float g : gradient) {
      sumOfSquares += (double) g * g;
    }
    double norm = Math.sqrt(sumOfSquares);
    if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
      double scale = maxNorm / norm;
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] = (float) (gradient[i] * scale);
      }
    }
    return norm;
  }
}
