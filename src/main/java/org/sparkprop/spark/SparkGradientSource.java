package org.sparkprop.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.data.RowBlock;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.KernelMismatchException;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientAccumulator;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.LocalStepPlan;
import org.sparkprop.train.PartitionRound;
import scala.Tuple2;

/**
 * One Spark job per round: broadcast the weights, let every partition compute the gradient of its
 * rows of global batch t ({@link PartitionRound#gradient}, the same code as the single-JVM trainer and
 * {@link DriverGradientSource}), and merge the partition results in partition-index order (the
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
  private final int fanIn;
  private final String kernel;
  private long lastBroadcastId = -1;
  /** Local mode: weights and gradients stay in the JVM ({@link InJvmRounds}) instead of travelling serialised. */
  private boolean inJvm;
  private final Map<Long, Path> testHolds; // empty outside tests
  private final scala.collection.immutable.List<Object> allPartitions; // 0 .. partitions-1
  private final SparkLocalSteps localSteps;

  private static final scala.reflect.ClassTag<Object> ANY_TAG = scala.reflect.ClassTag$.MODULE$.AnyRef();
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
    this.fanIn = Math.max(2, fanIn);
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < data.partitions(); i++) ids.add(i);
    this.allPartitions = SparkLine.asScala(ids);
    this.localSteps = new SparkLocalSteps(sc, data, spec, batches, this.chunkRows, this.fanIn, kernel, allPartitions);
    this.inJvm = sc.isLocal();
    this.testHolds = TestFaults.holds(sc.getConf());
    TestFaults.failFirstAttemptsIfConfigured(sc.sc());
  }

  /**
   * Sends weights and gradients through Spark (broadcast, task results) even in local mode, as on a
   * cluster: for measuring what the in-JVM handoff saves.
   */
  public SparkGradientSource serialisedEvenInLocalMode() {
    this.inJvm = false;
    return this;
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
    GradientAccumulator merged;
    long mergeNanos;
    try {
      if (data.partitions() <= fanIn) {
        GradientAccumulator[] parts = new GradientAccumulator[data.partitions()]; // by partition index
        sc.sc().runJob(data.roundBlocks().rdd(), new RoundJob(task), allPartitions, new Collect(parts, handoff), ANY_TAG);
        long m0 = System.nanoTime();
        for (int p = 0; p < parts.length; p++) checkKernel(parts[p], "partition " + p, kernel);
        merged = PartitionRound.inOrder(java.util.Arrays.asList(parts));
        mergeNanos = System.nanoTime() - m0;
      } else {
        int groups = (data.partitions() + fanIn - 1) / fanIn;
        int groupSize = fanIn;
        List<Tuple2<Integer, GradientAccumulator>> groupSums = data.roundBlocks()
            .mapPartitionsToPair(new KeyedRoundTask(task, groupSize))
            .groupByKey(new HashPartitioner(groups))
            .mapValues(SparkGradientSource::mergeByPartitionIndex)
            .collect();
        long m0 = System.nanoTime();
        List<Tuple2<Integer, GradientAccumulator>> sorted = new ArrayList<>(groupSums);
        sorted.sort(Comparator.comparing(Tuple2::_1));
        List<GradientAccumulator> ordered = new ArrayList<>(sorted.size());
        for (Tuple2<Integer, GradientAccumulator> g : sorted) {
          checkKernel(g._2, "partition group " + g._1, kernel);
          ordered.add(g._2);
        }
        merged = PartitionRound.inOrder(ordered);
        mergeNanos = System.nanoTime() - m0;
      }
    } finally {
      // A new broadcast every round: destroying the old one keeps executor memory flat.
      if (weights != null) weights.destroy();
      if (handoff != NO_HANDOFF) InJvmRounds.close(handoff);
    }
    return new RoundResult(merged, t1 - t0, merged.computeNanos(), mergeNanos);
  }

  @Override
  public LocalStepsResult computeLocalSteps(float[] params, OptimizerState state, LocalStepPlan plan) {
    if (!testHolds.isEmpty()) {
      TestFaults.holdBefore(testHolds, plan.epoch() * batches.batchesPerEpoch() + plan.firstBatch() + 1);
    }
    return localSteps.compute(params, state, plan, inJvm);
  }

  /**
   * Refuses a result computed with another kernel than the job's: merging it would make the
   * weights depend on where the task ran. (Tasks check their kernel themselves; this also catches
   * an executor that skipped the check.)
   */
  static void checkKernel(GradientAccumulator part, String which, String kernel) {
    if (!kernel.equalsIgnoreCase(String.valueOf(part.kernel()))) {
      throw KernelMismatchException.inResult(which, String.valueOf(part.host()), String.valueOf(part.kernel()), kernel);
    }
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

  /** Executor-side merge of one group: sort by partition index, then add in that order. */
  static GradientAccumulator mergeByPartitionIndex(Iterable<Tuple2<Integer, GradientAccumulator>> parts) {
    List<Tuple2<Integer, GradientAccumulator>> list = new ArrayList<>();
    parts.forEach(list::add);
    list.sort(Comparator.comparing(Tuple2::_1));
    List<GradientAccumulator> ordered = new ArrayList<>(list.size());
    for (Tuple2<Integer, GradientAccumulator> t : list) ordered.add(t._2);
    return PartitionRound.inOrder(ordered);
  }

  /** The per-partition work of a round; captures only serialisable, small values. */
  static final class RoundTask implements FlatMapFunction<Iterator<RowBlock>, GradientAccumulator> {
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
    public Iterator<GradientAccumulator> call(Iterator<RowBlock> blocks) {
      TestFaults.maybeFail(epoch * batches.batchesPerEpoch() + batch);
      float[] params = handoff == NO_HANDOFF ? weights.value() : InJvmRounds.weights(handoff);
      String where = here();
      DenseNetwork network = new DenseNetwork(spec, Kernels.forJob(kernel, where));
      GradientAccumulator acc = PartitionRound.gradient(network, params, blocks, batches.permutation(epoch),
          batches.start(batch), batches.end(batch), WorkspaceCache.get(spec, targetWidth, chunkRows))
          .computedWith(Kernels.runningKernel(kernel), where);
      return Collections.singletonList(acc).iterator();
    }
  }

  /**
   * The round as the function of a job run directly on the cached blocks. Not
   * {@code mapPartitions(...).collect()}: every such call hands Spark two Scala lambdas, and Spark
   * 4's ClosureCleaner parses the bytecode of each lambda's declaring class (RDD, SparkContext,
   * JavaRDDLike: hundreds of kB) with ASM on every call, looking for return statements. That was a
   * quarter of the driver's CPU time in a near-empty round (JFR). A named class is not a closure,
   * so the cleaner returns at once.
   */
  static final class RoundJob extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<RowBlock>,
      Object> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final RoundTask task;

    RoundJob(RoundTask task) {
      this.task = task;
    }

    /** The partition's gradient, or in local mode the round's handoff id once the gradient is in its slot. */
    @Override
    public Object apply(TaskContext context, scala.collection.Iterator<RowBlock> blocks) {
      GradientAccumulator gradient = task.call(SparkLine.asJava(blocks)).next();
      if (task.handoff == NO_HANDOFF) return gradient;
      InJvmRounds.deposit(task.handoff, context.partitionId(), gradient);
      return task.handoff;
    }
  }

  /**
   * Driver-side result handler: files each partition's result under its index (taken from the
   * round's slot when the task left it in the JVM).
   */
  static final class Collect extends scala.runtime.AbstractFunction2<Object, Object, scala.runtime.BoxedUnit> {
    private final GradientAccumulator[] slots;
    private final long handoff;

    Collect(GradientAccumulator[] slots, long handoff) {
      this.slots = slots;
      this.handoff = handoff;
    }

    @Override
    public scala.runtime.BoxedUnit apply(Object partition, Object result) {
      int p = (Integer) partition;
      slots[p] = result instanceof GradientAccumulator g ? g : InJvmRounds.take(handoff, p);
      return scala.runtime.BoxedUnit.UNIT;
    }
  }

  /** The same work, keyed by the partition's group for the two-level tree. */
  static final class KeyedRoundTask
      implements PairFlatMapFunction<Iterator<RowBlock>, Integer, Tuple2<Integer, GradientAccumulator>> {
    private static final long serialVersionUID = 1L;
    private final RoundTask task;
    private final int groupSize;

    KeyedRoundTask(RoundTask task, int groupSize) {
      this.task = task;
      this.groupSize = groupSize;
    }

    @Override
    public Iterator<Tuple2<Integer, Tuple2<Integer, GradientAccumulator>>> call(Iterator<RowBlock> blocks) {
      int partition = TaskContext.getPartitionId();
      GradientAccumulator acc = task.call(blocks).next();
      return Collections.singletonList(new Tuple2<>(partition / groupSize, new Tuple2<>(partition, acc))).iterator();
    }
  }
}
