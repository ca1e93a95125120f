package org.sparkprop.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.OptimizerState;

/**
 * The rounds of a data-parallel run computed in this process over partitions held in its heap:
 * every round computes each partition's gradient ({@link PartitionRound#gradientInto}, as a Spark
 * task would, into accumulators kept from round to round), on the threads of its
 * {@link PartitionWorkers} (one workspace each), and merges them on the calling thread in the same
 * fixed order ({@link PartitionRound#merge}), so the weights are bit-identical to running the rounds
 * as Spark jobs over the same partitions, whatever the number of threads. The Spark trainer's
 * driver execution holds the partitions of a cached data set in it; a run without Spark packs them
 * in the driver.
 */
public final class InProcessGradientSource implements GradientSource {
  private final List<List<PackedBlock>> partitions; // by partition index: that partition's blocks
  private final DenseNetwork network;
  private final EpochPermutationCache permutations;
  private final PartitionWorkers workers;
  private final Workspace[] workspaces; // by worker
  private final long[] workerComputeNanos; // by worker, this round's; each written by its worker only
  private final int fanIn;
  private final List<GradientAccumulator> byPartition; // one per partition, emptied and refilled every round
  private final PartitionModel[] models; // by partition, this local-step round's

  /**
   * On the calling thread only.
   *
   * @param partitions by partition index: that partition's blocks, each a contiguous range of the
   *     {@code rows} global row indices, in partition order
   * @param kernel the job's GEMM kernel: this process computes with it, or refuses before training
   */
  public InProcessGradientSource(List<List<PackedBlock>> partitions, long rows, int targetWidth, NetworkSpec spec,
                                 int batchSize, long seed, int chunkRows, int fanIn, String kernel) {
    this(partitions, rows, targetWidth, spec, batchSize, seed, chunkRows, fanIn, kernel, PartitionWorkers.single());
  }

  /** As above, the partitions of a round computed on {@code workers}' threads. */
  public InProcessGradientSource(List<List<PackedBlock>> partitions, long rows, int targetWidth, NetworkSpec spec,
                                 int batchSize, long seed, int chunkRows, int fanIn, String kernel,
                                 PartitionWorkers workers) {
    this.partitions = partitions;
    // The network and its kernel hold no per-call state (a native kernel's scratch is per thread): the workers share them.
    this.network = new DenseNetwork(spec, Kernels.forJob(kernel, "the driver (its rounds run in it)"));
    this.permutations = new EpochPermutationCache(new GlobalBatches(rows, batchSize, seed));
    this.workers = workers;
    int used = Math.max(1, Math.min(workers.threads(), partitions.size()));
    this.workspaces = new Workspace[used];
    for (int w = 0; w < used; w++) workspaces[w] = new Workspace(spec, targetWidth, Math.min(chunkRows, batchSize));
    this.workerComputeNanos = new long[used];
    this.fanIn = Math.max(2, fanIn);
    this.byPartition = new ArrayList<>(partitions.size());
    for (int p = 0; p < partitions.size(); p++) byPartition.add(new GradientAccumulator(spec.parameterCount()));
    this.models = new PartitionModel[partitions.size()];
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
    Arrays.fill(workerComputeNanos, 0);
    workers.forEachPartition(partitions.size(), (w, p) -> {
      PartitionModel model = LocalStepRunner.run(p, plan, start, network, partitions.get(p), batches, permutation,
          workspaces[w], byPartition.get(p));
      workerComputeNanos[w] += model.computeNanos();
      models[p] = model;
    });
    long m0 = System.nanoTime();
    ModelAverage average = ModelAverage.merge(Arrays.asList(models.clone()), fanIn);
    Arrays.fill(models, null);
    return new LocalStepsResult(average, 0, slowestWorker(), System.nanoTime() - m0);
  }

  @Override
  public RoundResult computeRound(float[] params, long epoch, long batch) {
    GlobalBatches batches = permutations.batches();
    EpochPermutation permutation = permutations.of(epoch);
    long start = batches.start(batch);
    long end = batches.end(batch);
    Arrays.fill(workerComputeNanos, 0);
    workers.forEachPartition(partitions.size(), (w, p) -> workerComputeNanos[w] += PartitionRound.gradientInto(
        byPartition.get(p), network, params, partitions.get(p).iterator(), permutation, start, end, workspaces[w])
        .computeNanos());
    long m0 = System.nanoTime();
    GradientAccumulator merged = PartitionRound.merge(byPartition, fanIn); // into byPartition's first, in place
    return new RoundResult(merged, 0, slowestWorker(), System.nanoTime() - m0);
  }

  /**
   * The round's compute as a Spark round counts it: its slowest worker's (the sum over the
   * partitions it computed; with one worker, every partition's).
   */
  private long slowestWorker() {
    long slowest = 0;
    for (long n : workerComputeNanos) slowest = Math.max(slowest, n);
    return slowest;
  }
}
