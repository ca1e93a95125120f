package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Sample weights in the losses: row r's loss and its dL/dz are multiplied by w_r, for every loss
 * and output (the fused pairs, the unfused ones, the perceptron). The weights are powers of two
 * and 0, so each weighted term is the unweighted one scaled exactly and the two can be compared
 * bit for bit; the unweighted figures come from the form without weights.
 */
class WeightedLossTest {
  private static final int ROWS = 3;
  private static final float[] WEIGHTS = {2f, 0.5f, 0f};

  /** The loss, and dL/dz of each row, of one head over ROWS rows, with or without the weights. */
  private record Head(Loss loss, Activation output, int outputs, int targetWidth, float[] z, float[] y) {
    double run(float[] w, float[] dz) {
      float[] a = new float[z.length];
      output.forward(z, a, ROWS, outputs);
      return loss.lossAndDelta(z, a, y, w, ROWS, outputs, targetWidth, output, new float[z.length], dz);
    }

    /** Row r's own loss, unweighted: the one-row form on that row alone. */
    double rowLoss(int r) {
      float[] zr = java.util.Arrays.copyOfRange(z, r * outputs, (r + 1) * outputs);
      float[] yr = java.util.Arrays.copyOfRange(y, r * targetWidth, (r + 1) * targetWidth);
      float[] a = new float[outputs];
      output.forward(zr, a, 1, outputs);
      return loss.lossAndDelta(zr, a, yr, 1, outputs, targetWidth, output, new float[outputs], new float[outputs]);
    }
  }

  private static final float[] Z2 = {0.3f, -1.2f, 2f, 0.5f, -0.7f, 0.1f};

  private static Head[] heads() {
    return new Head[] {
        new Head(Loss.MSE, Activation.IDENTITY, 2, 2, Z2, new float[] {1f, 0f, 0.5f, 0.5f, -1f, 2f}),
        new Head(Loss.MAE, Activation.TANH, 2, 2, Z2, new float[] {1f, 0f, 0.5f, 0.5f, -1f, 2f}),
        new Head(Loss.MAE, Activation.STEP, 2, 2, Z2, new float[] {0f, 1f, 1f, 1f, 0f, 1f}),
        new Head(Loss.BCE, Activation.SIGMOID, 2, 2, Z2, new float[] {1f, 0f, 0f, 1f, 1f, 1f}),
        new Head(Loss.CROSS_ENTROPY, Activation.SOFTMAX, 2, 1, Z2, new float[] {1f, 0f, 1f}),
        new Head(Loss.CROSS_ENTROPY, Activation.SOFTMAX, 2, 2, Z2, new float[] {0.25f, 0.75f, 1f, 0f, 0.5f, 0.5f}),
    };
  }

  @Test
  void aRowsWeightMultipliesItsLossAndItsDelta() {
    for (Head h : heads()) {
      String name = h.loss().configName() + " with a " + h.output().configName() + " output, target width "
          + h.targetWidth();
      float[] plainDz = new float[Z2.length];
      double plain = h.run(null, plainDz);
      float[] dz = new float[Z2.length];
      double weighted = h.run(WEIGHTS, dz);
      double expected = 0;
      double sumOfRows = 0;
      for (int r = 0; r < ROWS; r++) {
        expected += WEIGHTS[r] * h.rowLoss(r);
        sumOfRows += h.rowLoss(r);
      }
      // Row sums regrouped: 1e-12 covers the double rounding.
      assertEquals(sumOfRows, plain, 1e-12, name);
      assertEquals(expected, weighted, 1e-12, name);
      float[] expectedDz = new float[Z2.length];
      for (int i = 0; i < Z2.length; i++) expectedDz[i] = plainDz[i] * WEIGHTS[i / h.outputs()];
      assertArrayEquals(expectedDz, dz, name);
    }
  }

  @Test
  void maeHasNoSlopeWhereTheOutputEqualsTheTarget() {
    float[] z = {0.5f, 0.25f, -1f};
    float[] dz = new float[3];
    double loss = Loss.MAE.lossAndDelta(z, z.clone(), new float[] {0.5f, 1f, -2f}, 3, 1, 1, Activation.IDENTITY,
        new float[3], dz);
    assertArrayEquals(new float[] {0f, -1f, 1f}, dz, "sign(a - t): 0 at a tie, then -1 below and +1 above");
    assertEquals(0 + 0.75 + 1, loss);
  }

  @Test
  void aPerceptronOfSeveralOutputsGetsEachOutputsError() {
    // Step outputs of 2 rows x 2 outputs; the delta is (a - t) / outputs for every one of the 4.
    float[] z = {0.3f, -0.2f, 0f, -1f};
    float[] a = new float[4];
    Activation.STEP.forward(z, a, 2, 2);
    assertArrayEquals(new float[] {1f, 0f, 1f, 0f}, a, "the step is 1 from 0 up, over every row and column");
    float[] dz = new float[4];
    double loss = Loss.MSE.lossAndDelta(z, a, new float[] {0f, 0f, 1f, 1f}, 2, 2, 2, Activation.STEP, new float[4], dz);
    assertArrayEquals(new float[] {0.5f, 0f, 0f, -0.5f}, dz);
    assertEquals((1 + 0) / 2.0 + (0 + 1) / 2.0, loss);
  }

  @Test
  void theCrossEntropyNeedsASoftmaxOutput() {
    float[] z = {0f, 0f};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.CROSS_ENTROPY.lossAndDelta(
        z, new float[] {0.5f, 0.5f}, new float[] {1f}, 1, 2, 1, Activation.SIGMOID, new float[2], new float[2]));
    assertEquals("loss cross_entropy needs a softmax output, got sigmoid", e.getMessage());
    IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> Loss.BCE.lossAndDelta(
        z, new float[] {0.5f, 0.5f}, new float[] {1f, 0f}, 1, 2, 2, Activation.SOFTMAX, new float[2], new float[2]));
    assertEquals("loss bce needs a sigmoid output, got softmax", b.getMessage());
  }
}
