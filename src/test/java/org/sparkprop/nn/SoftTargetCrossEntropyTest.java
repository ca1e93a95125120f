package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Categorical cross-entropy against a probability row (soft targets), checked against the formula written out. */
class SoftTargetCrossEntropyTest {
  @Test
  void softTargetsGiveMinusSumOfTLogAAndDeltaAMinusT() {
    int rows = 2;
    int k = 3;
    float[] z = {1f, -0.5f, 2f, 0.25f, 0.25f, -3f}; // (rows, k) logits
    float[] y = {0.2f, 0.3f, 0.5f, 1f, 0f, 0f};     // (rows, k) probability rows
    float[] a = new float[rows * k];
    double expected = 0;
    for (int r = 0; r < rows; r++) {
      double sumExp = 0;
      for (int j = 0; j < k; j++) sumExp += Math.exp(z[r * k + j]);
      for (int j = 0; j < k; j++) {
        a[r * k + j] = (float) (Math.exp(z[r * k + j]) / sumExp);
        expected -= y[r * k + j] * Math.log(Math.exp(z[r * k + j]) / sumExp);
      }
    }
    float[] dz = new float[rows * k];
    double loss = Loss.CROSS_ENTROPY.lossAndDelta(z, a, y, rows, k, k, Activation.SOFTMAX, new float[rows * k], dz);
    // Tolerance: float32 logits, double sums; the two forms (log-sum-exp vs log of a ratio) differ by rounding only.
    assertEquals(expected, loss, 1e-6);
    for (int i = 0; i < rows * k; i++) assertEquals(a[i] - y[i], dz[i], 0f, "delta " + i);
  }
}
