package org.sparkprop.optim;

/** Plain gradient descent: theta -= lr * g. Keeps no state besides the step count. */
final class SgdOptimizer extends AbstractOptimizer {

  SgdOptimizer(int parameterCount, double l2) {
    super(OptimizerKind.SGD.configName(), parameterCount, l2, 0);
  }

  @Override
  void update(float[] params, float[] gradient, float learningRate, long step) {
    for (int i = 0; i < params.length; i++) {
      params[i] -= learningRate * gradient[i];
    }
  }
}
