package org.sparkprop.optim;

/** Adam (Kingma and Ba) in PyTorch's form. Slots: 0 = first moment m, 1 = second moment v. */
final class AdamOptimizer extends AbstractOptimizer {

  private final AdamUpdate adam;

  AdamOptimizer(int parameterCount, double l2, AdamHyperParameters hyper) {
    super(OptimizerKind.ADAM.configName(), parameterCount, l2, 2);
    this.adam = new AdamUpdate(hyper, slot(0), slot(1));
  }

  @Override
  void update(float[] params, float[] gradient, float learningRate, long step) {
    adam.apply(params, gradient, learningRate, step);
  }
}
