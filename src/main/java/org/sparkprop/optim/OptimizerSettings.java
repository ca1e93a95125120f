package org.sparkprop.optim;

import java.io.Serializable;

/**
 * Hyper-parameters of an optimizer. Each kind reads only the fields it uses, so the others may
 * hold anything finite; {@link Optimizers#create} validates the fields the kind uses.
 *
 * @param kind "sgd", "momentum", "nesterov", "adam" or "adamw"
 * @param momentum the momentum coefficient mu of "momentum" and "nesterov", in [0, 1)
 * @param beta1 Adam's decay of the first-moment estimate, in [0, 1)
 * @param beta2 Adam's decay of the second-moment estimate, in [0, 1)
 * @param epsilon Adam's term added to the denominator for numerical stability, {@code > 0}
 * @param weightDecay AdamW's decoupled weight decay, {@code >= 0}; must be 0 for other kinds
 *     (use {@code l2} there) so that a setting that would be ignored is reported instead
 * @param l2 the coupled L2 penalty added to the gradient (g + l2 * theta), any kind, {@code >= 0}
 */
public record OptimizerSettings(
    String kind,
    double momentum,
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    double l2) implements Serializable {

  /**
   * PyTorch's usual defaults: momentum 0.9, beta1 0.9, beta2 0.999, epsilon 1e-8, weight decay
   * 0.01 for "adamw" and 0 otherwise, no L2.
   */
  public static OptimizerSettings defaults(String kind) {
    double weightDecay = Optimizers.ADAMW.equals(kind) ? 0.01 : 0.0;
    return new OptimizerSettings(kind, 0.9, 0.9, 0.999, 1e-8, weightDecay, 0.0);
  }
}
