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
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientAccumulator;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.PartitionRound;

/**
 * The rounds of {@link SparkGradientSource} run in the driver process: the packed partitions are
 * collected once, and every round computes each partition's gradient in turn
 * ({@link PartitionRound#gradient}, as a task would) and merges them in the same fixed order
 * ({@link PartitionRound#merge}), so the weights are bit-identical to running the rounds as Spark
 * jobs with the same partitions, without a job's fixed cost per round. For data small enough to
 * hold on the driver (see {@link Execution}).
 */
public final class DriverGradientSource implements GradientSource {
  private final List<List<PackedBlock>> partitions; // by partition index: that partition's blocks
  private final DenseNetwork network;
  private final EpochPermutationCache permutations;
  private final Workspace workspace;
  private final int fanIn;

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
  }

  @Override
  public GlobalBatches batches() {
    return permutations.batches();
  }

  @Override
  public RoundResult computeRound(float[] params, long epoch, long batch) {
    GlobalBatches batches = permutations.batches();
    EpochPermutation permutation = permutations.of(epoch);
    List<GradientAccumulator> parts = new ArrayList<>(partitions.size());
    for (List<PackedBlock> blocks : partitions) {
      parts.add(PartitionRound.gradient(network, params, blocks.iterator(), permutation, batches.start(batch),
          batches.end(batch), workspace));
    }
    long computeNanos = parts.stream().mapToLong(GradientAccumulator::computeNanos).sum();
    long m0 = System.nanoTime();
    GradientAccumulator merged = PartitionRound.merge(parts, fanIn);
    return new RoundResult(merged, 0, computeNanos, System.nanoTime() - m0);
  }
}
