package org.sparkprop.optim;

import java.io.Serializable;

/**
 * Hyper-parameters of an optimizer. Each kind reads only the fields it uses (see
 * {@link OptimizerKind}); the others are ignored. The values are taken as given: their accepted
 * ranges, defaults and the messages for a bad value belong to the configuration
 * ({@code conf/reference.conf}), which is where users set them.
 *
 * @param kind the update rule
 * @param momentum the momentum coefficient mu of momentum and nesterov
 * @param beta1 Adam's decay of the first-moment estimate
 * @param beta2 Adam's decay of the second-moment estimate
 * @param epsilon Adam's term added to the denominator for numerical stability
 * @param weightDecay AdamW's decoupled weight decay; must be 0 for other kinds (use {@code l2}
 *     there) so that a setting that would be ignored is refused instead
 * @param l2 the coupled L2 penalty added to the gradient (g + l2 * theta), any kind
 */
public record OptimizerSettings(
    OptimizerKind kind,
    double momentum,
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    double l2) implements Serializable {

  /** Plain SGD without penalty: the one kind with no hyper-parameter. */
  public static OptimizerSettings sgd() {
    return new OptimizerSettings(OptimizerKind.SGD, 0, 0, 0, 0, 0, 0);
  }
}
