package org.sparkprop.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.optim.GradientClipping;
import org.sparkprop.optim.LearningRateSchedule;
import org.sparkprop.optim.Optimizer;
import org.sparkprop.optim.Optimizers;
import org.sparkprop.optim.Schedules;

/**
 * The synchronous training loop on the driver, shared by the single-JVM and the Spark trainer:
 * per round, get the merged gradient of one global batch from the {@link GradientSource}, divide by
 * the row count, check it is finite, clip, and apply one optimizer step; per epoch, evaluate,
 * apply early stopping and checkpoint.
 */
public final class TrainingLoop {
  private final GradientSource source;
  private final TrainingOptions options;
  private final Evaluator validation;          // nullable
  private final CheckpointSink checkpoints;    // nullable
  private final List<TrainingListener> listeners = new ArrayList<>();
  private boolean monitorEvaluation = true;

  public TrainingLoop(GradientSource source, TrainingOptions options, Evaluator validation, CheckpointSink checkpoints) {
    this.source = source;
    this.options = options;
    this.validation = validation;
    this.checkpoints = checkpoints;
  }

  /**
   * Whether early stopping watches the evaluator (a validation set: the default) or the training
   * loss (when the evaluator is the test set, which must not steer training).
   */
  public TrainingLoop monitorEvaluation(boolean monitor) {
    this.monitorEvaluation = monitor;
    return this;
  }

