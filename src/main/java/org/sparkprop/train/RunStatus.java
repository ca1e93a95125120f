package org.sparkprop.train;

import java.util.Locale;

/** How a training run ended, as {@code summary.json} records it. */
public enum RunStatus {
  /** Every epoch ran, or early stopping, a round limit or a listener ended it as configured. */
  COMPLETED,
  /** Stopped from outside (a signal, a cancelled job) at a round boundary; resumable from its checkpoint. */
  INTERRUPTED,
  /** A non-finite loss or gradient ended it. */
  DIVERGED,
  /** Any other error ended it. */
  FAILED;

  /** The name written in {@code summary.json}: {@code completed}, {@code interrupted}, ... */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
