package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The fused losses stay finite and exact for logits where a naive log(sigmoid) or exp would not. */
class LossStabilityTest {

  @Test
  void binaryCrossEntropyIsExactForHugeLogits() {
    float[] z = {1000f, -1000f, 1000f};
    float[] a = new float[3];
    Activation.SIGMOID.forward(z, a, 3, 1);
    float[] y = {0f, 1f, 1f};
    float[] dz = new float[3];
    double loss = Loss.BCE.lossAndDelta(z, a, y, 3, 1, 1, Activation.SIGMOID, new float[3], dz);
    // Wrong with certainty 1000 twice, right once: log(1 + e^-1000) is 0 in double.
    assertEquals(2000.0, loss, 1e-9);
    assertEquals(1f, dz[0]);
    assertEquals(-1f, dz[1]);
    assertEquals(0f, dz[2]);
  }

  @Test
  void categoricalCrossEntropyIsExactForHugeLogits() {
    float[] z = {1000f, 0f, -1000f};
    float[] a = new float[3];
    Activation.SOFTMAX.forward(z, a, 1, 3);
    float[] dz = new float[3];
    double loss = Loss.CROSS_ENTROPY.lossAndDelta(z, a, new float[] {2f}, 1, 3, 1, Activation.SOFTMAX, new float[3], dz);
    assertEquals(2000.0, loss, 1e-9);
    assertEquals(1f, dz[0], 0f);
    assertEquals(-1f, dz[2], 0f);
  }

  @Test
  void aLabelOutsideTheClassesIsRefused() {
    float[] z = {0f, 0f};
    float[] a = {0.5f, 0.5f};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Loss.CROSS_ENTROPY.lossAndDelta(z, a, new float[] {2f}, 1, 2, 1, Activation.SOFTMAX, new float[2], new float[2]));
    assertEquals("label 2.0 is not a class index in [0, 2)", e.getMessage());
  }

  @Test
  void perceptronDeltaIsTheErrorItself() {
    float[] z = {0.3f, -0.2f};
    float[] a = new float[2];
    Activation.STEP.forward(z, a, 2, 1);
    float[] dz = new float[2];
    double loss = Loss.MAE.lossAndDelta(z, a, new float[] {0f, 0f}, 2, 1, 1, Activation.STEP, new float[2], dz);
    assertEquals(1.0, loss); // one of two misclassified
    assertEquals(1f, dz[0]);
    assertEquals(0f, dz[1]);
  }
}
