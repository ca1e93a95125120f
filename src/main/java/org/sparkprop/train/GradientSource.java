package org.sparkprop.train;

import org.sparkprop.optim.OptimizerState;

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

  /**
   * One local-step round ({@code train.localSteps > 1}, see {@link LocalStepPlan}): every partition
   * steps from {@code params} and {@code state} through the plan's batches on its own rows
   * ({@link LocalStepRunner}), and the partitions' models are averaged in partition order
   * ({@link ModelAverage}). The arguments are read, not changed.
   *
   * @throws UnsupportedOperationException if this source computes synchronous gradients only
   */
  default LocalStepsResult computeLocalSteps(float[] params, OptimizerState state, LocalStepPlan plan) {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " computes one synchronous gradient per round: it cannot run train.localSteps > 1");
  }

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

  /** One local-step round's averaged model with where the time went, as {@link RoundResult} splits it. */
  record LocalStepsResult(ModelAverage average, long broadcastNanos, long computeNanos, long aggregateNanos) {
  }
}
