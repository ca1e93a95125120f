package org.sparkprop.optim;

/**
 * AdamW (Loshchilov and Hutter) in PyTorch's form: theta *= 1 - lr * weightDecay, then the Adam
 * step. The decay is applied to the parameters directly rather than added to the gradient, so it
 * is not rescaled by Adam's per-parameter denominator. Slots as in Adam: 0 = m, 1 = v.
 */
final class AdamWOptimizer extends AbstractOptimizer {

  private final double weightDecay;
  private final AdamUpdate adam;

  AdamWOptimizer(int parameterCount, double l2, AdamHyperParameters hyper, double weightDecay) {
    super(OptimizerKind.ADAMW.configName(), parameterCount, l2, 2);
    this.weightDecay = weightDecay;
    this.adam = new AdamUpdate(hyper, slot(0), slot(1));
  }

  @Override
  void update(float[] params, float[] gradient, float learningRate, long step) {
    if (weightDecay != 0.0) {
      float keep = (float) (1.0 - learningRate * weightDecay);
      for (int i = 0; i < params.length; i++) {
        params[i] *= keep;
      }
    }
    adam.apply(params, gradient, learningRate, step);
  }
}
