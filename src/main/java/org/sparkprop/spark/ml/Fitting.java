package org.sparkprop.spark.ml;

import org.sparkprop.config.TrainingRecipe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.api.java.JavaSparkContext;
import java.io.PrintStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkprop.driver.DriverTraining;
import org.sparkprop.driver.HeldSet;
import org.sparkprop.driver.LocalLoader;
import org.sparkprop.spark.Execution;
import org.sparkprop.train.Evaluator;
import org.sparkprop.train.InProcessEvaluator;
import org.sparkprop.train.PartitionWorkers;
import org.sparkprop.spark.RowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.spark.RunJobs;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.input.FrameData;
import org.sparkprop.train.CancelledWorkException;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * The {@code fit} of both estimators: params to a validated {@link TrainConfig}, the DataFrame
 * packed and cached by the reader the {@code train} command uses for tables ({@link FrameData}),
 * the distributed loop of the {@code train} command ({@link SparkTrainer}), final metrics, and the
 * cache dropped again. A small DataFrame (packed rows up to {@code driverMaxBytes} under
 * {@code execution = auto}, any under {@code driver}) is instead collected in one Spark job and
 * packed, scaled, regrouped and trained in the driver process by the {@code train} command's
 * no-Spark steps ({@link LocalLoader}, {@link DriverTraining}) over the DataFrame's own partitions:
 * the same weights as Spark jobs, without a Spark job per step. A larger DataFrame's rounds go
 * where {@link Execution#decide} puts them (in local mode: the driver's threads, over the cached blocks).
 */
final class Fitting {
  private static final Logger LOG = LoggerFactory.getLogger(Fitting.class);

  private Fitting() {
  }

  static FittedNetwork fit(SparkpropParams estimator, Dataset<?> dataset, String featuresCol, String labelCol) {
    SparkpropParamSet params = estimator.sparkpropParamSet();
    TrainConfig cfg = params.toConfig(estimator);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    try (RunJobs jobs = RunJobs.start(sc, "fit", RunJobs.newRunId("fit"))) {
      return fit(estimator, params, cfg, sc, jobs, dataset, featuresCol, labelCol);
    }
  }

  private static FittedNetwork fit(SparkpropParams estimator, SparkpropParamSet params, TrainConfig cfg,
                                   JavaSparkContext sc, RunJobs jobs, Dataset<?> dataset, String featuresCol,
                                   String labelCol) {
    // Rows held out by their index in the DataFrame's order, as the train command holds out a file's.
    ValidationSplit split = new ValidationSplit(cfg.train().seed(), cfg.validationFraction());
    jobs.describe("packing the DataFrame");
    boolean classifier = params.task() == Task.CLASSIFICATION;
    SharedPacking shared = SHARED.get();
    List<Object> packingKey = List.of(featuresCol, labelCol, classifier, cfg.scalesTarget(), cfg.train().seed(),
        cfg.validationFraction(), DataSets.partitioning(cfg), cfg.spark().storageLevel(), cfg.data().weightColumn(),
        classifier ? cfg.train().classWeights() : "none", cfg.train().execution(), cfg.train().driverMaxBytes());
    FrameData.Options options = FrameData.Options.sparkMl(featuresCol, labelCol, classifier, cfg.scalesTarget(), split,
        DataSets.partitioning(cfg), RowStore.of(cfg.spark().storageLevel()))
        .withWeights(cfg.data().weightColumn(), cfg.train().parsedClassWeights());
    Supplier<Packed> pack = () -> Packed.of(dataset.toDF(), options, cfg.train());
    long started = System.nanoTime();
    Packed input = shared == null ? pack.get() : shared.packed.computeIfAbsent(packingKey, k -> pack.get());
    try {
      LOG.info("{} {}: fitting on {} (run {}, Spark job group {}; packed in {} s)", estimator.getClass().getSimpleName(),
          estimator.uid(), input.description(), jobs.runId(), jobs.jobGroup(), seconds(started));
      History history = new History(cfg.train().logEveryRounds());
      FittedNetwork fitted = input.held() != null ? fitHeld(estimator, params, cfg, sc, input, history)
          : fitCached(estimator, params, cfg, sc, jobs, input.frame(), history);
      LOG.info("{} {}: fitted in {} s from the fit's start", estimator.getClass().getSimpleName(), estimator.uid(),
          seconds(started));
      return fitted;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the checkpoints in " + cfg.checkpoint().dir(), e);
    } finally {
      if (shared == null) input.unpersist();
    }
  }

  /** The fit over packed rows cached by Spark: rounds as Spark jobs, or on the driver over the collected partitions. */
  private static FittedNetwork fitCached(SparkpropParams estimator, SparkpropParamSet params, TrainConfig cfg,
                                         JavaSparkContext sc, RunJobs jobs, FrameData input, History history)
      throws IOException {
    SparkTrainer.Prepared prepared = SparkTrainer.prepare(sc, cfg, SparkTrainer.network(TrainingRecipe.of(cfg),
        input.data()), input.data(), input.validation(), true, input.preprocessing(), params.resumePolicy(estimator),
        jobs);
    prepared.trainer().addListener(history);
    SparkTrainer.Outcome outcome = prepared.run();
    if (outcome.result().interrupted()) throw interrupted(estimator, cfg, jobs, outcome);
    jobs.describe("final metrics");
    Evaluator validation = input.validation() == null ? null : prepared.evaluator(input.validation());
    return finish(estimator, params, cfg, outcome, history, prepared.execution().describe(), prepared.kernel(),
        prepared.evaluator(input.data()), validation, input.data().rows(),
        input.validation() == null ? 0 : input.validation().rows(), input.data().partitions(), input.data().classes(),
        input.preprocessing().target());
  }

  /**
   * The fit over rows packed in the driver's heap ({@link LocalLoader}, as the {@code train} command's
   * no-Spark path packs files): rounds, evaluations and checkpoints of {@link DriverTraining}, the same
   * partitions, per-partition batches and ordered merge as Spark jobs over the cached rows, so the same bits.
   * In local mode a round's partitions are computed on as many of the driver's threads as the master has
   * cores, as Spark's tasks would be (the merge stays in partition order, so the threads do not change a bit).
   * No Spark job runs after the rows were collected, so cancelling the fit's job group does not reach it.
   */
  private static FittedNetwork fitHeld(SparkpropParams estimator, SparkpropParamSet params, TrainConfig cfg,
                                       JavaSparkContext sc, Packed input, History history) throws IOException {
    LocalLoader.Result held = input.held();
    try (PartitionWorkers workers = PartitionWorkers.of(driverThreads(sc))) {
      DriverTraining.Prepared prepared = DriverTraining.prepare(cfg, DriverTraining.network(cfg, held.main()),
          held.main(), held.validation(), true, held.preprocessing(), params.resumePolicy(estimator),
          sc.hadoopConfiguration(), workers);
      LOG.info("rounds run {}, on {} thread(s)", input.where().sentence(), workers.threads());
      prepared.trainer().addListener(history);
      TrainingResult result = prepared.trainer().run(prepared.start());
      String written = prepared.trainer().lastCheckpoint();
      SparkTrainer.Outcome outcome = new SparkTrainer.Outcome(prepared.spec(), result, !prepared.resumedFrom().isEmpty(),
          prepared.changes(), written.isEmpty() ? prepared.resumedFrom() : written);
      if (result.interrupted()) throw interrupted(estimator, cfg, null, outcome);
      TargetScaling target = held.preprocessing().target();
      Evaluator validation = held.validation() == null ? null : heldEvaluator(held.validation(), prepared, target, workers);
      return finish(estimator, params, cfg, outcome, history, input.where().describe(), prepared.kernel(),
          heldEvaluator(held.main(), prepared, target, workers), validation, held.main().rows(),
          held.validation() == null ? 0 : held.validation().rows(), held.main().partitions(), held.main().classes(),
          target);
    }
  }

  /** The threads a fit on the driver computes a round's partitions on: the local master's cores, else 1. */
  static int driverThreads(JavaSparkContext sc) {
    return sc.isLocal() ? Execution.localCores(sc.master()) : 1;
  }

  /** The final metrics over held rows, computed on the fit's threads. */
  private static Evaluator heldEvaluator(HeldSet data, DriverTraining.Prepared prepared, TargetScaling target,
                                         PartitionWorkers workers) {
    return new InProcessEvaluator(data.byPartition(), data.targetWidth(), data.classes(), prepared.spec(),
        TrainingRecipe.CHUNK_ROWS, target, workers);
  }

  private static String seconds(long sinceNanos) {
    return String.format(Locale.ROOT, "%.3f", (System.nanoTime() - sinceNanos) / 1e9);
  }

  /** Final metrics, the summary and the fitted network, wherever the rounds ran. */
  private static FittedNetwork finish(SparkpropParams estimator, SparkpropParamSet params, TrainConfig cfg,
                                      SparkTrainer.Outcome outcome, History history, String execution, String kernel,
                                      Evaluator training, Evaluator validation, long trainingRows, long validationRows,
                                      int partitions, int classes, TargetScaling target) {
    TrainingResult result = outcome.result();
    float[] weights = result.params();
    Map<String, Double> trainingMetrics = training.evaluate(weights).metrics();
    Map<String, Double> validationMetrics = validation == null ? Map.of() : validation.evaluate(weights).metrics();
    SparkpropTrainingSummary summary = new SparkpropTrainingSummary(outcome.spec().describe(), result.epochs(),
        result.rounds(), result.stopReason().configName(), result.bestEpoch(), execution, outcome.resumed(), kernel,
        outcome.changes(), history.losses(), history.validation, trainingMetrics, validationMetrics, trainingRows,
        validationRows, partitions, result.samplesPerSecond(), result.loopSeconds(), result.meanSplitMs(),
        WeightsDigest.sha256(weights));
    LOG.info("{} {}: {} epochs ({}), {} rounds, training {}{}", estimator.getClass().getSimpleName(), estimator.uid(),
        result.epochs(), result.stopReason().description(), result.rounds(), trainingMetrics,
        validationMetrics.isEmpty() ? "" : ", validation " + validationMetrics);
    if (!outcome.changes().isEmpty()) {
      LOG.warn("{} {}: resumed with changes to the checkpoint's recipe (the fit does not repeat an uninterrupted"
          + " one bit for bit): {}", estimator.getClass().getSimpleName(), estimator.uid(), outcome.changes());
    }
    return new FittedNetwork(outcome.spec(), weights, classes, target, summary, provenance(cfg, params));
  }

  /**
   * A DataFrame packed for fitting: cached by Spark ({@code frame}), or, when {@link Execution#decideForFrame}
   * says so, collected in one job and packed in the driver's heap ({@code held}); {@code where} says
   * which and why.
   */
  private record Packed(FrameData frame, LocalLoader.Result held, Execution where) {
    static Packed of(Dataset<Row> df, FrameData.Options options, TrainConfig.Train train) {
      Execution where = null;
      if (train.execution() != TrainConfig.Execution.SPARK) {
        FrameData.DriverTable table = FrameData.forDriver(df, options);
        // Under auto, rows are collected only when driverMaxBytes holds them packed: a larger DataFrame is left to Spark.
        long maxRows = train.execution() == TrainConfig.Execution.DRIVER ? Integer.MAX_VALUE
            : Math.min(Integer.MAX_VALUE - 1, train.driverMaxBytes() / table.rowBytes());
        FrameData.Collected rows = table.collect(maxRows);
        where = Execution.decideForFrame(train, rows == null ? -1 : rows.rows(), table.rowBytes());
        if (where.onDriver() && rows != null) { // under driver, more than 2^31 rows still go to Spark's packing
          LocalLoader.LocalInput local = new LocalLoader.LocalInput(table.name(), rows.partitions(), table.rules(),
              table.schema());
          LocalLoader.Plan plan = new LocalLoader.Plan(options.skipBadRows(), options.maxBadFraction(), null,
              options.scaling(), options.scaleTarget(), options.split(), options.partitions(), options.classWeights(),
              FrameData.BAD_ROW_ADVICE);
          LOG.info("the DataFrame is packed {}", where.sentence());
          return new Packed(null, LocalLoader.load(local, plan, new PrintStream(PrintStream.nullOutputStream())), where);
        }
        LOG.info("the DataFrame is packed by Spark jobs ({})", where.describe());
      }
      return new Packed(FrameData.fit(df, options, null), null, where);
    }

    String description() {
      return held != null ? held.main().description() : frame.data().description();
    }

    void unpersist() {
      if (frame != null) frame.unpersist();
    }
  }

  /**
   * The fits of {@code each} (one per param map, in order, each a plain {@code fit} of the
   * estimator's copy) with the DataFrame read, packed and cached once for every distinct way of
   * packing it (columns, task, target scaling, validation split, partitions, storage level), not once
   * per fit: Spark ML's {@code fit(dataset, paramMaps)}, for a grid of settings on the same data. The
   * packed rows are the same as each fit would pack for itself, so every model has the weights its
   * own {@code fit} would give. The packed data is dropped when the last fit ends.
   */
  static <M> List<M> fitEach(List<ParamMap> paramMaps, Function<ParamMap, M> each) {
    if (SHARED.get() != null) throw new IllegalStateException("fit(dataset, paramMaps) inside another one");
    SharedPacking shared = new SharedPacking();
    SHARED.set(shared);
    try {
      List<M> models = new ArrayList<>(paramMaps.size());
      for (ParamMap m : paramMaps) models.add(each.apply(m));
      return models;
    } finally {
      SHARED.remove();
      shared.packed.values().forEach(Packed::unpersist);
    }
  }

  /**
   * The packed DataFrames of one {@link #fitEach} call, by how they were packed; set for the thread
   * that makes the fits, for as long as they last.
   */
  private static final ThreadLocal<SharedPacking> SHARED = new ThreadLocal<>();

  private static final class SharedPacking {
    final Map<List<Object>, Packed> packed = new HashMap<>();
  }

  /**
   * A fit whose job group was cancelled stops at a round boundary like the train command, with a
   * checkpoint when checkpointDir is set, and ends in this exception rather than a half-trained model.
   */
  private static CancelledWorkException interrupted(SparkpropParams estimator, TrainConfig cfg, RunJobs jobs,
                                                    SparkTrainer.Outcome outcome) {
    TrainingResult r = outcome.result();
    String checkpoint = outcome.lastCheckpoint();
    String how = checkpoint.isEmpty()
        ? (cfg.checkpoint().enabled() ? "no round completed, nothing to resume" : "set checkpointDir to make it resumable")
        : "checkpoint " + checkpoint + "; fit again with resume = true to continue";
    return new CancelledWorkException(String.format(Locale.ROOT, "%s %s: fit interrupted after round %,d (%s%s); %s",
        estimator.getClass().getSimpleName(), estimator.uid(), r.rounds(), r.interruption(),
        jobs == null ? "; rounds in the driver process" : "; Spark job group " + jobs.jobGroup(), how), null);
  }

  /** The configuration keys the params stand for, with their values: how the model was made. */
  private static Map<String, Object> provenance(TrainConfig cfg, SparkpropParamSet params) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, Object> e : cfg.resolved().entrySet()) {
      if (params.isBound(e.getKey())) out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** Records the loss and validation metrics of every epoch, and logs progress. */
  private static final class History implements TrainingListener {
    private final int logEveryRounds;
    private final List<Double> losses = new ArrayList<>();
    private final List<Map<String, Double>> validation = new ArrayList<>();

    History(int logEveryRounds) {
      this.logEveryRounds = logEveryRounds;
    }

    @Override
    public void onRound(RoundEvent e) {
      if ((e.round() + 1) % logEveryRounds == 0) {
        LOG.info(String.format(Locale.ROOT, "epoch %d, round %,d: loss %.5f, learning rate %.3g", e.epoch() + 1,
            e.round() + 1, e.loss(), e.learningRate()));
      }
    }

    @Override
    public void onEpoch(EpochEvent e) {
      losses.add(e.trainLoss());
      if (e.validation() != null) validation.add(e.validation());
      LOG.debug("epoch {}: training loss {}, validation {}", e.epoch() + 1, e.trainLoss(), e.validation());
    }

    double[] losses() {
      return losses.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }
}
