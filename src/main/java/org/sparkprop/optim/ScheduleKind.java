package org.sparkprop.optim;

import java.util.Locale;

/** The learning-rate schedules {@link Schedules#create} builds; any of them may start with a linear warm-up. */
public enum ScheduleKind {
  /** The base rate in every round. */
  CONSTANT,
  /** The base rate multiplied by a factor every few rounds (PyTorch's StepLR). */
  STEP,
  /** From the base rate down to a minimum along a half cosine over the run (PyTorch's CosineAnnealingLR). */
  COSINE;

  /** The lower-case name configurations spell it with. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
