package org.sparkprop.train;

/**
 * Where a round's gradient comes from: the only thing that differs between the single-JVM
 * reference trainer ({@link LocalGradientSource}) and the Spark trainer. The driver-side loop in
 * {@link TrainingLoop} (optimizer, schedule, checkpoints, early stopping) is shared by both.
 *
 * <p>Order of use: {@link #batches()} once; {@link #computeRound} once per round with the current
 * parameters; {@link #close()} at the end.
 */
public interface GradientSource extends AutoCloseable {

  /** The epoch/batch structure of the training set. */
  GlobalBatches batches();

  /** The merged gradient sum, loss sum and row count of global batch {@code batch} of {@code epoch}. */
  RoundResult computeRound(float[] params, long epoch, long batch);

  @Override
  default void close() {
  }

  /**
   * One round's merged result with where the time went, in nanoseconds: putting the parameters
   * where the workers read them (broadcast), the slowest worker's forward/backward (compute), and
   * combining worker results (aggregate). The loop adds the optimizer update and the remainder.
   */
  record RoundResult(GradientAccumulator gradient, long broadcastNanos, long computeNanos, long aggregateNanos) {
  }
}
