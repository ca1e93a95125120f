package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NetworkSpecTest {

  @Test
  void stepInAHiddenLayerIsRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NetworkSpec(2, new int[] {4}, Activation.STEP, 1, Activation.SIGMOID, Loss.BCE));
    assertTrue(e.getMessage().contains("zero derivative almost everywhere"), e.getMessage());
    assertTrue(e.getMessage().contains("backpropagation"), e.getMessage());
  }

  @Test
  void stepOutputBehindHiddenLayersIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NetworkSpec(2, new int[] {4}, Activation.RELU, 1, Activation.STEP, Loss.MAE));
    assertTrue(e.getMessage().contains("perceptron rule"), e.getMessage());
  }

  @Test
  void lossesRefuseOutputsTheyCannotPairWith() {
    assertThrows(IllegalArgumentException.class,
        () -> new NetworkSpec(2, new int[] {}, Activation.RELU, 3, Activation.IDENTITY, Loss.CROSS_ENTROPY));
    assertThrows(IllegalArgumentException.class,
        () -> new NetworkSpec(2, new int[] {}, Activation.RELU, 1, Activation.TANH, Loss.BCE));
  }

  @Test
  void layoutPlacesWeightsThenBiasesLayerByLayer() {
    NetworkSpec spec = new NetworkSpec(3, new int[] {4}, Activation.RELU, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    ParameterLayout layout = spec.layout();
    assertEquals(0, layout.weightOffset(0));
    assertEquals(12, layout.biasOffset(0));
    assertEquals(16, layout.weightOffset(1));
    assertEquals(24, layout.biasOffset(1));
    assertEquals(26, layout.size());
    assertEquals(6L * (12 + 8), spec.flopsPerExample());
  }

  @Test
  void initialisationIsSeededAndScaled() {
    NetworkSpec spec = new NetworkSpec(200, new int[] {300}, Activation.RELU, 10, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    float[] a = Initializer.HE.initialise(spec, 7);
    float[] b = Initializer.HE.initialise(spec, 7);
    float[] c = Initializer.HE.initialise(spec, 8);
    assertTrue(java.util.Arrays.equals(a, b));
    assertTrue(!java.util.Arrays.equals(a, c));
    // He: standard deviation sqrt(2/200) = 0.1 over 60,000 weights; the sample estimate's own
    // standard error is about 0.1 / sqrt(2 * 60000) ~ 3e-4, so 0.005 is a wide bound.
    double sq = 0;
    for (int i = 0; i < 200 * 300; i++) sq += a[i] * a[i];
    assertEquals(0.1, Math.sqrt(sq / (200 * 300)), 0.005);
    // Glorot on the linear output layer: uniform in +-sqrt(6 / 310).
    double limit = Math.sqrt(6.0 / 310);
    int w = spec.layout().weightOffset(1);
    for (int i = 0; i < 300 * 10; i++) assertTrue(Math.abs(a[w + i]) <= limit);
    for (int i = spec.layout().biasOffset(0); i < spec.layout().weightOffset(1); i++) assertEquals(0f, a[i]);
  }
}
