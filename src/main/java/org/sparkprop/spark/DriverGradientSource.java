package org.sparkprop.spark;

import java.util.ArrayList;
import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.EpochPermutation;
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
  private final GlobalBatches batches;
  private final Workspace workspace;
  private final int fanIn;
  private long permutationEpoch = -1;
  private EpochPermutation permutation;

  /** Collects {@code data}'s partitions to the driver (one Spark job); the arguments are those of {@link SparkGradientSource}. */
  public DriverGradientSource(PackedDataset data, NetworkSpec spec, int batchSize, long seed, int chunkRows, int fanIn) {
    this.partitions = data.collectByPartition();
    this.network = new DenseNetwork(spec, Kernels.gemm());
    this.batches = new GlobalBatches(data.rows(), batchSize, seed);
    this.workspace = new Workspace(spec, data.targetWidth(), Math.min(chunkRows, batchSize));
    this.fanIn = Math.max(2, fanIn);
  }

  @Override
  public GlobalBatches batches() {
    return batches;
  }

  @Override
  public RoundResult computeRound(float[] params, long epoch, long batch) {
    if (epoch != permutationEpoch) {
      permutation = batches.permutation(epoch);
      permutationEpoch = epoch;
    }
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
