package org.sparkprop.optim;

/**
 * Heavy-ball momentum as PyTorch's SGD defines it (no dampening): v = mu * v + g;
 * theta -= lr * v. The learning rate multiplies the velocity rather than entering it, so a
 * schedule's rate change takes effect at once instead of through the decaying buffer.
 */
final class MomentumOptimizer extends AbstractOptimizer {

  private final float momentum;
  private final float[] velocity;

  MomentumOptimizer(int parameterCount, double l2, double momentum) {
    super(OptimizerKind.MOMENTUM.configName(), parameterCount, l2, 1);
    this.momentum = (float) momentum;
    this.velocity = slot(0);
  }

  @Override
  void update(float[] params, float[] gradient, float learningRate, long step) {
    for (int i = 0; i < params.length; i++) {
      velocity[i] = momentum * velocity[i] + gradient[i];
      params[i] -= learningRate * velocity[i];
    }
  }
}
