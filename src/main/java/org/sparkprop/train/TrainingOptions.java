package org.sparkprop.train;

import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.ScheduleSettings;

/**
 * Driver-side settings of the training loop.
 *
 * @param epochs              full passes over the training set
 * @param maxRounds           stop after this many rounds in total (0: no limit)
 * @param learningRate        base learning rate before the schedule
 * @param clipNorm            clip the mean gradient to this global L2 norm (0: off)
 * @param checkpointEveryRounds checkpoint every this many rounds, besides each epoch end (0: epoch ends only)
 * @param patience            early stopping: epochs without improvement of the monitored metric (0: off)
 * @param monitor             early stopping metric
 */
public record TrainingOptions(int epochs, long maxRounds, OptimizerSettings optimizer, double learningRate,
                              ScheduleSettings schedule, double clipNorm, int checkpointEveryRounds,
                              int patience, StopMetric monitor) {

  /** The given optimizer at a constant rate, no clipping, checkpoints at epoch ends only, no early stopping. */
  public static TrainingOptions simple(OptimizerSettings optimizer, double learningRate, int epochs) {
    return new TrainingOptions(epochs, 0, optimizer, learningRate, ScheduleSettings.constant(), 0, 0, 0, StopMetric.LOSS);
  }

  public TrainingOptions withMaxRounds(long rounds) {
    return new TrainingOptions(epochs, rounds, optimizer, learningRate, schedule, clipNorm, checkpointEveryRounds, patience, monitor);
  }

  public TrainingOptions withOptimizer(OptimizerSettings settings) {
    return new TrainingOptions(epochs, maxRounds, settings, learningRate, schedule, clipNorm, checkpointEveryRounds, patience, monitor);
  }
}
