package org.sparkprop.driver;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.io.Checkpoint;
import org.sparkprop.io.CheckpointStore;
import org.sparkprop.io.TrainingCheckpoints;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.Evaluator;
import org.sparkprop.train.InProcessEvaluator;
import org.sparkprop.train.InProcessGradientSource;
import org.sparkprop.train.PartitionWorkers;
import org.sparkprop.train.TargetMetric;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * A training loop over sets held in the driver, prepared as {@code SparkTrainer.prepare} prepares
 * one over cached RDDs with the rounds on the driver: the same recipe (so checkpoints of either
 * path resume in the other), the same initial weights, the same gradient and evaluation code over
 * the same partitions, hence the same bits.
 */
public final class DriverTraining {
  private DriverTraining() {
  }

  /**
   * A loop ready to run: add listeners to {@code trainer}, then run it from {@code start}.
   *
   * @param resumedFrom the checkpoint it resumes from; empty when it starts afresh
   */
  public record Prepared(NetworkSpec spec, TrainingLoop trainer, TrainingState start, String resumedFrom,
                         List<JobRecipe.Change> changes, String kernel, TargetMetric target) {
  }

  /** The network {@code cfg} asks for, sized by the held training data. */
  public static NetworkSpec network(TrainConfig cfg, HeldSet train) {
    return TrainingRecipe.of(cfg).network(train.features(), train.classes(), train.targetWidth());
  }

  /**
   * @param evaluation evaluated after every epoch; null for none
   * @param evaluationIsValidation whether early stopping may watch {@code evaluation}
   * @param hadoop the configuration checkpoints are written through
   */
  public static Prepared prepare(TrainConfig cfg, NetworkSpec spec, HeldSet train, HeldSet evaluation,
                                 boolean evaluationIsValidation, Preprocessing preprocessing, ResumePolicy resume,
                                 Configuration hadoop) throws IOException {
    return prepare(cfg, spec, train, evaluation, evaluationIsValidation, preprocessing, resume, hadoop,
        PartitionWorkers.single());
  }

  /** As above, the rounds and evaluations computing their partitions on {@code workers}' threads (the same bits). */
  public static Prepared prepare(TrainConfig cfg, NetworkSpec spec, HeldSet train, HeldSet evaluation,
                                 boolean evaluationIsValidation, Preprocessing preprocessing, ResumePolicy resume,
                                 Configuration hadoop, PartitionWorkers workers) throws IOException {
    CheckpointStore store = cfg.checkpoint().enabled()
        ? new CheckpointStore(cfg.checkpoint().dir(), hadoop, cfg.checkpoint().keep()) : null;
    String kernel = Kernels.decide(cfg.math().kernel(), cfg.math().precision());
    Kernels.forJob(kernel, "the driver (its rounds run in it)"); // refused before any row is packed
    JobRecipe recipe = recipe(cfg, spec, train, preprocessing, kernel);
    TrainingState start = null;
    String resumedFrom = "";
    List<JobRecipe.Change> changes = List.of();
    if (resume.resumes()) {
      if (store == null) throw new IllegalArgumentException("resuming needs a checkpoint directory (checkpoint.dir)");
      Optional<Checkpoint> latest = store.latest();
      if (latest.isPresent()) {
        String name = store.list().get(0);
        TrainingCheckpoints.Resumed resumed = TrainingCheckpoints.resume(latest.get(), name, spec, cfg, recipe, resume);
        start = resumed.state();
        changes = resumed.changes();
        resumedFrom = name;
      }
    }
    InProcessGradientSource source = new InProcessGradientSource(train.byPartition(), train.rows(), train.targetWidth(),
        spec, cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS, cfg.spark().treeFanIn(), kernel,
        workers);
    Evaluator evaluator = evaluation == null ? null : new InProcessEvaluator(evaluation.byPartition(),
        evaluation.targetWidth(), evaluation.classes(), spec, TrainingRecipe.CHUNK_ROWS, target(preprocessing), workers);
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
    return new Prepared(spec, trainer, start, resumedFrom, changes, kernel, stopAt);
  }

  /** An evaluator of {@code data} in the driver, in the target's units. */
  public static Evaluator evaluator(HeldSet data, NetworkSpec spec, Preprocessing preprocessing) {
    return new InProcessEvaluator(data.byPartition(), data.targetWidth(), data.classes(), spec, TrainingRecipe.CHUNK_ROWS,
        target(preprocessing));
  }

  private static org.sparkprop.data.TargetScaling target(Preprocessing preprocessing) {
    return preprocessing == null ? org.sparkprop.data.TargetScaling.IDENTITY : preprocessing.target();
  }

  /** The facts of {@code SparkTrainer.recipe}: what decides the bits, so a checkpoint of either path resumes in the other. */
  static JobRecipe recipe(TrainConfig cfg, NetworkSpec spec, HeldSet train, Preprocessing preprocessing, String kernel) {
    Map<String, Object> facts = new TreeMap<>();
    facts.put("model.network", spec.describe());
    facts.put("data.trainRows", train.rows());
    facts.put("data.features", train.features());
    facts.put("spark.partitions", train.partitions());
    facts.put("math.kernel", kernel);
    if (preprocessing != null) facts.put(TrainingCheckpoints.PREPROCESSING, TrainingCheckpoints.preprocessingText(preprocessing));
    return JobRecipe.of(cfg, facts);
  }
}
