package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

  /**
   * Clipped values are rounded to float once each (relative error at most 2^-24 = 6e-8), so the
   * clipped norm is within that of maxNorm; 1e-6 leaves room and still catches any wrong scale.
   */
  private static final double FLOAT_RELATIVE_TOLERANCE = 1e-6;

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  @Test
  void scalesAGradientAboveTheLimitDownToIt() {
    float[] gradient = {3f, 4f};
    assertEquals(5.0, GradientClipping.clipByGlobalNorm(gradient, 1.0)); // sqrt(9 + 16), exact
    // scale 1 / 5: [0.6, 0.8]
    assertEquals(0.6, gradient[0], 0.6 * FLOAT_RELATIVE_TOLERANCE);
    assertEquals(0.8, gradient[1], 0.8 * FLOAT_RELATIVE_TOLERANCE);
    assertEquals(1.0, norm(gradient), FLOAT_RELATIVE_TOLERANCE);
  }

  @Test
  void clippedNormEqualsMaxNormAndDirectionIsKept() {
    Random random = new Random(3);
    float[] gradient = new float[10_000];
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = (float) random.nextGaussian();
    }
    float[] original = gradient.clone();
    double normBefore = norm(original);

    assertEquals(normBefore, GradientClipping.clipByGlobalNorm(gradient, 0.5),
        normBefore * 1e-12);
    assertEquals(0.5, norm(gradient), 0.5 * FLOAT_RELATIVE_TOLERANCE);
    double scale = 0.5 / normBefore;
    for (int i = 0; i < gradient.length; i++) {
      assertEquals(original[i] * scale, gradient[i], Math.abs(original[i] * scale) * 1e-7,
          "element " + i);
    }
  }

  @Test
  void leavesAGradientAtOrBelowTheLimitUntouched() {
    float[] below = {0.3f, 0.4f};
    assertEquals(0.5, GradientClipping.clipByGlobalNorm(below, 1.0), 1e-7); // 0.3f is inexact
    assertArrayEquals(new float[] {0.3f, 0.4f}, below);

    float[] atLimit = {3f, 4f};
    assertEquals(5.0, GradientClipping.clipByGlobalNorm(atLimit, 5.0));
    assertArrayEquals(new float[] {3f, 4f}, atLimit);
  }

  @Test
  void nonPositiveMaxNormDisablesClippingButStillReportsTheNorm() {
    for (double maxNorm : new double[] {0.0, -1.0, Double.NEGATIVE_INFINITY}) {
      float[] gradient = {3f, 4f};
      assertEquals(5.0, GradientClipping.clipByGlobalNorm(gradient, maxNorm));
      assertArrayEquals(new float[] {3f, 4f}, gradient);
    }
  }

  /** 3e20 squared overflows float (max 3.4e38), so a float accumulation would report infinity. */
  @Test
  void normIsAccumulatedInDouble() {
    float[] gradient = {3e20f, 4e20f};
    double norm = GradientClipping.clipByGlobalNorm(gradient, 1e20);
    assertEquals(5e20, norm, 5e20 * FLOAT_RELATIVE_TOLERANCE);
    assertEquals(0.6e20, gradient[0], 0.6e20 * FLOAT_RELATIVE_TOLERANCE);
    assertEquals(0.8e20, gradient[1], 0.8e20 * FLOAT_RELATIVE_TOLERANCE);
  }

  @Test
  void nonFiniteGradientIsReportedAndLeftUnchanged() {
    float[] withNaN = {1f, Float.NaN, 2f};
    assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(withNaN, 1.0)));
    assertArrayEquals(new float[] {1f, Float.NaN, 2f}, withNaN);

    float[] withInfinity = {1f, Float.POSITIVE_INFINITY};
    assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(withInfinity, 1.0));
    assertArrayEquals(new float[] {1f, Float.POSITIVE_INFINITY}, withInfinity);
  }

  @Test
  void emptyGradientHasNormZero() {
    assertEquals(0.0, GradientClipping.clipByGlobalNorm(new float[0], 1.0));
  }

  @Test
  void nanMaxNormIsRejected() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> GradientClipping.clipByGlobalNorm(new float[] {1f}, Double.NaN));
    assertTrue(error.getMessage().startsWith("maxNorm = NaN"), error.getMessage());
  }
}
