package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Initial weights by their distributions: Glorot uniform fills +-sqrt(6 / (in + out)) of every
 * layer, He is a centred normal of standard deviation sqrt(2 / in) on the hidden layers (the
 * output layer of a He network is Glorot), and every bias starts at zero.
 */
class InitializerTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(200, new int[] {300, 50}, Activation.TANH, 10, Activation.SOFTMAX, Loss.CROSS_ENTROPY);

  @Test
  void glorotFillsEachLayersRangeAndLeavesTheBiasesAtZero() {
    float[] p = Initializer.GLOROT.initialise(SPEC, 11);
    ParameterLayout layout = SPEC.layout();
    for (int l = 0; l < layout.layers(); l++) {
      int in = layout.in(l);
      int out = layout.out(l);
      double limit = Math.sqrt(6.0 / (in + out));
      double largest = 0;
      for (int i = layout.weightOffset(l); i < layout.biasOffset(l); i++) {
        assertTrue(p[i] != 0f && Math.abs(p[i]) <= limit, "layer " + l + " weight " + i + " = " + p[i]);
        largest = Math.max(largest, Math.abs(p[i]));
      }
      // Of in x out >= 500 uniform draws, the largest falls short of the limit by about limit / 500.
      assertTrue(largest > 0.95 * limit, "layer " + l + ": largest " + largest + " of " + limit);
      for (int i = layout.biasOffset(l); i < layout.biasOffset(l) + out; i++) assertEquals(0f, p[i], "bias " + i);
    }
  }

  @Test
  void heIsACentredNormalOfStandardDeviationSqrtTwoOverTheInputsOnHiddenLayers() {
    float[] p = Initializer.HE.initialise(SPEC, 11);
    ParameterLayout layout = SPEC.layout();
    // Layer 0: 60,000 draws of N(0, 0.1²). The sample mean's standard error is 0.1 / sqrt(60000)
    // ~ 4e-4 and the sample deviation's ~ 3e-4: bounds of 5 standard errors.
    double sum = 0;
    double sq = 0;
    int within = 0;
    int n = 200 * 300;
    for (int i = 0; i < n; i++) {
      sum += p[i];
      sq += p[i] * p[i];
      if (Math.abs(p[i]) <= 0.1) within++;
    }
    assertEquals(0, sum / n, 0.002, "centred");
    assertEquals(0.1, Math.sqrt(sq / n), 0.0015, "standard deviation sqrt(2 / 200)");
    // 68.3% of a normal lies within one standard deviation; its sample fraction's error is ~0.2%.
    assertEquals(0.683, (double) within / n, 0.01, "normal, not uniform");
    // The output layer: Glorot's uniform range.
    double limit = Math.sqrt(6.0 / (50 + 10));
    for (int i = layout.weightOffset(2); i < layout.biasOffset(2); i++) assertTrue(Math.abs(p[i]) <= limit, "weight " + i);
    for (int i = layout.biasOffset(0); i < layout.weightOffset(1); i++) assertEquals(0f, p[i], "bias " + i);
  }
}
