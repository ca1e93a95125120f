package org.sparkprop.spark;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.CancelledWorkException;
import org.sparkprop.train.Evaluator;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.LocalStepPlan;

/**
 * What a training run looks like in the Spark UI: one job group per run, and a description on
 * every job saying which run it belongs to and what it does ({@code sparkprop train <run>: epoch
 * 3/20, round 1234/5000}). Cancelling the group, a job or a stage of it (from the UI or with
 * {@code SparkContext.cancelJobGroup}) reaches the loop as a {@link CancelledWorkException}, which
 * it takes as a request to stop at that round boundary; so does an interrupt of the driver's thread
 * while it waits for a job (YARN's application master stopping a driver in cluster deploy mode).
 *
 * <p>Spark keeps the group and the description per thread: a run labels the jobs of the thread
 * that created it. When the caller's thread already has a job group (a Spark ML {@code fit} run
 * under an application's own group), that group is kept, so cancelling it still reaches the run,
 * and the run's id is added as a job tag instead. {@link #close} restores what the thread had.
 *
 * <p>Order of use: {@link #start}; {@link #describe} before each phase, {@link #rounds} and
 * {@link #evaluations} around the loop's sources; {@link #close} at the end.
 */
public final class RunJobs implements AutoCloseable {
  static final String GROUP_PROPERTY = "spark.jobGroup.id";
  static final String DESCRIPTION_PROPERTY = "spark.job.description";
  /**
   * Spark's message for a job cancelled by its group, by itself, or through one of its stages
   * ("[SPARK_JOB_CANCELLED] Job 61 cancelled part of cancelled job group g"; the error-class prefix
   * depends on the Spark line), but not for jobs lost with their SparkContext.
   */
  private static final Pattern CANCELLED =
      Pattern.compile("^(\\[SPARK_JOB_CANCELLED] )?Job \\d+ cancelled (?!because SparkContext was shut down)");

  private final JavaSparkContext sc;
  private final String command;
  private final String runId;
  private final String previousGroup;       // the thread's group before, null for none
  private final String previousDescription;

  private RunJobs(JavaSparkContext sc, String command, String runId) {
    this.sc = sc;
    this.command = command;
    this.runId = runId;
    this.previousGroup = sc.getLocalProperty(GROUP_PROPERTY);
    this.previousDescription = sc.getLocalProperty(DESCRIPTION_PROPERTY);
    if (previousGroup == null) {
      sc.setJobGroup(runId, "sparkprop " + command + " " + runId, false);
    } else {
      sc.sc().addJobTag(runId);
    }
  }

  /**
   * Labels the current thread's jobs as those of run {@code runId} of {@code command} ({@code train},
   * {@code fit}, {@code predict} ...).
   */
  public static RunJobs start(JavaSparkContext sc, String command, String runId) {
    return new RunJobs(sc, command, runId);
  }

