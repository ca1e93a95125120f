package org.sparkprop.train;

import java.util.Locale;

/** What early stopping watches: a metric of the evaluation, or the training loss when there is none. */
public enum StopMetric {
  LOSS, ACCURACY, MSE;

  /** The lower-case name configurations spell it with, also its key in the evaluation's metrics. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Accuracy improves upwards, the losses downwards. */
  public boolean higherIsBetter() {
    return this == ACCURACY;
  }
}
