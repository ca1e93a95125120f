package org.sparkprop.train;

import java.util.ArrayList;
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
 * check convergence (when training until converged) and checkpoint.
 */
public final class TrainingLoop {
  private final GradientSource source;
  private final TrainingOptions options;
  private final Evaluator validation;          // nullable
  private final CheckpointSink checkpoints;    // nullable
  private final List<TrainingListener> listeners = new ArrayList<>();
  private boolean monitorEvaluation = true;
  private StopRequest stop = new StopRequest();

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

  /**
   * Where a request to stop early comes from (a signal handler, an operator): asked before every
   * round. A stopped run writes a checkpoint of where it stands, when checkpoints are on, and
   * returns a result with status {@link RunStatus#INTERRUPTED}.
   */
  public TrainingLoop stopWhen(StopRequest request) {
    this.stop = request;
    return this;
  }

  public TrainingLoop addListener(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  /** Where the newest checkpoint this loop wrote is; empty when it wrote none. */
  public String lastCheckpoint() {
    return checkpoints == null ? "" : checkpoints.lastLocation();
  }

  /** A fresh optimizer for these options and parameter count. */
  public Optimizer newOptimizer(int parameterCount) {
    return Optimizers.create(options.optimizer(), parameterCount);
  }

  /**
   * Trains from {@code start} until the epoch limit, convergence, the round limit, a listener's
   * request or a {@link StopRequest}: per round {@link #runRound}, per epoch end {@link #endEpoch}.
   */
  public TrainingResult run(TrainingState start) {
    GlobalBatches batches = source.batches();
    RunState run = new RunState(start, newOptimizer(start.params().length),
        Schedules.create(options.schedule(), options.learningRate(), totalRounds(batches)));
    for (TrainingListener l : listeners) l.onStart(batches, options, start);
    run.startClock();
    // A checkpoint written when the run converged resumes as the same finished run.
    if (converged(run)) return finish(run, StopReason.CONVERGED);
    for (int epoch = start.epoch(); epoch < options.epochLimit(); epoch++) {
      long firstBatch = epoch == start.epoch() ? start.nextBatch() : 0;
      for (long batch = firstBatch; batch < batches.batchesPerEpoch(); ) {
        if (options.maxRounds() > 0 && run.round >= options.maxRounds()) {
          run.roundLimitHit = true;
          return finish(run, StopReason.ROUND_LIMIT);
        }
        if (stop.requested()) return interrupt(run, epoch, batch, stop.reason());
        long steps = stepsFrom(run, batch, batches.batchesPerEpoch());
        try {
          if (options.localSteps() == 1) runRound(run, epoch, batch);
          else runLocalRound(run, epoch, batch, steps);
          batch += steps;
        } catch (CancelledWorkException e) {
          // The round's update was not applied: the state is still that of the round before.
          stop.request(e.getMessage());
          return interrupt(run, epoch, batch, e.getMessage());
        }
      }
      StopReason ended;
      try {
        ended = endEpoch(run, epoch);
      } catch (CancelledWorkException e) {
        // Every round of the epoch ran; a resumed run starts with this epoch's end (evaluation).
        stop.request(e.getMessage());
        return interrupt(run, epoch, batches.batchesPerEpoch(), e.getMessage());
      }
      if (ended != null) return finish(run, ended);
    }
    return finish(run, options.untilConverged() ? StopReason.MAX_EPOCHS : StopReason.EPOCHS);
  }

  /**
   * Ends a run asked to stop before batch {@code nextBatch} of {@code epoch}: a checkpoint of that
   * position unless the last one written already holds it, then the result.
   */
  private TrainingResult interrupt(RunState run, int epoch, long nextBatch, String reason) {
    if (checkpoints != null && run.round != run.savedRound) save(run, run.state(epoch, nextBatch));
    run.interruption = reason;
    return finish(run, StopReason.INTERRUPTED);
  }

  private void save(RunState run, TrainingState state) {
    checkpoints.save(state);
    run.savedRound = state.round();
  }

  /** Rounds the schedule spans: every epoch's up to the epoch limit, or the round limit when it comes first. */
  private long totalRounds(GlobalBatches batches) {
    long total = (long) options.epochLimit() * batches.batchesPerEpoch();
    return options.maxRounds() > 0 ? Math.min(total, options.maxRounds()) : total;
  }

  /**
   * The global batches the round starting at {@code batch} covers: 1 for synchronous SGD; with
   * local steps up to the end of its aligned round ({@link LocalStepPlan#roundEnd}), cut at the
   * round limit so that {@code train.maxRounds} counts steps as it does for synchronous SGD.
   */
  private long stepsFrom(RunState run, long batch, long batchesPerEpoch) {
    long end = LocalStepPlan.roundEnd(batch, options.localSteps(), batchesPerEpoch);
    if (options.maxRounds() > 0) end = Math.min(end, batch + options.maxRounds() - run.round);
    return end - batch;
  }

  /**
   * One local-step round of {@code steps} global batches from {@code batch}: every partition steps
   * on its own rows from the current weights and optimizer state at the schedule's rates, the
   * source averages the partitions' models, and they become the driver's, after the same checks
   * as a synchronous update. {@code round} then counts the round's steps (schedule, round limit and
   * checkpoints count global batches whatever train.localSteps is); listeners see one event.
   */
  private void runLocalRound(RunState run, int epoch, long batch, long steps) {
    long roundStart = System.nanoTime();
    float[] rates = new float[(int) steps];
    for (int k = 0; k < rates.length; k++) rates[k] = (float) run.schedule.rate(run.round + k);
    LocalStepPlan plan = new LocalStepPlan(epoch, batch, rates.length, rates, options.optimizer(), options.clipNorm());
    GradientSource.LocalStepsResult result = source.computeLocalSteps(run.params, run.optimizer.snapshot(), plan);
    long updateStart = System.nanoTime();
    ModelAverage average = result.average();
    if (average.divergence() != null) throw diverged(run.round, epoch, batch, average.divergence());
    if (!Double.isFinite(average.lossSum())) throw diverged(run.round, epoch, batch, "the loss is " + average.lossSum());
    float[] params = average.params();
    for (float p : params) {
      if (!Float.isFinite(p)) throw diverged(run.round, epoch, batch, "the averaged weights have NaN or infinite entries");
    }
    System.arraycopy(params, 0, run.params, 0, params.length);
    run.optimizer.restore(average.state(run.optimizer.name(), run.optimizer.steps() + steps));
    RoundTime time = RoundTime.of(result, updateStart - roundStart, System.nanoTime() - updateStart);
    long roundBefore = run.round;
    run.localRoundDone(average, steps, time);

    long last = batch + steps - 1;
    TrainingListener.RoundEvent event = new TrainingListener.RoundEvent(epoch, last, run.round, average.rows(),
        average.lossSum() / average.rows(), rates[rates.length - 1], average.largestNorm(), time);
    for (TrainingListener l : listeners) l.onRound(event);
    boolean lastOfEpoch = last + 1 == source.batches().batchesPerEpoch();
    // A round the round limit cut short ends inside its aligned round: a run resumed there would
    // cut the rest of the epoch differently from one that never stopped, so it is not checkpointed.
    boolean cut = last + 1 < LocalStepPlan.roundEnd(batch, options.localSteps(), source.batches().batchesPerEpoch());
    if (checkpointDue(roundBefore, run.round) && !lastOfEpoch && !cut) save(run, run.state(epoch, last + 1));
  }

  /** Whether a round from {@code before} to {@code after} rounds reached a multiple of checkpoint.everyRounds. */
  private boolean checkpointDue(long before, long after) {
    int every = options.checkpointEveryRounds();
    return checkpoints != null && every > 0 && before / every != after / every;
  }

  /**
   * One round: the merged gradient of global batch {@code batch} from the source, divided once by
   * its row count, checked, clipped, and one optimizer step; then the listeners see it, and every
   * {@code checkpointEveryRounds} rounds inside an epoch a checkpoint is written.
   */
  private void runRound(RunState run, int epoch, long batch) {
    long roundStart = System.nanoTime();
    GradientSource.RoundResult result = source.computeRound(run.params, epoch, batch);
    long updateStart = System.nanoTime();
    GradientAccumulator gradient = result.gradient();
    if (!Double.isFinite(gradient.lossSum())) {
      throw diverged(run.round, epoch, batch, "the loss is " + gradient.lossSum());
    }
    gradient.meanGradient(run.meanGradient);
    // One pass for both: the norm is finite exactly when every entry is (squares of finite
    // floats summed in double cannot overflow), and clipping leaves a non-finite gradient as is.
    double norm = GradientClipping.clipByGlobalNorm(run.meanGradient, options.clipNorm());
    if (!Double.isFinite(norm)) {
      throw diverged(run.round, epoch, batch, "the gradient has NaN or infinite entries");
    }
    double learningRate = run.schedule.rate(run.round);
    run.optimizer.step(run.params, run.meanGradient, (float) learningRate);
    RoundTime time = RoundTime.of(result, updateStart - roundStart, System.nanoTime() - updateStart);
    run.roundDone(gradient, time);

    TrainingListener.RoundEvent event = new TrainingListener.RoundEvent(epoch, batch, run.round, gradient.count(),
        gradient.meanLoss(), learningRate, norm, time);
    for (TrainingListener l : listeners) l.onRound(event);
    boolean lastOfEpoch = batch + 1 == source.batches().batchesPerEpoch();
    if (checkpoints != null && options.checkpointEveryRounds() > 0 && run.round % options.checkpointEveryRounds() == 0
        && !lastOfEpoch) {
      save(run, run.state(epoch, batch + 1));
    }
  }

  /**
   * The end of an epoch: its mean training loss, the evaluation, convergence's bookkeeping, the
   * epoch's checkpoint, and the listeners. Returns why training stops here (converged, or a
   * listener asked), or null to go on.
   */
  private StopReason endEpoch(RunState run, int epoch) {
    run.lastEpochLoss = run.epochLossSum / Math.max(1, run.epochRows);
    EvaluationAccumulator evaluation = validation == null ? null : validation.evaluate(run.params);
    Map<String, Double> metrics = evaluation == null ? null : evaluation.metrics();
    run.epochsDone = epoch + 1;
    if (options.untilConverged()) watchForImprovement(run, metrics);
    long now = System.nanoTime();
    TrainingListener.EpochEvent event = new TrainingListener.EpochEvent(epoch, run.lastEpochLoss, metrics, evaluation,
        (now - run.epochStart) / 1e9, run.params);
    run.epochStart = now;
    run.epochLossSum = 0;
    run.epochRows = 0;
    if (checkpoints != null) save(run, run.state(epoch + 1, 0));
    for (TrainingListener l : listeners) l.onEpoch(event);
    for (TrainingListener l : listeners) {
      if (l.stopRequested()) return l.stopReason();
    }
    return converged(run) ? StopReason.CONVERGED : null;
  }

  /** Whether a run until converged has gone {@code patience} epochs without improvement. */
  private boolean converged(RunState run) {
    int patience = options.convergence().patience();
    return options.untilConverged() && patience > 0 && run.epochsWithoutImprovement >= patience;
  }

  /**
   * Convergence: the monitored value of this epoch against the best so far; only a change beyond
   * the tolerance counts as an improvement (as Keras's min_delta), and its weights are kept when
   * the best are to be restored.
   */
  private void watchForImprovement(RunState run, Map<String, Double> metrics) {
    TrainingOptions.Convergence c = options.convergence();
    // Without a validation set only the training loss can be watched, whatever the metric.
    boolean onEvaluation = monitorEvaluation && metrics != null && metrics.containsKey(c.monitor().configName());
    double value = onEvaluation ? metrics.get(c.monitor().configName()) : run.lastEpochLoss;
    boolean higherIsBetter = onEvaluation && c.monitor().higherIsBetter();
    boolean improved = Double.isNaN(run.bestMetric)
        || (higherIsBetter ? value > run.bestMetric + c.minDelta() : value < run.bestMetric - c.minDelta());
    if (improved) {
      run.bestMetric = value;
      run.epochsWithoutImprovement = 0;
      if (c.restoreBest()) {
        run.bestParams = run.params.clone();
        run.bestEpoch = run.epochsDone;
      }
    } else {
      run.epochsWithoutImprovement++;
    }
  }

  private TrainingResult finish(RunState run, StopReason reason) {
    // Stopped by the round limit inside an epoch: the loss of that epoch's rounds so far.
    if (run.roundLimitHit && run.epochRows > 0) run.lastEpochLoss = run.epochLossSum / run.epochRows;
    double loopSeconds = (System.nanoTime() - run.loopStart) / 1e9;
    // The best epoch's weights end a run that converged or used up its epochs; a round limit or
    // a listener cuts a run short as it stands.
    boolean restore = run.bestParams != null && (reason == StopReason.CONVERGED || reason == StopReason.MAX_EPOCHS);
    TrainingResult result = new TrainingResult(restore ? run.bestParams.clone() : run.params, run.epochsDone,
        run.round, run.lastEpochLoss, reason, restore ? run.bestEpoch : 0, run.rowsProcessed, loopSeconds,
        run.timeSum.meanMillis(run.roundsRun), run.interruption);
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

  /**
   * What lives across the rounds of one {@link #run}: the weights and the optimizer, where the
   * loop is, the current epoch's loss so far, early stopping's state, and the totals the result
   * reports.
   */
  private static final class RunState {
    final float[] params;            // (parameters): updated in place every round
    final float[] meanGradient;      // (parameters): the current round's mean gradient
    final Optimizer optimizer;
    final LearningRateSchedule schedule;
    long round;                      // rounds completed in total, a resumed run's earlier ones included
    double epochLossSum;             // loss summed over the current epoch's rounds so far
    long epochRows;                  // rows behind epochLossSum
    double bestMetric;               // early stopping: the best monitored value so far (NaN: none yet)
    int epochsWithoutImprovement;
    int epochsDone;
    double lastEpochLoss = Double.NaN;
    float[] bestParams;              // (parameters): the best epoch's, when they are to be restored; else null
    int bestEpoch;                   // the 1-based epoch of bestParams
    boolean roundLimitHit;
    long roundsRun;                  // rounds of this run only: behind rowsProcessed and timeSum
    long rowsProcessed;
    RoundTime timeSum = RoundTime.ZERO;
    long loopStart;
    long epochStart;
    long savedRound;                 // the round of the newest checkpoint (the start's when none was written)
    String interruption;             // what stopped the run from outside; null while nothing did

    RunState(TrainingState start, Optimizer optimizer, LearningRateSchedule schedule) {
      this.params = start.params().clone();
      this.meanGradient = new float[params.length];
      this.optimizer = optimizer;
      optimizer.restore(start.optimizer());
      this.schedule = schedule;
      this.round = start.round();
      this.epochLossSum = start.epochLossSum();
      this.epochRows = start.epochRows();
      this.bestMetric = start.bestMetric();
      this.epochsWithoutImprovement = start.epochsWithoutImprovement();
      this.epochsDone = start.epoch();
      this.savedRound = start.round();
      this.bestParams = start.bestParams() == null ? null : start.bestParams().clone();
      this.bestEpoch = start.bestEpoch();
    }

    void startClock() {
      loopStart = System.nanoTime();
      epochStart = loopStart;
    }

    /** Counts a finished round's rows, loss and time. */
    void roundDone(GradientAccumulator gradient, RoundTime time) {
      round++;
      roundsRun++;
      rowsProcessed += gradient.count();
      // Weighted rows: the round's weighted mean loss counted once per row, so that the epoch loss
      // (epochLossSum / epochRows) stays a mean loss; unweighted rows add the exact sum as always.
      epochLossSum += gradient.weighted() ? gradient.meanLoss() * gradient.count() : gradient.lossSum();
      epochRows += gradient.count();
      timeSum = timeSum.plus(time);
    }

    /** Counts a finished local-step round of {@code steps} global batches. */
    void localRoundDone(ModelAverage average, long steps, RoundTime time) {
      round += steps;
      roundsRun++;
      rowsProcessed += average.rows();
      epochLossSum += average.lossSum();
      epochRows += average.rows();
      timeSum = timeSum.plus(time);
    }

    /** A checkpoint's state: everything needed to continue at batch {@code nextBatch} of {@code epoch}. */
    TrainingState state(int epoch, long nextBatch) {
      return new TrainingState(epoch, nextBatch, round, params.clone(), optimizer.snapshot(), epochLossSum, epochRows,
          bestMetric, epochsWithoutImprovement, bestParams == null ? null : bestParams.clone(), bestEpoch);
    }
  }
}
