package org.sparkprop.train;

import org.sparkprop.optim.OptimizerState;

/**
 * Everything needed to continue training exactly where it stopped: with the same data, seed and
 * options, resuming from a state gives bit-identical weights to never stopping, because the batch
 * order is a pure function of (seed, epoch, batch) and the schedule of the global round.
 *
 * @param epoch          the epoch to run next (0-based)
 * @param nextBatch      the batch of that epoch to run next
 * @param round          rounds completed in total
 * @param params         the flat parameters
 * @param optimizer      the optimizer's state
 * @param epochLossSum   loss summed over the rounds of the current epoch so far
 * @param epochRows      rows behind epochLossSum
 * @param bestMetric     early stopping: best monitored value so far (NaN: none yet)
 * @param epochsWithoutImprovement early stopping counter
 * @param bestParams     the flat parameters at the best epoch so far, kept to restore them; null when not kept
 * @param bestEpoch      the 1-based epoch of {@code bestParams}; 0 when none
 */
public record TrainingState(int epoch, long nextBatch, long round, float[] params, OptimizerState optimizer,
                            double epochLossSum, long epochRows, double bestMetric, int epochsWithoutImprovement,
                            float[] bestParams, int bestEpoch) {

  public static TrainingState initial(float[] params, OptimizerState optimizer) {
    return new TrainingState(0, 0, 0, params, optimizer, 0, 0, Double.NaN, 0, null, 0);
  }
}