  public TrainingLoop addListener(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  /** A fresh optimizer for these options and parameter count. */
  public Optimizer newOptimizer(int parameterCount) {
    return Optimizers.create(options.optimizer(), parameterCount);
  }

  public TrainingResult run(TrainingState start) {
    GlobalBatches batches = source.batches();
    float[] params = start.params().clone();
    Optimizer optimizer = newOptimizer(params.length);
    optimizer.restore(start.optimizer());
    long batchesPerEpoch = batches.batchesPerEpoch();
    long totalRounds = (long) options.epochs() * batchesPerEpoch;
    if (options.maxRounds() > 0) totalRounds = Math.min(totalRounds, options.maxRounds());
    LearningRateSchedule schedule = Schedules.create(options.schedule(), options.learningRate(), totalRounds);
    float[] gradient = new float[params.length]; // (parameters): the mean gradient of a round

    for (TrainingListener l : listeners) l.onStart(batches, options, start);
    long round = start.round();
    double epochLossSum = start.epochLossSum();
    long epochRows = start.epochRows();
    double bestMetric = start.bestMetric();
    int badEpochs = start.epochsWithoutImprovement();
    int epochsDone = start.epoch();
    boolean stoppedEarly = false;
    boolean roundLimitHit = false;
    long rowsProcessed = 0;
    long[] splitSums = new long[5];
    long roundsRun = 0;
    double lastEpochLoss = Double.NaN;
    long loopStart = System.nanoTime();
    long epochStart = loopStart;

    epochs:
    for (int epoch = start.epoch(); epoch < options.epochs(); epoch++) {
      long firstBatch = epoch == start.epoch() ? start.nextBatch() : 0;
      for (long batch = firstBatch; batch < batchesPerEpoch; batch++) {
        if (options.maxRounds() > 0 && round >= options.maxRounds()) {
          roundLimitHit = true;
          break epochs;
        }
        long roundStart = System.nanoTime();
        GradientSource.RoundResult result = source.computeRound(params, epoch, batch);
        long updateStart = System.nanoTime();
        GradientAccumulator acc = result.gradient();
        if (!Double.isFinite(acc.lossSum())) {
          throw diverged(round, epoch, batch, "the loss is " + acc.lossSum());
        }
        acc.meanGradient(gradient);
        // One pass for both: the norm is finite exactly when every entry is (squares of finite
        // floats summed in double cannot overflow), and clipping leaves a non-finite gradient as is.
        double norm = GradientClipping.clipByGlobalNorm(gradient, options.clipNorm());
        if (!Double.isFinite(norm)) {
          throw diverged(round, epoch, batch, "the gradient has NaN or infinite entries");
        }
        double lr = schedule.rate(round);
        optimizer.step(params, gradient, (float) lr);
        long roundEnd = System.nanoTime();
        round++;
        roundsRun++;
        rowsProcessed += acc.count();
        epochLossSum += acc.lossSum();
        epochRows += acc.count();

        long update = roundEnd - updateStart;
        long other = Math.max(0, (updateStart - roundStart) - result.broadcastNanos() - result.computeNanos() - result.aggregateNanos());
        splitSums[0] += result.broadcastNanos();
        splitSums[1] += result.computeNanos();
        splitSums[2] += result.aggregateNanos();
        splitSums[3] += update;
        splitSums[4] += other;
        TrainingListener.RoundEvent event = new TrainingListener.RoundEvent(epoch, batch, round, acc.count(),
            acc.meanLoss(), lr, norm, result.broadcastNanos(), result.computeNanos(), result.aggregateNanos(), update, other);
        for (TrainingListener l : listeners) l.onRound(event);

        if (checkpoints != null && options.checkpointEveryRounds() > 0 && round % options.checkpointEveryRounds() == 0
            && batch + 1 < batchesPerEpoch) {
          checkpoints.save(new TrainingState(epoch, batch + 1, round, params.clone(), optimizer.snapshot(),
              epochLossSum, epochRows, bestMetric, badEpochs));
        }
      }

      lastEpochLoss = epochLossSum / Math.max(1, epochRows);
      Map<String, Double> valMetrics = null;
      EvaluationAccumulator valStats = null;
      if (validation != null) {
        valStats = validation.evaluate(params);
        valMetrics = valStats.metrics();
      }
      epochsDone = epoch + 1;
      if (options.patience() > 0) {
        // Without a validation set only the training loss can be watched, whatever the metric.
        boolean onEvaluation = monitorEvaluation && valMetrics != null && valMetrics.containsKey(options.monitor().configName());
        double value = onEvaluation ? valMetrics.get(options.monitor().configName()) : lastEpochLoss;
        boolean higherIsBetter = onEvaluation && options.monitor().higherIsBetter();
        if (Double.isNaN(bestMetric) || (higherIsBetter ? value > bestMetric : value < bestMetric)) {
          bestMetric = value;
          badEpochs = 0;
        } else {
          badEpochs++;
        }
      }
      long now = System.nanoTime();
      TrainingListener.EpochEvent event = new TrainingListener.EpochEvent(epoch, lastEpochLoss, valMetrics, valStats,
          (now - epochStart) / 1e9, params);
      epochStart = now;
      epochLossSum = 0;
      epochRows = 0;
      if (checkpoints != null) {
        checkpoints.save(new TrainingState(epoch + 1, 0, round, params.clone(), optimizer.snapshot(),
            0, 0, bestMetric, badEpochs));
      }
      for (TrainingListener l : listeners) l.onEpoch(event);
      if (listeners.stream().anyMatch(TrainingListener::stopRequested)
          || (options.patience() > 0 && badEpochs >= options.patience())) {
        stoppedEarly = true;
        break;
      }
    }
    if (roundLimitHit && epochRows > 0) lastEpochLoss = epochLossSum / epochRows;

    double loopSeconds = (System.nanoTime() - loopStart) / 1e9;
    Map<String, Double> split = new LinkedHashMap<>();
    String[] names = {"broadcast", "compute", "aggregate", "update", "other"};
    for (int i = 0; i < names.length; i++) split.put(names[i], roundsRun == 0 ? 0.0 : splitSums[i] / 1e6 / roundsRun);
    TrainingResult result = new TrainingResult(params, epochsDone, round, lastEpochLoss, stoppedEarly,
        rowsProcessed, loopSeconds, split);
    for (TrainingListener l : listeners) l.onEnd(result);
    return result;
  }

  private DivergenceException diverged(long round, int epoch, long batch, String what) {
    String last = checkpoints == null || checkpoints.lastLocation().isEmpty()
        ? "none (set checkpoint.dir to keep one)" : checkpoints.lastLocation();
    return new DivergenceException("training diverged at round " + (round + 1) + " (epoch " + (epoch + 1)
        + ", batch " + (batch + 1) + "): " + what + "; the update was not applied. Last good checkpoint: " + last
        + ". Try a smaller train.learningRate or gradient clipping (train.clipNorm).");
  }

}
