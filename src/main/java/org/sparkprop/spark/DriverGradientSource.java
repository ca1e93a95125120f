package org.sparkprop.spark;

import java.util.ArrayList;
import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.EpochPermutation;
import org.sparkprop.train.EpochPermutationCache;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientAccumulator;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.LocalStart;
import org.sparkprop.train.LocalStepPlan;
import org.sparkprop.train.LocalStepRunner;
import org.sparkprop.train.ModelAverage;
import org.sparkprop.train.PartitionModel;
import org.sparkprop.train.PartitionRound;

/**
 * The rounds of {@link SparkGradientSource} run in the driver process: the packed partitions are
 * collected once, and every round computes each partition's gradient in turn
 * ({@link PartitionRound#gradientInto}, as a task would, into accumulators kept from round to
 * round) and merges them in the same fixed order ({@link PartitionRound#merge}), so the weights
 * are bit-identical to running the rounds as Spark jobs with the same partitions, without a job's
 * fixed cost per round. For data small enough to hold on the driver (see {@link Execution}).
 */
public final class DriverGradientSource implements GradientSource {
  private final List<List<PackedBlock>> partitions; // by partition index: that partition's blocks
  private final DenseNetwork network;
  private final EpochPermutationCache permutations;
  private final Workspace workspace;
  private final int fanIn;
  private final List<GradientAccumulator> byPartition; // one per partition, emptied and refilled every round

  /**
   * @param collected {@code data}'s partitions on the driver ({@link PackedDataset#collectByPartition})
   * @param kernel the job's GEMM kernel: the driver computes with it, or refuses before training;
   *     the other arguments are those of {@link SparkGradientSource}
   */
  public DriverGradientSource(PackedDataset data, List<List<PackedBlock>> collected, NetworkSpec spec, int batchSize,
                              long seed, int chunkRows, int fanIn, String kernel) {
    this.partitions = collected;
    this.network = new DenseNetwork(spec, Kernels.forJob(kernel, "the driver (its rounds run in it)"));
    this.permutations = new EpochPermutationCache(new GlobalBatches(data.rows(), batchSize, seed));
    this.workspace = new Workspace(spec, data.targetWidth(), Math.min(chunkRows, batchSize));
    this.fanIn = Math.max(2, fanIn);
    this.byPartition = new ArrayList<>(collected.size());
    for (int p = 0; p < collected.size(); p++) byPartition.add(new GradientAccumulator(spec.parameterCount()));
  }

  @Override
  public GlobalBatches batches() {
    return permutations.batches();
  }

  @Override
  public LocalStepsResult computeLocalSteps(float[] params, OptimizerState state, LocalStepPlan plan) {
    GlobalBatches batches = permutations.batches();
    EpochPermutation permutation = permutations.of(plan.epoch());
    LocalStart start = new LocalStart(params, state);
    List<PartitionModel> models = new ArrayList<>(partitions.size());
    long computeNanos = 0;
    for (int p = 0; p < partitions.size(); p++) {
      PartitionModel model = LocalStepRunner.run(p, plan, start, network, partitions.get(p), batches, permutation,
          workspace, byPartition.get(p));
      computeNanos += model.computeNanos();
      models.add(model);
    }
    long m0 = System.nanoTime();
    ModelAverage average = ModelAverage.merge(models, fanIn);
    return new LocalStepsResult(average, 0, computeNanos, System.nanoTime() - m0);
  }

  @Override
  public RoundResult computeRound(float[] params, long epoch, long batch) {
    GlobalBatches batches = permutations.batches();
    EpochPermutation permutation = permutations.of(epoch);
    long computeNanos = 0;
    for (int p = 0; p < partitions.size(); p++) {
      computeNanos += PartitionRound.gradientInto(byPartition.get(p), network, params, partitions.get(p).iterator(),
          permutation, batches.start(batch), batches.end(batch), workspace).computeNanos();
    }
    long m0 = System.nanoTime();
    GradientAccumulator merged = PartitionRound.merge(byPartition, fanIn); // into byPartition's first, in place
    return new RoundResult(merged, 0, computeNanos, System.nanoTime() - m0);
  }
}
