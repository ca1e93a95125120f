package org.sparkprop.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.data.RowBlock;
import org.sparkprop.math.KernelMismatchException;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientAccumulator;
import org.sparkprop.train.GradientSource.LocalStepsResult;
import org.sparkprop.train.LocalStart;
import org.sparkprop.train.LocalStepPlan;
import org.sparkprop.train.LocalStepRunner;
import org.sparkprop.train.ModelAverage;
import org.sparkprop.train.PartitionModel;
import scala.Tuple2;

/**
 * A local-step round ({@code train.localSteps > 1}) as one Spark job, for {@link SparkGradientSource}:
 * broadcast the weights and optimizer state once (in local mode hand them over in the JVM, as
 * {@link InJvmRounds} does for gradients), let every partition take the round's steps on its own
 * rows ({@link LocalStepRunner}), and average the partitions' models in partition order, or through
 * the same fixed two-level tree as gradients beyond {@code spark.treeFanIn} partitions
 * ({@link ModelAverage#merge(List, int)} states it): the same bits as the driver-side execution.
 */
final class SparkLocalSteps {
  private static final scala.reflect.ClassTag<Object> ANY_TAG = scala.reflect.ClassTag$.MODULE$.AnyRef();

  private final JavaSparkContext sc;
  private final PackedDataset data;
  private final NetworkSpec spec;
  private final GlobalBatches batches;
  private final int chunkRows;
  private final int fanIn;
  private final String kernel;
  private final scala.collection.immutable.List<Object> allPartitions;

  SparkLocalSteps(JavaSparkContext sc, PackedDataset data, NetworkSpec spec, GlobalBatches batches, int chunkRows,
                  int fanIn, String kernel, scala.collection.immutable.List<Object> allPartitions) {
    this.sc = sc;
    this.data = data;
    this.spec = spec;
    this.batches = batches;
    this.chunkRows = chunkRows;
    this.fanIn = fanIn;
    this.kernel = kernel;
    this.allPartitions = allPartitions;
  }

  LocalStepsResult compute(float[] params, OptimizerState state, LocalStepPlan plan, boolean inJvm) {
    long t0 = System.nanoTime();
    LocalStart start = new LocalStart(params, state);
    Broadcast<LocalStart> shared = inJvm ? null : sc.broadcast(start);
    long handoff = inJvm ? InJvmRounds.open(start, data.partitions()) : SparkGradientSource.NO_HANDOFF;
    long t1 = System.nanoTime();
    StepsTask task = new StepsTask(spec, shared, handoff, batches, plan, chunkRows, data.targetWidth(), kernel);
    ModelAverage average;
    long mergeNanos;
    try {
      if (data.partitions() <= fanIn) {
        PartitionModel[] parts = new PartitionModel[data.partitions()]; // by partition index
        sc.sc().runJob(data.roundBlocks().rdd(), new StepsJob(task), allPartitions, new Collect(parts, handoff),
            ANY_TAG);
        long m0 = System.nanoTime();
        for (int p = 0; p < parts.length; p++) checkKernel(parts[p].kernel(), parts[p].host(), "partition " + p);
        average = ModelAverage.inOrder(Arrays.asList(parts));
        mergeNanos = System.nanoTime() - m0;
      } else {
        int groups = (data.partitions() + fanIn - 1) / fanIn;
        List<Tuple2<Integer, ModelAverage>> groupAverages = data.roundBlocks()
            .mapPartitionsToPair(new KeyedStepsTask(task, fanIn))
            .groupByKey(new HashPartitioner(groups))
            .mapValues(SparkLocalSteps::averageByPartitionIndex)
            .collect();
        long m0 = System.nanoTime();
        List<Tuple2<Integer, ModelAverage>> sorted = new ArrayList<>(groupAverages);
        sorted.sort(Comparator.comparing(Tuple2::_1));
        average = new ModelAverage();
        for (Tuple2<Integer, ModelAverage> g : sorted) {
          checkKernel(g._2.kernel(), g._2.host(), "partition group " + g._1);
          average.merge(g._2);
        }
        mergeNanos = System.nanoTime() - m0;
      }
    } finally {
      if (shared != null) shared.destroy();
      if (handoff != SparkGradientSource.NO_HANDOFF) InJvmRounds.close(handoff);
    }
    return new LocalStepsResult(average, t1 - t0, average.computeNanos(), mergeNanos);
  }

  /** Refuses a model computed with another kernel than the job's (see {@link SparkGradientSource#checkKernel}). */
  private void checkKernel(String partKernel, String host, String which) {
    if (!kernel.equalsIgnoreCase(String.valueOf(partKernel))) {
      throw KernelMismatchException.inResult(which, String.valueOf(host), String.valueOf(partKernel), kernel);
    }
  }

