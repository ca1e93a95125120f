package org.sparkprop.train;

import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.OptimizerState;

/** The single-JVM reference: every row in one block, one thread, the same per-block code as a Spark task. */
public final class LocalGradientSource implements GradientSource {
  private final DenseNetwork network;
  private final PackedBlock data;
  private final EpochPermutationCache permutations;
  private final Workspace workspace;
  private final GradientAccumulator accumulator;

  public LocalGradientSource(DenseNetwork network, PackedBlock data, int batchSize, long seed, int chunkRows) {
    this.network = network;
    this.data = data;
    this.permutations = new EpochPermutationCache(new GlobalBatches(data.rows, batchSize, seed));
    this.workspace = new Workspace(network.spec(), data.targetWidth, Math.min(chunkRows, batchSize));
    this.accumulator = new GradientAccumulator(network.spec().parameterCount());
  }

  @Override
  public GlobalBatches batches() {
    return permutations.batches();
  }

  @Override
  public RoundResult computeRound(float[] params, long epoch, long batch) {
    GlobalBatches batches = permutations.batches();
    accumulator.reset();
    accumulator.add(network, params, data, permutations.of(epoch), batches.start(batch), batches.end(batch), workspace);
    return new RoundResult(accumulator, 0, accumulator.computeNanos(), 0);
  }

  /** The whole data set is one partition: K local steps are K synchronous rounds, to the bit. */
  @Override
  public LocalStepsResult computeLocalSteps(float[] params, OptimizerState state, LocalStepPlan plan) {
    PartitionModel model = LocalStepRunner.run(0, plan, new LocalStart(params, state), network, List.of(data),
        permutations.batches(), permutations.of(plan.epoch()), workspace, accumulator);
    return new LocalStepsResult(new ModelAverage().add(model), 0, model.computeNanos(), 0);
  }

  /** An evaluator over a local block with the same network. */
  public static Evaluator evaluator(DenseNetwork network, PackedBlock block, int classes, int chunkRows) {
    Workspace ws = new Workspace(network.spec(), block.targetWidth, chunkRows);
    return params -> {
      EvaluationAccumulator acc = new EvaluationAccumulator(classes);
      acc.add(network, params, block, ws);
      return acc;
    };
  }
}
