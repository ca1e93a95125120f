package org.sparkprop.spark;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.data.RowBlock;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientAccumulator;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.LocalStepPlan;
import org.sparkprop.train.PartitionRound;

/**
 * One Spark job per round: broadcast the weights, let every partition compute the gradient of its
 * rows of global batch t ({@link PartitionRound#gradient}, the same code as the single-JVM trainer and
 * {@link org.sparkprop.train.InProcessGradientSource}), and merge the partition results in partition-index order (the
 * order {@link PartitionRound#merge} states).
 *
 * <p>Merging in a fixed order is what makes a run bit-for-bit reproducible whatever the number of
 * executors, their speed or task retries: float addition is not associative, and Spark's own
 * treeAggregate merges in arrival order. Up to {@code fanIn} partitions are merged on the driver;
 * beyond that, a fixed two-level tree (groups of {@code fanIn} consecutive partitions merged in
 * order by executors, then the groups in order by the driver) keeps the driver from receiving
 * every partition's gradient.
 */
public final class SparkGradientSource implements GradientSource {
  private final JavaSparkContext sc;
  private final PackedDataset data;
  private final NetworkSpec spec;
  private final GlobalBatches batches;
  private final int chunkRows;
  private final String kernel;
  private long lastBroadcastId = -1;
  /** Local mode: weights and gradients stay in the JVM ({@link InJvmRounds}) instead of travelling serialised. */
  private boolean inJvm;
  private final Map<Long, Path> testHolds; // empty outside tests
  private final OrderedRound<GradientAccumulator, GradientAccumulator> gradients;
  private final SparkLocalSteps localSteps;

  /** The handoff id of a round whose weights travel by broadcast and gradients as task results. */
  static final long NO_HANDOFF = -1;

  /** A source whose kernel is the one this JVM loads ({@code math.kernel = auto}). */
  public SparkGradientSource(JavaSparkContext sc, PackedDataset data, NetworkSpec spec, int batchSize, long seed,
                             int chunkRows, int fanIn) {
    this(sc, data, spec, batchSize, seed, chunkRows, fanIn, Kernels.decide(GemmKernel.AUTO));
  }

  /** @param kernel the job's GEMM kernel ({@link Kernels#decide}): every task computes with it or fails */
  public SparkGradientSource(JavaSparkContext sc, PackedDataset data, NetworkSpec spec, int batchSize, long seed,
                             int chunkRows, int fanIn, String kernel) {
    this.sc = sc;
    this.kernel = kernel;
    this.data = data;
    this.spec = spec;
    this.batches = new GlobalBatches(data.rows(), batchSize, seed);
    this.chunkRows = Math.min(chunkRows, batchSize);
    this.gradients = new OrderedRound<>(sc, data, fanIn, kernel, GradientAccumulator.class,
        PartitionRound::inOrder, PartitionRound::inOrder);
    this.localSteps = new SparkLocalSteps(sc, data, spec, batches, this.chunkRows, fanIn, kernel);
    this.inJvm = sc.isLocal();
    this.testHolds = TestFaults.holds(sc.getConf());
    TestFaults.failFirstAttemptsIfConfigured(sc.sc());
  }

  /**
   * Sends weights and gradients through Spark (broadcast, task results) and runs the jobs over the
   * rows' own RDD ({@link #overTheRowsLineage}) even in local mode, as on a cluster: for measuring
   * what the in-JVM handoff saves.
   */
  public SparkGradientSource serialisedEvenInLocalMode() {
    this.inJvm = false;
    return overTheRowsLineage();
  }

  /**
   * Runs the rounds' jobs over the cached rows' own RDD even in local mode, as on a cluster (its
   * lineage in every task binary, its block locations asked for at every job) instead of
   * {@link InJvmRows}: for measuring what that saves.
   */
  public SparkGradientSource overTheRowsLineage() {
    gradients.overTheRowsLineage();
    localSteps.overTheRowsLineage();
    return this;
  }

