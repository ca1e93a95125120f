package org.sparkprop.train;

import java.util.Map;

/**
 * What a finished training run produced.
 *
 * @param params           the final flat parameters (the best epoch's when a converged run restored them)
 * @param epochs           epochs completed
 * @param rounds           rounds completed in total (including those before a resume)
 * @param trainLoss        mean training loss of the last completed epoch (or of the rounds run, if none completed)
 * @param stopReason       why the run ended
 * @param bestEpoch        the 1-based epoch whose weights {@code params} are when they were restored; else 0
 * @param rowsProcessed    training rows processed by this run's round loop
 * @param loopSeconds      wall time of this run's round loop
 * @param meanSplitMs      mean milliseconds per round: broadcast, compute, aggregate, update, other
 * @param interruption     what stopped it from outside (e.g. {@code SIGTERM}) when {@code stopReason}
 *                         is {@link StopReason#INTERRUPTED}; else null
 */
public record TrainingResult(float[] params, int epochs, long rounds, double trainLoss, StopReason stopReason,
                             int bestEpoch, long rowsProcessed, double loopSeconds, Map<String, Double> meanSplitMs,
                             String interruption) {

  /** A result that was not interrupted. */
  public TrainingResult(float[] params, int epochs, long rounds, double trainLoss, StopReason stopReason,
                        int bestEpoch, long rowsProcessed, double loopSeconds, Map<String, Double> meanSplitMs) {
    this(params, epochs, rounds, trainLoss, stopReason, bestEpoch, rowsProcessed, loopSeconds, meanSplitMs, null);
  }

  /** Whether a {@link StopRequest} or a cancelled round ended it at a round boundary (resumable). */
  public boolean interrupted() {
    return stopReason == StopReason.INTERRUPTED;
  }

  /** {@link RunStatus#INTERRUPTED} or {@link RunStatus#COMPLETED}: the loop returns no other. */
  public RunStatus status() {
    return interrupted() ? RunStatus.INTERRUPTED : RunStatus.COMPLETED;
  }

  /** Whether the run ended before its epoch limit: converged, or a listener asked. */
  public boolean stoppedEarly() {
    return stopReason == StopReason.CONVERGED || stopReason == StopReason.TARGET || stopReason == StopReason.LISTENER;
  }

  public double samplesPerSecond() {
    return loopSeconds > 0 ? rowsProcessed / loopSeconds : 0;
  }
}
