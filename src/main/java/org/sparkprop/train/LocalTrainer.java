package org.sparkprop.train;

import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Gemm;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;

/**
 * The single-JVM reference trainer: the same loop and per-block code as the Spark trainer, with all
 * rows in one block. With the same seed, data and global batch size it follows the same trajectory
 * as the distributed trainer, up to float summation order.
 */
public final class LocalTrainer {
  /** Rows per forward/backward chunk; the Spark trainer uses the same value. */
  public static final int CHUNK_ROWS = 1024;

  private LocalTrainer() {
  }

  public static TrainingResult train(NetworkSpec spec, PackedBlock data, int batchSize, long seed,
                                     TrainingOptions options, Evaluator validation, TrainingListener... listeners) {
    return train(spec, data, batchSize, seed, options, validation, Kernels.gemm(), listeners);
  }

  public static TrainingResult train(NetworkSpec spec, PackedBlock data, int batchSize, long seed,
                                     TrainingOptions options, Evaluator validation, Gemm gemm,
                                     TrainingListener... listeners) {
    DenseNetwork network = new DenseNetwork(spec, gemm);
    float[] params = Initializer.defaultFor(spec.hiddenActivation()).initialise(spec, seed);
    try (LocalGradientSource source = new LocalGradientSource(network, data, batchSize, seed, CHUNK_ROWS)) {
      TrainingLoop trainer = new TrainingLoop(source, options, validation, null);
      for (TrainingListener l : listeners) trainer.addListener(l);
      return trainer.run(TrainingState.initial(params, trainer.newOptimizer(params.length).snapshot()));
    }
  }

  /** Evaluation statistics of parameters over a block. */
  public static EvaluationAccumulator evaluate(NetworkSpec spec, float[] params, PackedBlock data, int classes) {
    return LocalGradientSource.evaluator(new DenseNetwork(spec, Kernels.gemm()), data, classes, CHUNK_ROWS).evaluate(params);
  }
}
