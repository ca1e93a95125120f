package org.sparkprop.spark;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.io.Checkpoint;
import org.sparkprop.io.CheckpointStore;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.Evaluator;
import org.sparkprop.train.Trainer;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * Trains a network on data that is already packed and cached, as a {@link TrainConfig} describes:
 * the network, the options, the initial weights, checkpoints and resumption come from the same
 * helpers as the {@code train} command's ({@link TrainingJob#networkSpec}, {@link TrainingJob#options},
 * {@link TrainingJob#initializer}, {@link TrainingCheckpoints}), and the loop is the same
 * {@link SparkGradientSource} and {@link Trainer}. Given the same rows in the same partitions and
 * the same configuration, the weights are therefore bit-identical to the command's. The Spark ML
 * estimators use it; {@link TrainingJob#run} wires the same pieces around its own outputs.
 */
public final class PackedTraining {

  /** The trained network and how the run went. */
  public record Outcome(NetworkSpec spec, TrainingResult result, boolean resumed) {
  }

  private PackedTraining() {
  }

  /**
   * @param validation  evaluated after every epoch and watched by early stopping; null for none
   * @param resume      continue from the newest checkpoint in {@code checkpoint.dir}, if there is one
   * @param listeners   observers of the loop, added in order
   */
  public static Outcome run(JavaSparkContext sc, TrainConfig cfg, PackedDataset train, PackedDataset validation,
                            boolean resume, List<TrainingListener> listeners) throws IOException {
    NetworkSpec spec = TrainingJob.networkSpec(cfg, train);
    CheckpointStore store = cfg.checkpoint().enabled()
        ? new CheckpointStore(cfg.checkpoint().dir(), sc.hadoopConfiguration(), cfg.checkpoint().keep()) : null;
    TrainingState start = null;
    if (resume) {
      if (store == null) {
        throw new IllegalArgumentException("resuming needs a checkpoint directory (checkpoint.dir)");
      }
      Optional<Checkpoint> latest = store.latest();
      if (latest.isPresent()) start = TrainingCheckpoints.toState(latest.get(), spec, cfg);
    }
    SparkGradientSource source = new SparkGradientSource(sc, train, spec, cfg.train().batchSize(),
        cfg.train().seed(), TrainingJob.CHUNK_ROWS, cfg.spark().treeFanIn());
    Evaluator evaluator = validation == null ? null
        : new SparkEvaluator(sc, validation, spec, TrainingJob.CHUNK_ROWS);
    TrainingCheckpoints.Sink sink = store == null ? null : new TrainingCheckpoints.Sink(store, cfg, spec);
    Trainer trainer = new Trainer(source, TrainingJob.options(cfg), evaluator, sink).monitorEvaluation(validation != null);
    for (TrainingListener l : listeners) trainer.addListener(l);
    boolean resumed = start != null;
    if (start == null) {
      float[] params = TrainingJob.initializer(cfg).initialise(spec, cfg.train().seed());
      start = TrainingState.initial(params, trainer.newOptimizer(params.length).snapshot());
    }
    return new Outcome(spec, trainer.run(start), resumed);
  }
}