  /** Executor-side average of one group: sort by partition index, then add in that order. */
  static ModelAverage averageByPartitionIndex(Iterable<Tuple2<Integer, PartitionModel>> parts) {
    List<Tuple2<Integer, PartitionModel>> list = new ArrayList<>();
    parts.forEach(list::add);
    list.sort(Comparator.comparing(Tuple2::_1));
    List<PartitionModel> ordered = new ArrayList<>(list.size());
    for (Tuple2<Integer, PartitionModel> t : list) ordered.add(t._2);
    return ModelAverage.inOrder(ordered);
  }

  /** One partition's steps of the round; captures only serialisable, small values. */
  static final class StepsTask implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final NetworkSpec spec;
    private final Broadcast<LocalStart> start; // null when handed over in the JVM
    private final long handoff;                // InJvmRounds id, or NO_HANDOFF
    private final GlobalBatches batches;
    private final LocalStepPlan plan;
    private final int chunkRows;
    private final int targetWidth;
    private final String kernel;

    StepsTask(NetworkSpec spec, Broadcast<LocalStart> start, long handoff, GlobalBatches batches, LocalStepPlan plan,
              int chunkRows, int targetWidth, String kernel) {
      this.spec = spec;
      this.start = start;
      this.handoff = handoff;
      this.batches = batches;
      this.plan = plan;
      this.chunkRows = chunkRows;
      this.targetWidth = targetWidth;
      this.kernel = kernel;
    }

    PartitionModel call(int partition, Iterator<RowBlock> blocks) {
      TestFaults.maybeFail(plan.epoch() * batches.batchesPerEpoch() + plan.firstBatch());
      LocalStart from = handoff == SparkGradientSource.NO_HANDOFF ? start.value()
          : InJvmRounds.input(handoff, LocalStart.class);
      String where = SparkGradientSource.here();
      DenseNetwork network = new DenseNetwork(spec, Kernels.forJob(kernel, where));
      List<RowBlock> own = new ArrayList<>(); // every step reads the partition's blocks again
      blocks.forEachRemaining(own::add);
      return LocalStepRunner.run(partition, plan, from, network, own, batches, batches.permutation(plan.epoch()),
          WorkspaceCache.get(spec, targetWidth, chunkRows), new GradientAccumulator(from.parameterCount()))
          .computedWith(Kernels.runningKernel(kernel), where);
    }
  }

  /** The round as the function of a job run on the cached blocks (a named class: see {@code RoundJob}). */
  static final class StepsJob extends scala.runtime.AbstractFunction2<TaskContext,
      scala.collection.Iterator<RowBlock>, Object> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final StepsTask task;

    StepsJob(StepsTask task) {
      this.task = task;
    }

    /** The partition's model, or in local mode the round's handoff id once the model is in its slot. */
    @Override
    public Object apply(TaskContext context, scala.collection.Iterator<RowBlock> blocks) {
      PartitionModel model = task.call(context.partitionId(), SparkLine.asJava(blocks));
      if (task.handoff == SparkGradientSource.NO_HANDOFF) return model;
      InJvmRounds.deposit(task.handoff, context.partitionId(), model);
      return task.handoff;
    }
  }

  /** Driver-side result handler: files each partition's model under its index. */
  static final class Collect extends scala.runtime.AbstractFunction2<Object, Object, scala.runtime.BoxedUnit> {
    private final PartitionModel[] slots;
    private final long handoff;

    Collect(PartitionModel[] slots, long handoff) {
      this.slots = slots;
      this.handoff = handoff;
    }

    @Override
    public scala.runtime.BoxedUnit apply(Object partition, Object result) {
      int p = (Integer) partition;
      slots[p] = result instanceof PartitionModel m ? m : InJvmRounds.take(handoff, p, PartitionModel.class);
      return scala.runtime.BoxedUnit.UNIT;
    }
  }

  /** The same work, keyed by the partition's group for the two-level tree. */
  static final class KeyedStepsTask
      implements PairFlatMapFunction<Iterator<RowBlock>, Integer, Tuple2<Integer, PartitionModel>> {
    private static final long serialVersionUID = 1L;
    private final StepsTask task;
    private final int groupSize;

    KeyedStepsTask(StepsTask task, int groupSize) {
      this.task = task;
      this.groupSize = groupSize;
    }

    @Override
    public Iterator<Tuple2<Integer, Tuple2<Integer, PartitionModel>>> call(Iterator<RowBlock> blocks) {
      int partition = TaskContext.getPartitionId();
      PartitionModel model = task.call(partition, blocks);
      return Collections.singletonList(new Tuple2<>(partition / groupSize, new Tuple2<>(partition, model))).iterator();
    }
  }
}
