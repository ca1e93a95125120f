package org.sparkprop.train;

import java.util.Map;

/**
 * Observes the training loop on the driver: progress bars, metrics logs, reports. Called on the
 * loop's thread; a listener must not modify the arrays it is shown.
 */
public interface TrainingListener {

  default void onStart(GlobalBatches batches, TrainingOptions options, TrainingState start) {
  }

  default void onRound(RoundEvent event) {
  }

  default void onEpoch(EpochEvent event) {
  }

  default void onEnd(TrainingResult result) {
  }

  /**
   * Asked after every epoch, once all listeners have seen it: true ends training there, as a Keras
   * callback does by setting {@code model.stop_training} (e.g. to stop at a target accuracy).
   */
  default boolean stopRequested() {
    return false;
  }

  /** What the records say when this listener ended training ({@link #stopRequested}). */
  default StopReason stopReason() {
    return StopReason.LISTENER;
  }

  /** One completed round, with where its wall time went. */
  record RoundEvent(int epoch, long batch, long round, long rows, double loss, double learningRate,
                    double gradientNorm, RoundTime time) {
    /** The five parts of the round's time given one by one, in nanoseconds (see {@link RoundTime}). */
    public RoundEvent(int epoch, long batch, long round, long rows, double loss, double learningRate,
                      double gradientNorm, long broadcastNanos, long computeNanos, long aggregateNanos,
                      long updateNanos, long otherNanos) {
      this(epoch, batch, round, rows, loss, learningRate, gradientNorm,
          new RoundTime(broadcastNanos, computeNanos, aggregateNanos, updateNanos, otherNanos));
    }
  }

  /** One completed epoch: its mean training loss and, when a validation set exists, its metrics. */
  record EpochEvent(int epoch, double trainLoss, Map<String, Double> validation,
                    EvaluationAccumulator validationStats, double seconds, float[] params) {
  }
}
