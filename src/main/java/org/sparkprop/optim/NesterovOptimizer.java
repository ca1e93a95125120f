package org.sparkprop.optim;

/**
 * Nesterov momentum in PyTorch's form: v = mu * v + g; theta -= lr * (g + mu * v). This is the
 * look-ahead step rewritten so that the gradient is taken at the current parameters, which is
 * the only gradient a data-parallel round provides.
 */
final class NesterovOptimizer extends AbstractOptimizer {

  private final float momentum;
  private final float[] velocity;

  NesterovOptimizer(int parameterCount, double l2, double momentum) {
    super(OptimizerKind.NESTEROV.configName(), parameterCount, l2, 1);
    this.momentum = (float) momentum;
    this.velocity = slot(0);
  }

  @Override
  void update(float[] params, float[] gradient, float learningRate, long step) {
    for (int i = 0; i < params.length; i++) {
      velocity[i] = momentum * velocity[i] + gradient[i];
      params[i] -= learningRate * (gradient[i] + momentum * velocity[i]);
    }
  }
}
