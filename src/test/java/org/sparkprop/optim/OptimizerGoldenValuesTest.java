package org.sparkprop.optim;

import static org.sparkprop.optim.FloatAsserts.assertCloseRelative;

import org.junit.jupiter.api.Test;
import org.sparkprop.testing.TestOptimizers;

/**
 * Each update rule on one fixed problem: three parameters, learning rate 0.1, and the gradients
 * below for steps 1 and 2. Golden values were worked out in double from the formulas in the
 * comments (PyTorch's definitions), not by running this code; tolerance: see {@link FloatAsserts}.
 */
class OptimizerGoldenValuesTest {

  private static final float RATE = 0.1f;
  private static final float[] INITIAL = {1.0f, -2.0f, 0.5f};
  private static final float[] GRADIENT_1 = {0.1f, -0.2f, 0.3f};
  private static final float[] GRADIENT_2 = {0.4f, 0.0f, -0.1f};

  /** The parameters after each step, and the optimizer's state after the last one. */
  private record Trajectory(float[] afterStep1, float[] afterStep2, OptimizerState state) {
  }

  private static Trajectory run(OptimizerSettings settings) {
    Optimizer optimizer = Optimizers.create(settings, INITIAL.length);
    float[] params = INITIAL.clone();
    optimizer.step(params, GRADIENT_1.clone(), RATE);
    float[] afterStep1 = params.clone();
    optimizer.step(params, GRADIENT_2.clone(), RATE);
    return new Trajectory(afterStep1, params, optimizer.snapshot());
  }

  private static OptimizerSettings withL2(OptimizerKind kind, double l2) {
    OptimizerSettings d = TestOptimizers.usual(kind);
    return new OptimizerSettings(kind, d.momentum(), d.beta1(), d.beta2(), d.epsilon(),
        d.weightDecay(), l2);
  }

  private static OptimizerSettings adamWithEpsilon(double epsilon) {
    OptimizerSettings d = TestOptimizers.usual(OptimizerKind.ADAM);
    return new OptimizerSettings(OptimizerKind.ADAM, d.momentum(), d.beta1(), d.beta2(), epsilon,
        d.weightDecay(), d.l2());
  }

  @Test
  void sgdSubtractsRateTimesGradient() {
    Trajectory run = run(TestOptimizers.usual(OptimizerKind.SGD));
    // theta1 = theta0 - 0.1 * g1 = [1 - 0.01, -2 + 0.02, 0.5 - 0.03]
    assertCloseRelative(new double[] {0.99, -1.98, 0.47}, run.afterStep1(), "theta after step 1");
    // theta2 = theta1 - 0.1 * g2 = [0.99 - 0.04, -1.98 - 0, 0.47 + 0.01]
    assertCloseRelative(new double[] {0.95, -1.98, 0.48}, run.afterStep2(), "theta after step 2");
  }

  @Test
  void sgdWithL2AddsPenaltyTimesCurrentParametersToTheGradient() {
    Trajectory run = run(withL2(OptimizerKind.SGD, 0.01));
    // g1' = g1 + 0.01 * theta0 = [0.1 + 0.01, -0.2 - 0.02, 0.3 + 0.005] = [0.11, -0.22, 0.305]
    // theta1 = theta0 - 0.1 * g1' = [1 - 0.011, -2 + 0.022, 0.5 - 0.0305]
    assertCloseRelative(new double[] {0.989, -1.978, 0.4695}, run.afterStep1(),
        "theta after step 1");
    // g2' = g2 + 0.01 * theta1 = [0.4 + 0.00989, 0 - 0.01978, -0.1 + 0.004695]
    //     = [0.40989, -0.01978, -0.095305]
    // theta2 = theta1 - 0.1 * g2' = [0.989 - 0.040989, -1.978 + 0.001978, 0.4695 + 0.0095305]
    assertCloseRelative(new double[] {0.948011, -1.976022, 0.4790305}, run.afterStep2(),
        "theta after step 2");
  }

  @Test
  void momentumAccumulatesVelocityAndStepsAlongIt() {
    Trajectory run = run(TestOptimizers.usual(OptimizerKind.MOMENTUM));
    // v1 = 0.9 * 0 + g1 = g1, so theta1 is the sgd result
    assertCloseRelative(new double[] {0.99, -1.98, 0.47}, run.afterStep1(), "theta after step 1");
    // v2 = 0.9 * v1 + g2 = [0.09 + 0.4, -0.18 + 0, 0.27 - 0.1] = [0.49, -0.18, 0.17]
    // theta2 = theta1 - 0.1 * v2 = [0.99 - 0.049, -1.98 + 0.018, 0.47 - 0.017]
    assertCloseRelative(new double[] {0.941, -1.962, 0.453}, run.afterStep2(),
        "theta after step 2");
    assertCloseRelative(new double[] {0.49, -0.18, 0.17}, run.state().slots()[0], "velocity");
  }

