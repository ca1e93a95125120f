package org.sparkprop.train;

import java.util.Locale;

/** Why a training run ended, as {@code summary.json}, the report and the model summary name it. */
public enum StopReason {
  /** A fixed {@code train.epochs} ran to its end. */
  EPOCHS("ran the fixed number of epochs"),
  /** Until converged: the monitored value did not improve by the tolerance for the patience. */
  CONVERGED("converged: no improvement by the tolerance for the patience"),
  /** Until converged: the epoch maximum came first. */
  MAX_EPOCHS("reached the epoch maximum before converging"),
  /** The round limit ({@code train.maxRounds}) came first. */
  ROUND_LIMIT("reached the round limit"),
  /** The evaluation reached {@code train.stopAt} ({@link TargetMetric}). */
  TARGET("the evaluation reached the train.stopAt target"),
  /** A listener asked to stop. */
  LISTENER("a listener asked to stop"),
  /** Stopped from outside at a round boundary (a signal, a cancelled job), resumable from its checkpoint. */
  INTERRUPTED("stopped from outside (a signal or a cancelled job); resumable");

  private final String description;

  StopReason(String description) {
    this.description = description;
  }

  /** The name written in records: the constant's name in lower case, e.g. {@code max_epochs}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What it means, for people. */
  public String description() {
    return description;
  }
}
