package org.sparkprop.train;

import java.io.Serializable;
import org.sparkprop.optim.OptimizerSettings;

/**
 * One round of local SGD ({@code train.localSteps = K > 1}): the consecutive global batches
 * [firstBatch, firstBatch + steps) of {@code epoch}, one optimizer step per batch on every
 * partition, at the learning rate the driver's schedule gives each of those steps. Small (the
 * rates are {@code steps} floats): it travels inside the task.
 *
 * <p>Rounds are aligned to the epoch: they start at batches 0, K, 2K, ... ({@link #roundEnd}), so a
 * run resumed from a checkpoint written at a round's end cuts the rest of the epoch exactly as the
 * run that never stopped did.
 *
 * @param rates        (steps): the learning rate of each step, as the synchronous loop would pass it
 * @param optimizer    the update rule every partition applies (the driver's, same settings)
 * @param clipNorm     clip each step's mean gradient of the partition's rows to this L2 norm (0: off)
 */
public record LocalStepPlan(long epoch, long firstBatch, int steps, float[] rates, OptimizerSettings optimizer,
                            double clipNorm) implements Serializable {

  public LocalStepPlan {
    if (steps < 1) throw new IllegalArgumentException("a local-step round takes at least one step, got " + steps);
    if (rates.length != steps) {
      throw new IllegalArgumentException("a local-step round of " + steps + " steps needs as many rates, got "
          + rates.length);
    }
    rates = rates.clone();
  }

  /** The global batch of local step {@code k} (0-based). */
  public long batch(int k) {
    return firstBatch + k;
  }

  /** The learning rate of local step {@code k} (0-based). */
  public float rate(int k) {
    return rates[k];
  }

  /**
   * One past the last batch of the round that batch {@code batch} belongs to, with rounds of
   * {@code localSteps} batches starting at 0, K, 2K, ... of every epoch: the epoch's last round
   * holds what remains; a round entered in its middle (a run resumed where an earlier one was
   * cut short) ends where the aligned round ends.
   */
  public static long roundEnd(long batch, int localSteps, long batchesPerEpoch) {
    if (localSteps < 1) throw new IllegalArgumentException("train.localSteps must be >= 1, got " + localSteps);
    return Math.min(batchesPerEpoch, (batch / localSteps + 1) * localSteps);
  }
}