  @Test
  void nesterovStepsAlongGradientPlusMomentumTimesNewVelocity() {
    Trajectory run = run(TestOptimizers.usual(OptimizerKind.NESTEROV));
    // v1 = g1; theta1 = theta0 - 0.1 * (g1 + 0.9 * g1) = theta0 - 0.19 * g1
    //      = [1 - 0.019, -2 + 0.038, 0.5 - 0.057]
    assertCloseRelative(new double[] {0.981, -1.962, 0.443}, run.afterStep1(),
        "theta after step 1");
    // v2 = [0.49, -0.18, 0.17] (as for momentum)
    // g2 + 0.9 * v2 = [0.4 + 0.441, 0 - 0.162, -0.1 + 0.153] = [0.841, -0.162, 0.053]
    // theta2 = theta1 - 0.1 * that = [0.981 - 0.0841, -1.962 + 0.0162, 0.443 - 0.0053]
    assertCloseRelative(new double[] {0.8969, -1.9458, 0.4377}, run.afterStep2(),
        "theta after step 2");
    assertCloseRelative(new double[] {0.49, -0.18, 0.17}, run.state().slots()[0], "velocity");
  }

  @Test
  void adamUsesBiasCorrectedMoments() {
    Trajectory run = run(TestOptimizers.usual(OptimizerKind.ADAM));
    // Step 1: m1 = 0.1 * g1, v1 = 0.001 * g1^2; bias corrections 1 - 0.9 = 0.1 and
    // 1 - 0.999 = 0.001 give mhat = g1, sqrt(vhat) = |g1|, so the step is
    // 0.1 * g1 / (|g1| + 1e-8): [0.1 * 0.1 / 0.10000001, ...] = 0.1 * sign(g1) * (1 - 1e-7 / |g1|)
    assertCloseRelative(new double[] {0.900000009999999, -1.9000000049999997, 0.4000000033333332},
        run.afterStep1(), "theta after step 1");
    // Step 2: m2 = 0.9 * m1 + 0.1 * g2 = [0.009 + 0.04, -0.018 + 0, 0.027 - 0.01]
    //         v2 = 0.999 * v1 + 0.001 * g2^2 = [9.99e-6 + 1.6e-4, 3.996e-5 + 0, 8.991e-5 + 1e-5]
    // bc1 = 1 - 0.81 = 0.19, bc2 = 1 - 0.998001 = 0.001999
    // mhat = m2 / 0.19 = [0.25789474, -0.09473684, 0.08947368]
    // sqrt(vhat) = sqrt(v2 / 0.001999) = [0.29161193, 0.14138598, 0.22356205]
    // theta2 = theta1 - 0.1 * mhat / (sqrt(vhat) + 1e-8)
    //        = [0.90000001 - 0.08843765, -1.90000000 + 0.06700583, 0.40000000 - 0.04002186]
    assertCloseRelative(new double[] {0.811562363975117, -1.8329941843255584, 0.35997814792808075},
        run.afterStep2(), "theta after step 2");
    assertCloseRelative(new double[] {0.049, -0.018, 0.017}, run.state().slots()[0],
        "first moment");
    assertCloseRelative(new double[] {1.6999e-4, 3.996e-5, 9.991e-5}, run.state().slots()[1],
        "second moment");
  }

  /**
   * With the default epsilon its effect (1e-7 relative) is below the tolerance, so a misplaced
   * epsilon (inside the square root, or before the bias correction as in TensorFlow) would go
   * unnoticed there; a large epsilon makes its placement visible.
   */
  @Test
  void adamAddsEpsilonToTheSquareRootOfTheBiasCorrectedSecondMoment() {
    Trajectory run = run(adamWithEpsilon(0.1));
    // Step 1: theta1 = theta0 - 0.1 * g1 / (|g1| + 0.1)
    //       = [1 - 0.01 / 0.2, -2 + 0.02 / 0.3, 0.5 - 0.03 / 0.4] = [0.95, -1.93333, 0.425]
    assertCloseRelative(new double[] {0.95, -1.9333333333333333, 0.425}, run.afterStep1(),
        "theta after step 1");
    // Step 2: mhat, sqrt(vhat) as in adamUsesBiasCorrectedMoments;
    // theta2 = theta1 - 0.1 * mhat / (sqrt(vhat) + 0.1)
    //        = [0.95 - 0.025789474 / 0.39161193, -1.93333333 + 0.009473684 / 0.24138598,
    //           0.425 - 0.008947368 / 0.32356205]
    assertCloseRelative(new double[] {0.8841453321744825, -1.8940862972869932, 0.3973472872243712},
        run.afterStep2(), "theta after step 2");
  }

  @Test
  void adamWDecaysParametersBeforeTheAdamStep() {
    Trajectory run = run(TestOptimizers.usual(OptimizerKind.ADAMW));
    // Decay factor 1 - 0.1 * 0.01 = 0.999 is applied to theta, then Adam's step (which does
    // not see the decay, so its steps are those of adamUsesBiasCorrectedMoments).
    // Step 1: theta1 = 0.999 * theta0 - [0.09999999, -0.09999999, 0.09999999]
    //       = [0.999 - 0.099999990, -1.998 + 0.099999995, 0.4995 - 0.099999997]
    assertCloseRelative(new double[] {0.899000009999999, -1.8980000049999997, 0.39950000333333324},
        run.afterStep1(), "theta after step 1");
    // Step 2: theta2 = 0.999 * theta1 - [0.08843765, -0.06700583, 0.04002186]
    //       = [0.89810101 - 0.08843765, -1.89610200 + 0.06700583, 0.39910050 - 0.04002186]
    assertCloseRelative(new double[] {0.8096633639651171, -1.8290961843205584, 0.3590786479247475},
        run.afterStep2(), "theta after step 2");
  }
}