  /** A new run id for {@code command} that sorts by its start time: {@code train-20261205-061502-3fa9}. */
  public static String newRunId(String command) {
    return command + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC)
        .format(Instant.now()) + String.format(Locale.ROOT, "-%04x", ThreadLocalRandom.current().nextInt(1 << 16));
  }

  /** The run's job group (or, under a caller's group, its job tag). */
  public String runId() {
    return runId;
  }

  /** The job group that cancels this run: the run's own, or the caller's it runs under. */
  public String jobGroup() {
    return previousGroup == null ? runId : previousGroup;
  }

  /** Describes the jobs that follow, e.g. {@code loading data}. */
  public void describe(String what) {
    sc.setJobDescription("sparkprop " + command + " " + runId + ": " + what);
  }

  /** {@code source} with every round's job described by its epoch and round. */
  public GradientSource rounds(GradientSource source, int epochs, long maxRounds) {
    GlobalBatches batches = source.batches();
    long total = (long) epochs * batches.batchesPerEpoch();
    long rounds = maxRounds > 0 ? Math.min(total, maxRounds) : total;
    return new GradientSource() {
      @Override
      public GlobalBatches batches() {
        return batches;
      }

      @Override
      public RoundResult computeRound(float[] params, long epoch, long batch) {
        long round = epoch * batches.batchesPerEpoch() + batch + 1;
        describe(String.format(Locale.ROOT, "epoch %d/%d, round %d/%d", epoch + 1, epochs, round, rounds));
        try {
          return source.computeRound(params, epoch, batch);
        } catch (Exception e) { // SparkException is checked, yet Spark's Scala code throws it undeclared
          throw cancelledOr(e, "round " + round);
        }
      }

      @Override
      public LocalStepsResult computeLocalSteps(float[] params, OptimizerState state, LocalStepPlan plan) {
        long round = plan.epoch() * batches.batchesPerEpoch() + plan.firstBatch() + 1;
        describe(String.format(Locale.ROOT, "epoch %d/%d, rounds %d-%d/%d (local steps)", plan.epoch() + 1, epochs,
            round, round + plan.steps() - 1, rounds));
        try {
          return source.computeLocalSteps(params, state, plan);
        } catch (Exception e) { // as above
          throw cancelledOr(e, "round " + round);
        }
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  /** {@code evaluator} with its jobs described as evaluations on {@code set}. */
  public Evaluator evaluations(Evaluator evaluator, String set) {
    return params -> {
      describe("evaluation on the " + set + " set");
      try {
        return evaluator.evaluate(params);
      } catch (Exception e) { // as above
        throw cancelledOr(e, "the evaluation on the " + set + " set");
      }
    };
  }

  /** Cancels the jobs of this run still running: those of its group, or under a caller's group those of its tag. */
  private void cancelJobs() {
    if (previousGroup == null) {
      sc.cancelJobGroup(runId);
    } else {
      sc.sc().cancelJobsWithTag(runId);
    }
  }

  /** Whether {@code e} says a Spark job was cancelled (not failed, not lost with its context). */
  public static boolean isCancellation(Throwable e) {
    return cancellation(e) != null;
  }

  /** The InterruptedException in {@code e}'s chain (Spark's wait for a job rethrows it as it is); null when none. */
  private static Throwable interruption(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedException) return t;
    }
    return null;
  }

  /** The exception in {@code e}'s chain that says a job was cancelled; null when none does. */
  private static Throwable cancellation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SparkException && t.getMessage() != null && CANCELLED.matcher(t.getMessage()).find()) return t;
    }
    return null;
  }

  private RuntimeException cancelledOr(Exception e, String what) {
    if (interruption(e) != null) {
      // The driver's thread was interrupted while it waited for the job: YARN's application master
      // does that to the driver when the application is killed (yarn application -kill) or the
      // ResourceManager no longer knows it. A stop request, like a cancelled job: the state is that of
      // the last completed round. The flag is cleared so that the checkpoint can still be written,
      // and the job left behind is cancelled: nobody waits for it, and its tasks would hold the executors.
      Thread.interrupted();
      cancelJobs();
      return new CancelledWorkException("the driver was interrupted during " + what
          + " (the cluster manager is stopping the application)", e);
    }
    Throwable cancelled = cancellation(e);
    if (cancelled == null) throw unchecked(e);
    return new CancelledWorkException("the Spark job of " + what + " was cancelled ("
        + firstLine(cancelled.getMessage()) + ")", e);
  }

  /**
   * Throws {@code e} as it is, checked or not: Spark's Scala code throws the checked SparkException
   * undeclared, and callers up the stack (the CLI's error handler, a Spark ML user) expect it unwrapped.
   */
  public static RuntimeException unchecked(Throwable e) {
    throw RunJobs.<RuntimeException>sneaky(e);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable e) throws E {
    throw (E) e;
  }

  private static String firstLine(String s) {
    int newline = s.indexOf('\n');
    return newline < 0 ? s : s.substring(0, newline);
  }

  @Override
  public void close() {
    if (previousGroup == null) {
      sc.clearJobGroup();
    } else {
      sc.sc().removeJobTag(runId);
    }
    sc.setJobDescription(previousDescription);
  }
}
