package org.sparkprop.train;

import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.ScheduleSettings;

/**
 * Driver-side settings of the training loop.
 *
 * @param epochs              full passes over the training set; 0 = until converged (see {@link Convergence})
 * @param maxRounds           stop after this many rounds in total (0: no limit)
 * @param learningRate        base learning rate before the schedule
 * @param clipNorm            clip the mean gradient to this global L2 norm (0: off)
 * @param checkpointEveryRounds checkpoint every this many rounds, besides each epoch end (0: epoch ends only)
 * @param convergence         when {@code epochs} is 0: when to stop, and which weights to keep
 * @param localSteps          optimizer steps every partition takes on its own rows between two
 *                            synchronisations (1: synchronous SGD; see {@link LocalStepPlan})
 */
public record TrainingOptions(int epochs, long maxRounds, OptimizerSettings optimizer, double learningRate,
                              ScheduleSettings schedule, double clipNorm, int checkpointEveryRounds,
                              Convergence convergence, int localSteps) {

  public TrainingOptions {
    if (localSteps < 1) throw new IllegalArgumentException("train.localSteps must be >= 1, got " + localSteps);
  }

  /** Synchronous SGD ({@code localSteps} 1). */
  public TrainingOptions(int epochs, long maxRounds, OptimizerSettings optimizer, double learningRate,
                         ScheduleSettings schedule, double clipNorm, int checkpointEveryRounds, Convergence convergence) {
    this(epochs, maxRounds, optimizer, learningRate, schedule, clipNorm, checkpointEveryRounds, convergence, 1);
  }

  /**
   * Training until converged: stop once the monitored value has not improved by {@code minDelta}
   * for {@code patience} epochs (0: never before the maximum), or after {@code maxEpochs}.
   *
   * @param monitor     what is watched on the validation rows; without them the training loss
   * @param restoreBest end with the weights of the best epoch rather than the last
   */
  public record Convergence(int maxEpochs, int patience, double minDelta, boolean restoreBest, StopMetric monitor) {
    /** reference.conf's defaults, for callers that train a fixed number of epochs and do not read them. */
    public static final Convergence DEFAULTS = new Convergence(200, 10, 1e-4, true, StopMetric.LOSS);
  }

  /** The given optimizer at a constant rate, no clipping, checkpoints at epoch ends only, a fixed epoch count. */
  public static TrainingOptions simple(OptimizerSettings optimizer, double learningRate, int epochs) {
    return new TrainingOptions(epochs, 0, optimizer, learningRate, ScheduleSettings.constant(), 0, 0,
        Convergence.DEFAULTS);
  }

  /** Whether the run trains until converged rather than a fixed number of epochs. */
  public boolean untilConverged() {
    return epochs == 0;
  }

  /** The most epochs the run may take. */
  public int epochLimit() {
    return untilConverged() ? convergence.maxEpochs() : epochs;
  }

  public TrainingOptions withMaxRounds(long rounds) {
    return new TrainingOptions(epochs, rounds, optimizer, learningRate, schedule, clipNorm, checkpointEveryRounds,
        convergence, localSteps);
  }

  public TrainingOptions withOptimizer(OptimizerSettings settings) {
    return new TrainingOptions(epochs, maxRounds, settings, learningRate, schedule, clipNorm, checkpointEveryRounds,
        convergence, localSteps);
  }

  /** These options with {@code steps} local steps per round (see {@link LocalStepPlan}). */
  public TrainingOptions withLocalSteps(int steps) {
    return new TrainingOptions(epochs, maxRounds, optimizer, learningRate, schedule, clipNorm, checkpointEveryRounds,
        convergence, steps);
  }
}
