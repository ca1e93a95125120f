package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.optim.ScheduleKind;
import org.sparkprop.testing.TestOptimizers;

/** The model family's special cases and small learning problems, on the single-JVM reference trainer. */
class LearningTest {

  @Test
  void linearRegressionRecoversTheGeneratingCoefficients() {
    double[] w = {1.5, -2.0, 0.5};
    double b = 0.25;
    int n = 2000;
    SplittableRandom rng = new SplittableRandom(1);
    float[] x = new float[n * 3];
    float[] y = new float[n];
    for (int r = 0; r < n; r++) {
      double t = b;
      for (int j = 0; j < 3; j++) {
        x[r * 3 + j] = (float) (rng.nextDouble() * 2 - 1);
        t += w[j] * x[r * 3 + j];
      }
      y[r] = (float) t;
    }
    NetworkSpec spec = new NetworkSpec(3, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY, Loss.MSE);
    TrainingResult result = LocalTrainer.train(spec, new PackedBlock(0, n, 3, 1, x, y), 50, 7,
        TrainingOptions.simple(OptimizerSettings.sgd(), 0.1, 60), null);
    // Noise-free targets: the minimum is the generating coefficients; 1e-3 is the bound,
    // far above float32 rounding of the data (~1e-7) and reached long before 60 epochs of SGD.
    for (int j = 0; j < 3; j++) assertEquals(w[j], result.params()[j], 1e-3, "coefficient " + j);
    assertEquals(b, result.params()[3], 1e-3, "intercept");
  }

  @Test
  void logisticRegressionFindsTheClosedFormDirection() {
    // Two Gaussian classes with identity covariance and means +-mu, equal priors: the optimal
    // logistic model is w = Sigma^-1 (mu1 - mu0) = 2 mu, b = 0 (linear discriminant analysis).
    double[] mu = {1.0, -0.5};
    int n = 40_000;
    SplittableRandom rng = new SplittableRandom(5);
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int r = 0; r < n; r++) {
      int cls = r % 2;
      double sign = cls == 1 ? 1 : -1;
      for (int j = 0; j < 2; j++) x[r * 2 + j] = (float) (sign * mu[j] + gaussian(rng));
      y[r] = cls;
    }
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE);
    // Large batches and a cosine-decayed rate: the end point is the maximum-likelihood fit, not SGD noise around it.
    TrainingOptions options = new TrainingOptions(40, 0, TestOptimizers.usual(OptimizerKind.ADAM), 0.05,
        new ScheduleSettings(ScheduleKind.COSINE, 1, 1, 0, 0), 0, 0, TrainingOptions.Convergence.DEFAULTS);
    TrainingResult result = LocalTrainer.train(spec, new PackedBlock(0, n, 2, 1, x, y), 2000, 3, options, null);
    float[] p = result.params();
    double cosine = (p[0] * 2 * mu[0] + p[1] * 2 * mu[1]) / Math.hypot(p[0], p[1]) / Math.hypot(2 * mu[0], 2 * mu[1]);
    // With 40,000 samples the maximum-likelihood estimate differs from the population optimum by
    // about 1/sqrt(n) ~ 0.5% per coordinate; SGD noise at the end of training adds a little.
    assertTrue(cosine > 0.999, "cosine with the closed-form direction: " + cosine);
    assertEquals(2 * mu[0], p[0], 0.1);
    assertEquals(2 * mu[1], p[1], 0.1);
    assertEquals(0.0, p[2], 0.05);
  }

  @Test
  void perceptronLearnsASeparableProblemByThePerceptronRule() {
    // Separable by x1 + x2 > 0 with a margin: the perceptron convergence theorem promises zero errors.
    int n = 500;
    SplittableRandom rng = new SplittableRandom(11);
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int r = 0; r < n; r++) {
      double a = rng.nextDouble() * 2 - 1;
      double m = 0.2 + rng.nextDouble();
      int cls = r % 2;
      x[r * 2] = (float) (a + (cls == 1 ? m : -m));
      x[r * 2 + 1] = (float) (-a + (cls == 1 ? m : -m));
      y[r] = cls;
    }
    PackedBlock data = new PackedBlock(0, n, 2, 1, x, y);
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.STEP, Loss.MAE);
    TrainingResult result = LocalTrainer.train(spec, data, 1, 2, TrainingOptions.simple(OptimizerSettings.sgd(), 1.0, 20), null);
    assertEquals(1.0, LocalTrainer.evaluate(spec, result.params(), data, 2).metrics().get("accuracy"));
  }

  @Test
  void oneStepOfThePerceptronIsTheClassicRule() {
    // w <- w + lr (t - yhat) x with batch 1: start from w = (0.5, -1), b = 0; the row x = (1, 1)
    // with t = 1 gives z = -0.5, yhat = 0, so w becomes (1.5, 0) and b becomes 1 with lr = 1.
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.STEP, Loss.MAE);
    float[] params = {0.5f, -1f, 0f};
    org.sparkprop.nn.DenseNetwork net = new org.sparkprop.nn.DenseNetwork(spec, new org.sparkprop.math.JavaGemm());
    PackedBlock one = new PackedBlock(0, 1, 2, 1, new float[] {1f, 1f}, new float[] {1f});
    try (LocalGradientSource src = new LocalGradientSource(net, one, 1, 0, 16)) {
      TrainingLoop trainer = new TrainingLoop(src, TrainingOptions.simple(OptimizerSettings.sgd(), 1.0, 1), null, null);
      float[] out = trainer.run(TrainingState.initial(params, trainer.newOptimizer(3).snapshot())).params();
      assertArrayEquals(new float[] {1.5f, 0f, 1f}, out);
    }
  }

  @Test
  void xorReachesNinetyNinePercentWithASmallReluNetwork() {
    PackedBlock data = RowGenerators.pack(new Playground("xor", 1000, 0, 21), 0, 1000);
    NetworkSpec spec = new NetworkSpec(2, new int[] {8, 8}, Activation.RELU, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    TrainingResult result = LocalTrainer.train(spec, data, 32, 4, TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.ADAM), 0.01, 100), null);
    double accuracy = LocalTrainer.evaluate(spec, result.params(), data, 2).metrics().get("accuracy");
    assertTrue(accuracy >= 0.99, "XOR training accuracy " + accuracy);
  }

  @Test
  void twoSpiralsReachNinetyNinePercentWithASmallReluNetwork() {
    PackedBlock data = RowGenerators.pack(new Playground("spiral", 1000, 0, 3), 0, 1000);
    NetworkSpec spec = new NetworkSpec(2, new int[] {32, 32}, Activation.RELU, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    TrainingResult result = LocalTrainer.train(spec, data, 32, 8, TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.ADAM), 0.01, 300), null);
    double accuracy = LocalTrainer.evaluate(spec, result.params(), data, 2).metrics().get("accuracy");
    assertTrue(accuracy >= 0.99, "two-spirals training accuracy " + accuracy);
  }

  @Test
  void sameSeedGivesBitIdenticalParametersAndAnotherSeedDoesNot() {
    PackedBlock data = RowGenerators.pack(new Playground("circle", 600, 0.1, 5), 0, 600);
    NetworkSpec spec = new NetworkSpec(2, new int[] {8}, Activation.TANH, 1, Activation.SIGMOID, Loss.BCE);
    TrainingOptions options = TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.ADAM), 0.01, 3);
    float[] a = LocalTrainer.train(spec, data, 16, 99, options, null).params();
    float[] b = LocalTrainer.train(spec, data, 16, 99, options, null).params();
    float[] c = LocalTrainer.train(spec, data, 16, 100, options, null).params();
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
