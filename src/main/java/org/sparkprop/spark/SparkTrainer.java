package org.sparkprop.spark;

import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.io.TrainingCheckpoints;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.io.Checkpoint;
import org.sparkprop.io.CheckpointStore;
import org.sparkprop.nn.NetworkSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.train.Evaluator;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * Trains a network on data that is already packed and cached, as a {@link TrainConfig} describes:
 * the network, the options, the initial weights, checkpoints and resumption come from the same
 * recipe as the {@code train} command's ({@link TrainingRecipe}, {@link TrainingCheckpoints}), and
 * the loop is the same
 * {@link TrainingLoop} over a {@link SparkGradientSource}, or over a {@link DriverGradientSource} when
 * {@link Execution} puts the rounds on the driver (the same bits either way). Given the same rows in the same partitions and
 * the same configuration, the weights are therefore bit-identical to the command's: both the
 * {@code train} command and the Spark ML estimators start their loop here.
 */
public final class SparkTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

  /**
   * The trained network and how the run went; {@code lastCheckpoint} is where a resume would start
   * (this run's newest checkpoint, else the one it resumed from; empty for none).
   */
  public record Outcome(NetworkSpec spec, TrainingResult result, boolean resumed, String lastCheckpoint) {
  }

  /**
   * A loop ready to run: the trainer (add listeners before {@link #run}), where it starts, and the
   * checkpoint it resumes from (empty when it starts afresh).
   */
  public record Prepared(NetworkSpec spec, TrainingLoop trainer, TrainingState start, String resumedFrom,
                         Execution execution, Evaluators evaluators) {
    public Outcome run() {
      TrainingResult result = trainer.run(start);
      String written = trainer.lastCheckpoint();
      return new Outcome(spec, result, !resumedFrom.isEmpty(), written.isEmpty() ? resumedFrom : written);
    }

    /** An evaluator of {@code data} where this run's rounds run, in the target's units. */
    public Evaluator evaluator(PackedDataset data) {
      return evaluators.of(data);
    }
  }

  /** Evaluators of this run's network, on the driver or as Spark jobs as the run's {@link Execution} says. */
  public record Evaluators(JavaSparkContext sc, NetworkSpec spec, TargetScaling target, boolean onDriver) {
    public Evaluator of(PackedDataset data) {
      return onDriver ? new DriverEvaluator(data, spec, TrainingRecipe.CHUNK_ROWS, target)
          : new SparkEvaluator(sc, data, spec, TrainingRecipe.CHUNK_ROWS, target);
    }
  }

  private SparkTrainer() {
  }

  /**
   * @param evaluation    evaluated after every epoch; null for none
   * @param evaluationIsValidation whether early stopping may watch {@code evaluation} (not a test set)
   * @param preprocessing saved in checkpoints and checked on resume; null when the caller's
   *                      pipeline does its own (Spark ML)
   * @param resume        continue from the newest checkpoint in {@code checkpoint.dir}, if there is one
   */
  public static Prepared prepare(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, PackedDataset train,
                                 PackedDataset evaluation, boolean evaluationIsValidation,
                                 Preprocessing preprocessing, boolean resume) throws IOException {
    return prepare(sc, cfg, spec, train, evaluation, evaluationIsValidation, preprocessing, resume, null);
  }

  /**
   * As above, with the rounds' and evaluations' jobs labelled as those of run {@code jobs} (null for
   * unlabelled jobs), so that cancelling its job group stops the loop at a round boundary.
   */
  public static Prepared prepare(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, PackedDataset train,
                                 PackedDataset evaluation, boolean evaluationIsValidation,
                                 Preprocessing preprocessing, boolean resume, RunJobs jobs) throws IOException {
    CheckpointStore store = cfg.checkpoint().enabled()
        ? new CheckpointStore(cfg.checkpoint().dir(), sc.hadoopConfiguration(), cfg.checkpoint().keep()) : null;
    TrainingState start = null;
    String resumedFrom = "";
    if (resume) {
      if (store == null) {
        throw new IllegalArgumentException("resuming needs a checkpoint directory (checkpoint.dir)");
      }
      Optional<Checkpoint> latest = store.latest();
      if (latest.isPresent()) {
        start = TrainingCheckpoints.toState(latest.get(), spec, cfg, preprocessing);
        resumedFrom = store.list().get(0);
      }
    }
    Execution execution = Execution.decide(cfg.train(), train);
    GradientSource source = execution.onDriver()
        ? new DriverGradientSource(train, spec, cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS,
            cfg.spark().treeFanIn())
        : new SparkGradientSource(sc, train, spec, cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS,
            cfg.spark().treeFanIn());
    TargetScaling target = preprocessing == null ? TargetScaling.IDENTITY : preprocessing.target();
    Evaluators evaluators = new Evaluators(sc, spec, target, execution.onDriver());
    Evaluator evaluator = evaluation == null ? null : evaluators.of(evaluation);
    if (jobs != null) {
      source = jobs.rounds(source, cfg.train().epochLimit(), cfg.train().maxRounds());
      if (evaluator != null) evaluator = jobs.evaluations(evaluator, evaluationIsValidation ? "validation" : "test");
    }
    TrainingCheckpoints.Sink sink = store == null ? null : new TrainingCheckpoints.Sink(store, cfg, spec, preprocessing);
    TrainingLoop trainer = new TrainingLoop(source, TrainingRecipe.of(cfg).options(), evaluator, sink)
        .monitorEvaluation(evaluationIsValidation);
    if (start == null) {
      float[] params = TrainingRecipe.of(cfg).initializer().initialise(spec, cfg.train().seed());
      start = TrainingState.initial(params, trainer.newOptimizer(params.length).snapshot());
    }
    LOG.info("rounds run on the {}", execution.describe());
    return new Prepared(spec, trainer, start, resumedFrom, execution, evaluators);
  }

  /** The network {@code recipe} asks for, sized by the packed training data. */
  public static NetworkSpec network(TrainingRecipe recipe, PackedDataset train) {
    return recipe.network(train.features(), train.classes(), train.targetWidth());
  }

  /**
   * Trains on a training set with an optional validation set, without preprocessing of its own.
   *
   * @param validation  evaluated after every epoch and watched by early stopping; null for none
   * @param resume      continue from the newest checkpoint in {@code checkpoint.dir}, if there is one
   * @param listeners   observers of the loop, added in order
   */
  public static Outcome run(JavaSparkContext sc, TrainConfig cfg, PackedDataset train, PackedDataset validation,
                            boolean resume, List<TrainingListener> listeners) throws IOException {
    return run(sc, cfg, train, validation, resume, listeners, null);
  }

  /** As above, with the jobs labelled as run {@code jobs}'s (null for unlabelled jobs). */
  public static Outcome run(JavaSparkContext sc, TrainConfig cfg, PackedDataset train, PackedDataset validation,
                            boolean resume, List<TrainingListener> listeners, RunJobs jobs) throws IOException {
    Prepared prepared = prepare(sc, cfg, network(TrainingRecipe.of(cfg), train), train, validation, validation != null,
        null, resume, jobs);
    for (TrainingListener l : listeners) prepared.trainer().addListener(l);
    return prepared.run();
  }
}
