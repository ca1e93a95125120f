package org.sparkprop.config;

import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.train.LocalTrainer;
import org.sparkprop.train.TrainingOptions;

/**
 * How one training run is made, read from a validated {@link TrainConfig}: the network for data
 * of a given width and classes, the loop's options (optimizer, schedule, epochs, checkpoints,
 * convergence), the weight initialiser, and the rows per forward/backward chunk. The {@code train}
 * job, the Spark ML estimators and the benchmarks all build their run from it, so that the same
 * configuration trains alike (to the bit) whichever of them runs it.
 */
public final class TrainingRecipe {
  /**
   * Rows per forward/backward chunk inside a task: the single-JVM trainer's value, so that one
   * partition sums its gradient in exactly the reference trainer's order.
   */
  public static final int CHUNK_ROWS = LocalTrainer.CHUNK_ROWS;

  private final TrainConfig config;

  private TrainingRecipe(TrainConfig config) {
    this.config = config;
  }

  public static TrainingRecipe of(TrainConfig config) {
    return new TrainingRecipe(config);
  }

  public TrainConfig config() {
    return config;
  }

  /**
   * The network the configuration asks for, sized by the data: {@code classes} 0 for regression
   * (then {@code targetWidth} outputs), 2 for one sigmoid output (two with softmax), more for one
   * output per class.
   */
  public NetworkSpec network(int features, int classes, int targetWidth) {
    TrainConfig.Model m = config.model();
    Activation output = m.effectiveOutput();
    int outputs;
    if (classes > 2) {
      outputs = classes;
    } else if (classes == 2) {
      outputs = output == Activation.SOFTMAX ? 2 : 1;
    } else {
      outputs = targetWidth;
    }
    return new NetworkSpec(features, m.hiddenSizes(), m.activation(), outputs, output, m.loss());
  }

  public Initializer initializer() {
    return config.model().effectiveInit();
  }

  public TrainingOptions options() {
    TrainConfig.Train t = config.train();
    // train.weightDecay is AdamW's decoupled decay; the other optimizers take coupled decay from train.l2.
    boolean adamw = t.optimizer() == OptimizerKind.ADAMW;
    OptimizerSettings opt = new OptimizerSettings(t.optimizer(), t.momentum(), t.beta1(), t.beta2(),
        t.epsilon(), adamw ? t.weightDecay() : 0, t.l2());
    ScheduleSettings schedule = new ScheduleSettings(t.lrSchedule(), t.lrStepRounds(), t.lrStepFactor(),
        t.lrMin(), t.warmupRounds());
    TrainConfig.EarlyStopping stop = t.earlyStopping();
    TrainingOptions.Convergence convergence = new TrainingOptions.Convergence(t.maxEpochs(), stop.patience(),
        stop.minDelta(), stop.restoreBest(), stop.metric());
    return new TrainingOptions(t.epochs(), t.maxRounds(), opt, t.learningRate(), schedule, t.clipNorm(),
        config.checkpoint().everyRounds(), convergence, t.localSteps());
  }
}
