package org.sparkprop.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.OptimizerState;

/**
 * The rounds of a data-parallel run computed in this process over partitions held in its heap:
 * every round computes each partition's gradient in turn ({@link PartitionRound#gradientInto}, as
 * a Spark task would, into accumulators kept from round to round) and merges them in the same
 * fixed order ({@link PartitionRound#merge}), so the weights are bit-identical to running the
 * rounds as Spark jobs over the same partitions. The Spark trainer's driver execution collects the
 * partitions of a cached data set into it; a run without Spark packs them in the driver.
 */
public final class InProcessGradientSource implements GradientSource {
  private final List<List<PackedBlock>> partitions; // by partition index: that partition's blocks
  private final DenseNetwork network;
  private final EpochPermutationCache permutations;
  private final Workspace workspace;
  private final int fanIn;
  private final List<GradientAccumulator> byPartition; // one per partition, emptied and refilled every round

  /**
   * @param partitions by partition index: that partition's blocks, each a contiguous range of the
   *     {@code rows} global row indices, in partition order
   * @param kernel the job's GEMM kernel: this process computes with it, or refuses before training
   */
  public InProcessGradientSource(List<List<PackedBlock>> partitions, long rows, int targetWidth, NetworkSpec spec,
                                 int batchSize, long seed, int chunkRows, int fanIn, String kernel) {
    this.partitions = partitions;
    this.network = new DenseNetwork(spec, Kernels.forJob(kernel, "the driver (its rounds run in it)"));
    this.permutations = new EpochPermutationCache(new GlobalBatches(rows, batchSize, seed));
    this.workspace = new Workspace(spec, targetWidth, Math.min(chunkRows, batchSize));
    this.fanIn = Math.max(2, fanIn);
    this.byPartition = new ArrayList<>(partitions.size());
    for (int p = 0; p < partitions.size(); p++) byPartition.add(new GradientAccumulator(spec.parameterCount()));
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
