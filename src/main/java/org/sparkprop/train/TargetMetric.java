package org.sparkprop.train;

import java.util.Locale;
import java.util.Map;

/**
 * Ends training at the first epoch whose evaluation reaches a target ({@code accuracy=0.85},
 * {@code loss=0.3}): for the time to a result, as a Keras callback setting
 * {@code model.stop_training} does. The evaluation is the one the loop runs after every epoch: the
 * validation rows when the job holds some out, else the test set. Accuracy counts as reached at or
 * above the target; loss and mse at or below.
 */
public final class TargetMetric implements TrainingListener {
  private final String metric;
  private final double target;
  private final boolean higherIsBetter;
  private int reachedAtEpoch = -1; // 1-based; -1 while not reached

  private TargetMetric(String metric, double target) {
    this.metric = metric;
    this.target = target;
    this.higherIsBetter = metric.equals("accuracy");
  }

  /**
   * Parses {@code METRIC=VALUE}, METRIC one of accuracy, loss, mse ({@code train.stopAt}, {@code --stop-at}).
   *
   * @throws IllegalArgumentException naming what was given and what is expected, for the caller to
   *     prefix with the key or option it came from
   */
  public static TargetMetric parse(String text) {
    int eq = text.indexOf('=');
    String metric = eq < 0 ? "" : text.substring(0, eq).trim().toLowerCase(Locale.ROOT);
    if (!metric.equals("accuracy") && !metric.equals("loss") && !metric.equals("mse")) {
      throw new IllegalArgumentException("'" + text + "': expected METRIC=VALUE with METRIC one of accuracy,"
          + " loss, mse, e.g. accuracy=0.85");
    }
    double value;
    try {
      value = Double.parseDouble(text.substring(eq + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': '" + text.substring(eq + 1).trim()
          + "' is not a number", e);
    }
    if (!Double.isFinite(value)) throw new IllegalArgumentException("'" + text + "': the value must be finite");
    return new TargetMetric(metric, value);
  }

  public String metric() {
    return metric;
  }

  public double target() {
    return target;
  }

  /** The first epoch (1-based) whose evaluation reached the target; -1 if none did. */
  public int reachedAtEpoch() {
    return reachedAtEpoch;
  }

  @Override
  public void onEpoch(EpochEvent event) {
    Map<String, Double> evaluation = event.validation();
    Double value = evaluation == null ? null : evaluation.get(metric);
    if (value == null) {
      throw new IllegalStateException("train.stopAt (" + this + "): the epoch's evaluation has no " + metric + " (it has "
          + (evaluation == null ? "no evaluation set" : evaluation.keySet()) + "); give data.test or"
          + " data.validationFraction, and a metric of this kind of problem");
    }
    boolean reached = higherIsBetter ? value >= target : value <= target;
    if (reached && reachedAtEpoch < 0) reachedAtEpoch = event.epoch() + 1;
  }

  @Override
  public boolean stopRequested() {
    return reachedAtEpoch >= 0;
  }

  @Override
  public StopReason stopReason() {
    return StopReason.TARGET;
  }

  @Override
  public String toString() {
    return metric + (higherIsBetter ? " >= " : " <= ") + target;
  }
}
