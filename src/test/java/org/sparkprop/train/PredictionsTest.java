package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.math.JavaGemm;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/** What a network says about rows: classes, probabilities and values in the target's units. */
class PredictionsTest {

  private static Preprocessing classes(int k, int features) {
    return new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, features), TargetScaling.IDENTITY,
        LabelMapping.indices(k));
  }

  @Test
  void onlySoftmaxAndSigmoidClassifiersHaveProbabilities() {
    NetworkSpec softmax = new NetworkSpec(2, new int[0], Activation.IDENTITY, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    NetworkSpec sigmoid = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE);
    NetworkSpec step = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.STEP, Loss.MAE);
    NetworkSpec linear = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY, Loss.MSE);
    assertTrue(Predictions.hasProbabilities(softmax, classes(3, 2)));
    assertTrue(Predictions.hasProbabilities(sigmoid, classes(2, 2)));
    assertFalse(Predictions.hasProbabilities(step, classes(2, 2)), "a step gives 0 or 1, not a probability");
    assertFalse(Predictions.hasProbabilities(linear, classes(2, 2)));
    Preprocessing regression = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2),
        TargetScaling.IDENTITY, null);
    assertFalse(Predictions.hasProbabilities(sigmoid, regression), "a sigmoid regression predicts values");
  }

  @Test
  void aSigmoidOutputStandsForTwoClasses() {
    // One input, weight 1, bias 0: the output is sigmoid(x); x = 0 gives exactly 0.5, class 1.
    NetworkSpec spec = new NetworkSpec(1, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE);
    Predictions p = new Predictions(new DenseNetwork(spec, new JavaGemm()), new float[] {1f, 0f}, classes(2, 1),
        new Workspace(spec, 1, 4));
    assertEquals(2, p.probabilityWidth());
    p.run(new float[] {0f, -2f, 3f}, 3);
    assertEquals(1, p.predictedClass(0));
    assertEquals(0.5, p.probability(0, 1));
    assertEquals(0.5, p.probability(0, 0));
    double s = 1 / (1 + Math.exp(2));
    assertEquals(0, p.predictedClass(1));
    // Float32 sigmoid: 1e-7 is its rounding.
    assertEquals(s, p.probability(1, 1), 1e-7);
    assertEquals(1 - s, p.probability(1, 0), 1e-7);
    assertEquals(1, p.predictedClass(2));
  }

  @Test
  void severalOutputsGiveOneProbabilityPerClass() {
    // Logits (0, x, -x): x = ln 2 gives exp 1, 2, 1/2, probabilities 2/7, 4/7, 1/7; x = -ln 2 swaps the last two.
    NetworkSpec spec = new NetworkSpec(1, new int[0], Activation.IDENTITY, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    float[] params = {0f, 1f, -1f, 0f, 0f, 0f};
    Predictions p = new Predictions(new DenseNetwork(spec, new JavaGemm()), params, classes(3, 1),
        new Workspace(spec, 1, 2));
    assertEquals(3, p.probabilityWidth());
    float ln2 = (float) Math.log(2);
    p.run(new float[] {ln2, -ln2}, 2);
    assertEquals(1, p.predictedClass(0));
    assertEquals(2, p.predictedClass(1));
    // Float32 softmax: 1e-6 is well above its rounding.
    assertEquals(2.0 / 7, p.probability(0, 0), 1e-6);
    assertEquals(4.0 / 7, p.probability(0, 1), 1e-6);
    assertEquals(1.0 / 7, p.probability(0, 2), 1e-6);
    assertEquals(2.0 / 7, p.probability(1, 0), 1e-6);
    assertEquals(1.0 / 7, p.probability(1, 1), 1e-6);
    assertEquals(4.0 / 7, p.probability(1, 2), 1e-6);
  }

  @Test
  void regressionValuesAreInTheTargetsUnits() {
    // Two outputs copying two inputs; the network learnt (y - 10) / 4, so a value is output * 4 + 10.
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 2, Activation.IDENTITY, Loss.MSE);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2),
        new TargetScaling(10f, 4f), null);
    Predictions p = new Predictions(new DenseNetwork(spec, new JavaGemm()), new float[] {1, 0, 0, 1, 0, 0}, prep,
        new Workspace(spec, 2, 2));
    assertEquals(0, p.probabilityWidth(), "a regression has no classes");
    p.run(new float[] {0.5f, -1f, 2f, 0.25f}, 2);
    assertEquals(12.0, p.value(0, 0));
    assertEquals(6.0, p.value(0, 1));
    assertEquals(18.0, p.value(1, 0));
    assertEquals(11.0, p.value(1, 1));
  }

  @Test
  void rawOutputsAreTheNetworksOwnPerOutput() {
    // Multi-label: two sigmoid outputs of two inputs, identity weights: output j of a row is sigmoid(x_j).
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 2, Activation.SIGMOID, Loss.BCE);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2),
        TargetScaling.IDENTITY, null);
    Predictions p = new Predictions(new DenseNetwork(spec, new JavaGemm()), new float[] {1, 0, 0, 1, 0, 0}, prep,
        new Workspace(spec, 2, 2));
    p.run(new float[] {0f, 2f, -1f, 0f}, 2);
    // Float32 sigmoid: 1e-7 is its rounding.
    assertEquals(0.5, p.output(0, 0), 1e-7);
    assertEquals(1 / (1 + Math.exp(-2)), p.output(0, 1), 1e-7);
    assertEquals(1 / (1 + Math.exp(1)), p.output(1, 0), 1e-7);
    assertEquals(0.5, p.output(1, 1), 1e-7);
  }
}
