package org.sparkprop.optim;

import java.util.Locale;

/**
 * The update rules {@link Optimizers#create} builds. Each reads only some of the fields of
 * {@link OptimizerSettings}: momentum and nesterov the momentum, adam and adamw the betas and
 * epsilon, adamw also the decoupled weight decay; every kind reads the coupled L2 penalty.
 */
public enum OptimizerKind {
  SGD, MOMENTUM, NESTEROV, ADAM, ADAMW;

  /** The lower-case name configurations and checkpoints spell it with, e.g. {@code adamw}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
