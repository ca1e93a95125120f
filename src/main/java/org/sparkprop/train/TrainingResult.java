package org.sparkprop.train;

import java.util.Map;

/**
 * What a finished training run produced.
 *
 * @param params           the final flat parameters
 * @param epochs           epochs completed
 * @param rounds           rounds completed in total (including those before a resume)
 * @param trainLoss        mean training loss of the last completed epoch (or of the rounds run, if none completed)
 * @param stoppedEarly     whether early stopping ended the run
 * @param rowsProcessed    training rows processed by this run's round loop
 * @param loopSeconds      wall time of this run's round loop
 * @param meanSplitMs      mean milliseconds per round: broadcast, compute, aggregate, update, other
 * @param status           {@link RunStatus#COMPLETED}, or {@link RunStatus#INTERRUPTED} when a
 *                         {@link StopRequest} or a cancelled round ended it early
 * @param stopReason       why it was interrupted (e.g. {@code SIGTERM}); null when completed
 */
public record TrainingResult(float[] params, int epochs, long rounds, double trainLoss, boolean stoppedEarly,
                             long rowsProcessed, double loopSeconds, Map<String, Double> meanSplitMs,
                             RunStatus status, String stopReason) {

  /** A completed run's result. */
  public TrainingResult(float[] params, int epochs, long rounds, double trainLoss, boolean stoppedEarly,
                        long rowsProcessed, double loopSeconds, Map<String, Double> meanSplitMs) {
    this(params, epochs, rounds, trainLoss, stoppedEarly, rowsProcessed, loopSeconds, meanSplitMs,
        RunStatus.COMPLETED, null);
  }

  public boolean interrupted() {
    return status == RunStatus.INTERRUPTED;
  }

  public double samplesPerSecond() {
    return loopSeconds > 0 ? rowsProcessed / loopSeconds : 0;
  }
}
