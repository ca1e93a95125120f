package org.sparkprop.spark;

import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.io.TrainingCheckpoints;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.io.Checkpoint;
import org.sparkprop.io.CheckpointStore;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.NetworkSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.train.Evaluator;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.InProcessEvaluator;
import org.sparkprop.train.InProcessGradientSource;
import org.sparkprop.train.PartitionWorkers;
import org.sparkprop.train.TargetMetric;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * Trains a network on data that is already packed and cached, as a {@link TrainConfig} describes:
 * the network, the options, the initial weights, checkpoints and resumption come from the same
 * recipe as the {@code train} command's ({@link TrainingRecipe}, {@link TrainingCheckpoints}), and
 * the loop is the same
 * {@link TrainingLoop} over a {@link SparkGradientSource}, or over a {@link InProcessGradientSource} when
 * {@link Execution} puts the rounds on the driver (the same bits either way). Given the same rows in the same partitions and
 * the same configuration, the weights are therefore bit-identical to the command's: both the
 * {@code train} command and the Spark ML estimators start their loop here.
 */
public final class SparkTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

  /**
   * The trained network and how the run went: the recipe changes accepted to resume, and
   * {@code lastCheckpoint}, where a resume would start (this run's newest checkpoint, else the one
   * it resumed from; empty for none).
   */
  public record Outcome(NetworkSpec spec, TrainingResult result, boolean resumed, List<JobRecipe.Change> changes,
                        String lastCheckpoint) {
  }

  /**
   * A loop ready to run: the trainer (add listeners before {@link #run}), where it starts, the
   * checkpoint it resumes from (empty when it starts afresh) and the recipe changes accepted to
   * resume from it (empty unless {@link ResumePolicy#WITH_CHANGES} allowed some), and the job's GEMM
   * kernel ({@link #kernel}).
   */
  public record Prepared(NetworkSpec spec, TrainingLoop trainer, TrainingState start, String resumedFrom,
                         List<JobRecipe.Change> changes, Execution execution, Evaluators evaluators, String kernel,
                         TargetMetric target) {
    public Outcome run() {
      TrainingResult result = trainer.run(start);
      String written = trainer.lastCheckpoint();
      return new Outcome(spec, result, !resumedFrom.isEmpty(), changes, written.isEmpty() ? resumedFrom : written);
    }

    /** An evaluator of {@code data} where this run's rounds run, in the target's units. */
    public Evaluator evaluator(PackedDataset data) {
      return evaluators.of(data);
    }
  }

  /**
   * Evaluators of this run's network, on the driver or as Spark jobs as the run's {@link Execution}
   * says. On the driver a data set's partitions are held there once (one Spark job: the cached
   * blocks themselves in local mode, {@link PackedDataset#onDriver}) and kept for every later
   * evaluation of it, the training set's shared with the rounds; the rounds and the evaluations
   * compute their partitions on the same driver threads ({@link PartitionWorkers}).
   */
  public static final class Evaluators {
    private final JavaSparkContext sc;
    private final NetworkSpec spec;
    private final TargetScaling target;
    private final boolean onDriver;
    private final PartitionWorkers workers;
    private final Map<PackedDataset, List<List<PackedBlock>>> collected = new IdentityHashMap<>();

    Evaluators(JavaSparkContext sc, NetworkSpec spec, TargetScaling target, Execution execution) {
      this.sc = sc;
      this.spec = spec;
      this.target = target;
      this.onDriver = execution.onDriver();
      this.workers = onDriver ? PartitionWorkers.of(execution.threads()) : PartitionWorkers.single();
    }

    public Evaluator of(PackedDataset data) {
      return onDriver ? new InProcessEvaluator(onDriver(data), data.targetWidth(), data.classes(), spec,
          TrainingRecipe.CHUNK_ROWS, target, workers)
          : new SparkEvaluator(sc, data, spec, TrainingRecipe.CHUNK_ROWS, target);
    }

    /** {@code data}'s partitions on the driver, held there on first use. */
    List<List<PackedBlock>> onDriver(PackedDataset data) {
      return collected.computeIfAbsent(data, PackedDataset::onDriver);
    }

    /** The driver threads the run's rounds and evaluations compute their partitions on. */
    PartitionWorkers workers() {
      return workers;
    }
  }

  private SparkTrainer() {
  }

  /**
   * @param evaluation    evaluated after every epoch; null for none
   * @param evaluationIsValidation whether early stopping may watch {@code evaluation} (not a test set)
   * @param preprocessing saved in checkpoints and checked on resume; null when the caller's
   *                      pipeline does its own (Spark ML)
   * @param resume        whether to continue from the newest checkpoint in {@code checkpoint.dir}, if
   *                      there is one, and whether its recipe may differ from this run's
   */
  public static Prepared prepare(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, PackedDataset train,
                                 PackedDataset evaluation, boolean evaluationIsValidation,
                                 Preprocessing preprocessing, boolean resume) throws IOException {
    return prepare(sc, cfg, spec, train, evaluation, evaluationIsValidation, preprocessing, ResumePolicy.of(resume), null);
  }

  /** As above, with the resume policy spelled out ({@link ResumePolicy#WITH_CHANGES} accepts a changed recipe). */
  public static Prepared prepare(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, PackedDataset train,
                                 PackedDataset evaluation, boolean evaluationIsValidation,
                                 Preprocessing preprocessing, ResumePolicy resume) throws IOException {
    return prepare(sc, cfg, spec, train, evaluation, evaluationIsValidation, preprocessing, resume, null);
  }

  /**
   * As above, with the rounds' and evaluations' jobs labelled as those of run {@code jobs} (null for
   * unlabelled jobs), so that cancelling its job group stops the loop at a round boundary.
   */
  public static Prepared prepare(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, PackedDataset train,
                                 PackedDataset evaluation, boolean evaluationIsValidation,
                                 Preprocessing preprocessing, ResumePolicy resume, RunJobs jobs) throws IOException {
    CheckpointStore store = cfg.checkpoint().enabled()
        ? new CheckpointStore(cfg.checkpoint().dir(), sc.hadoopConfiguration(), cfg.checkpoint().keep()) : null;
    String kernel = kernel(sc, cfg);
    JobRecipe recipe = recipe(cfg, spec, train, preprocessing, kernel);
    TrainingState start = null;
    String resumedFrom = "";
    List<JobRecipe.Change> changes = List.of();
    if (resume.resumes()) {
      if (store == null) {
        throw new IllegalArgumentException("resuming needs a checkpoint directory (checkpoint.dir)");
      }
      Optional<Checkpoint> latest = store.latest();
      if (latest.isPresent()) {
        String name = store.list().get(0);
        TrainingCheckpoints.Resumed resumed = TrainingCheckpoints.resume(latest.get(), name, spec, cfg, recipe, resume);
        start = resumed.state();
        changes = resumed.changes();
        resumedFrom = name;
      }
    }
    Execution execution = Execution.decide(cfg.train(), train);
    TargetScaling target = preprocessing == null ? TargetScaling.IDENTITY : preprocessing.target();
    Evaluators evaluators = new Evaluators(sc, spec, target, execution);
    GradientSource source = execution.onDriver()
        ? new InProcessGradientSource(evaluators.onDriver(train), train.rows(), train.targetWidth(), spec,
            cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS, cfg.spark().treeFanIn(), kernel,
            evaluators.workers())
        : new SparkGradientSource(sc, train, spec, cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS,
            cfg.spark().treeFanIn(), kernel);
    Evaluator evaluator = evaluation == null ? null : evaluators.of(evaluation);
    if (jobs != null) {
      source = jobs.rounds(source, cfg.train().epochLimit(), cfg.train().maxRounds());
      if (evaluator != null) evaluator = jobs.evaluations(evaluator, evaluationIsValidation ? "validation" : "test");
    }
    TrainingCheckpoints.Sink sink = store == null ? null
        : new TrainingCheckpoints.Sink(store, cfg, spec, preprocessing, recipe);
    TrainingLoop trainer = new TrainingLoop(source, TrainingRecipe.of(cfg).options(), evaluator, sink)
        .monitorEvaluation(evaluationIsValidation);
    TargetMetric stopAt = cfg.train().stopTarget().orElse(null);
    if (stopAt != null) trainer.addListener(stopAt);
    if (start == null) {
      float[] params = TrainingRecipe.of(cfg).initializer().initialise(spec, cfg.train().seed());
      start = TrainingState.initial(params, trainer.newOptimizer(params.length).snapshot());
    }
    LOG.info("rounds run {}", execution.sentence());
    return new Prepared(spec, trainer, start, resumedFrom, changes, execution, evaluators, kernel, stopAt);
  }

  /**
   * What decides this run's bits: the configuration and what the data and the cluster decided
   * (the network, rows, partitions, GEMM kernel, preprocessing).
   */
  static JobRecipe recipe(TrainConfig cfg, NetworkSpec spec, PackedDataset train, Preprocessing preprocessing,
                          String kernel) {
    Map<String, Object> facts = new TreeMap<>();
    facts.put("model.network", spec.describe());
    facts.put("data.trainRows", train.rows());
    facts.put("data.features", train.features());
    facts.put("spark.partitions", train.partitions());
    facts.put("math.kernel", kernel);
    if (preprocessing != null) facts.put(TrainingCheckpoints.PREPROCESSING, TrainingCheckpoints.preprocessingText(preprocessing));
    return JobRecipe.of(cfg, facts);
  }

  /**
   * The job's GEMM kernel ({@link Kernels#decide}). In local mode the tasks run in this JVM, so a
   * kernel it cannot run is refused here, before any data is read.
   */
  public static String kernel(JavaSparkContext sc, TrainConfig cfg) {
    String kernel = Kernels.decide(cfg.math().kernel(), cfg.math().precision());
    if (sc.isLocal()) Kernels.forJob(kernel, "the driver (local mode runs the tasks in it)");
    return kernel;
  }

  /** The network {@code recipe} asks for, sized by the packed training data. */
  public static NetworkSpec network(TrainingRecipe recipe, PackedDataset train) {
    return recipe.network(train.features(), train.classes(), train.targetWidth());
  }

  /**
   * Trains on a training set with an optional validation set, without preprocessing of its own.
   *
   * @param validation  evaluated after every epoch and watched by early stopping; null for none
   * @param resume      whether to continue from the newest checkpoint in {@code checkpoint.dir}
   * @param listeners   observers of the loop, added in order
   */
  public static Outcome run(JavaSparkContext sc, TrainConfig cfg, PackedDataset train, PackedDataset validation,
                            ResumePolicy resume, List<TrainingListener> listeners) throws IOException {
    return run(sc, cfg, train, validation, resume, listeners, null);
  }

  /** As above, with the jobs labelled as run {@code jobs}'s (null for unlabelled jobs). */
  public static Outcome run(JavaSparkContext sc, TrainConfig cfg, PackedDataset train, PackedDataset validation,
                            ResumePolicy resume, List<TrainingListener> listeners, RunJobs jobs) throws IOException {
    Prepared prepared = prepare(sc, cfg, network(TrainingRecipe.of(cfg), train), train, validation, validation != null,
        null, resume, jobs);
    for (TrainingListener l : listeners) prepared.trainer().addListener(l);
    return prepared.run();
  }
}