  /** Whether the rounds' jobs run over {@link InJvmRows} (local mode) rather than the rows' own RDD. */
  public boolean overInJvmRows() {
    return gradients.overInJvmRows();
  }

  /** Whether rounds hand weights and gradients over inside the JVM (local mode) rather than through Spark. */
  public boolean inJvm() {
    return inJvm;
  }

  @Override
  public GlobalBatches batches() {
    return batches;
  }

  @Override
  public RoundResult computeRound(float[] params, long epoch, long batch) {
    if (!testHolds.isEmpty()) TestFaults.holdBefore(testHolds, epoch * batches.batchesPerEpoch() + batch + 1);
    long t0 = System.nanoTime();
    Broadcast<float[]> weights = inJvm ? null : sc.broadcast(params);
    long handoff = inJvm ? InJvmRounds.open(params, data.partitions()) : NO_HANDOFF;
    if (weights != null) lastBroadcastId = weights.id();
    long t1 = System.nanoTime();
    RoundTask task = new RoundTask(spec, weights, handoff, batches, epoch, batch, chunkRows, data.targetWidth(), kernel);
    OrderedRound.Combined<GradientAccumulator> merged;
    try {
      merged = gradients.run(task, handoff);
    } finally {
      // A new broadcast every round: destroying the old one keeps executor memory flat.
      if (weights != null) weights.destroy();
      if (handoff != NO_HANDOFF) InJvmRounds.close(handoff);
    }
    GradientAccumulator sum = merged.value();
    return new RoundResult(sum, t1 - t0, sum.computeNanos(), merged.combineNanos());
  }

  @Override
  public LocalStepsResult computeLocalSteps(float[] params, OptimizerState state, LocalStepPlan plan) {
    if (!testHolds.isEmpty()) {
      TestFaults.holdBefore(testHolds, plan.epoch() * batches.batchesPerEpoch() + plan.firstBatch() + 1);
    }
    return localSteps.compute(params, state, plan, inJvm);
  }

  /** Where this task runs, for messages: the executor and its host. */
  static String here() {
    SparkEnv env = SparkEnv.get();
    if (env == null) return "this JVM";
    return "executor " + env.executorId() + " on host " + env.blockManager().blockManagerId().host();
  }

  /** Spark's id of the last round's weight broadcast (destroyed by the time the round returns). */
  long lastBroadcastId() {
    return lastBroadcastId;
  }

  /** The per-partition work of a round; captures only serialisable, small values. */
  static final class RoundTask implements OrderedRound.PartitionWork<GradientAccumulator> {
    private static final long serialVersionUID = 1L;
    private final NetworkSpec spec;
    private final Broadcast<float[]> weights; // null when handed over in the JVM
    private final long handoff;               // InJvmRounds id, or NO_HANDOFF
    private final GlobalBatches batches;
    private final long epoch;
    private final long batch;
    private final int chunkRows;
    private final int targetWidth;
    private final String kernel;

    RoundTask(NetworkSpec spec, Broadcast<float[]> weights, long handoff, GlobalBatches batches, long epoch, long batch,
              int chunkRows, int targetWidth, String kernel) {
      this.kernel = kernel;
      this.spec = spec;
      this.weights = weights;
      this.handoff = handoff;
      this.batches = batches;
      this.epoch = epoch;
      this.batch = batch;
      this.chunkRows = chunkRows;
      this.targetWidth = targetWidth;
    }

    @Override
    public GradientAccumulator compute(int partition, Iterator<RowBlock> blocks) {
      TestFaults.maybeFail(epoch * batches.batchesPerEpoch() + batch);
      float[] params = handoff == NO_HANDOFF ? weights.value() : InJvmRounds.weights(handoff);
      String where = here();
      DenseNetwork network = new DenseNetwork(spec, Kernels.forJob(kernel, where));
      return PartitionRound.gradient(network, params, blocks, batches.permutation(epoch),
          batches.start(batch), batches.end(batch), WorkspaceCache.get(spec, targetWidth, chunkRows))
          .computedWith(Kernels.runningKernel(kernel), where);
    }
  }
}
