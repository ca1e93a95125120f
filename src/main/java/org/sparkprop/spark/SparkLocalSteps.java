package org.sparkprop.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.data.RowBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientAccumulator;
import org.sparkprop.train.GradientSource.LocalStepsResult;
import org.sparkprop.train.LocalStart;
import org.sparkprop.train.LocalStepPlan;
import org.sparkprop.train.LocalStepRunner;
import org.sparkprop.train.ModelAverage;
import org.sparkprop.train.PartitionModel;

/**
 * A local-step round ({@code train.localSteps > 1}) as one Spark job, for {@link SparkGradientSource}:
 * broadcast the weights and optimizer state once (in local mode hand them over in the JVM, as
 * {@link InJvmRounds} does for gradients), let every partition take the round's steps on its own
 * rows ({@link LocalStepRunner}), and average the partitions' models in partition order, or through
 * the same fixed two-level tree as gradients beyond {@code spark.treeFanIn} partitions
 * ({@link ModelAverage#merge(List, int)} states it): the same bits as the driver-side execution.
 */
final class SparkLocalSteps {
  private final JavaSparkContext sc;
  private final PackedDataset data;
  private final NetworkSpec spec;
  private final GlobalBatches batches;
  private final int chunkRows;
  private final String kernel;
  private final OrderedRound<PartitionModel, ModelAverage> models;

  SparkLocalSteps(JavaSparkContext sc, PackedDataset data, NetworkSpec spec, GlobalBatches batches, int chunkRows,
                  int fanIn, String kernel) {
    this.sc = sc;
    this.data = data;
    this.spec = spec;
    this.batches = batches;
    this.chunkRows = chunkRows;
    this.kernel = kernel;
    this.models = new OrderedRound<>(sc, data, fanIn, kernel, PartitionModel.class, ModelAverage::inOrder,
        SparkLocalSteps::groupsInOrder);
  }

  /** See {@link SparkGradientSource#overTheRowsLineage}. */
  void overTheRowsLineage() {
    models.overTheRowsLineage();
  }

  LocalStepsResult compute(float[] params, OptimizerState state, LocalStepPlan plan, boolean inJvm) {
    long t0 = System.nanoTime();
    LocalStart start = new LocalStart(params, state);
    Broadcast<LocalStart> shared = inJvm ? null : sc.broadcast(start);
    long handoff = inJvm ? InJvmRounds.open(start, data.partitions()) : SparkGradientSource.NO_HANDOFF;
    long t1 = System.nanoTime();
    StepsTask task = new StepsTask(spec, shared, handoff, batches, plan, chunkRows, data.targetWidth(), kernel);
    OrderedRound.Combined<ModelAverage> averaged;
    try {
      averaged = models.run(task, handoff);
    } finally {
      if (shared != null) shared.destroy();
      if (handoff != SparkGradientSource.NO_HANDOFF) InJvmRounds.close(handoff);
    }
    ModelAverage average = averaged.value();
    return new LocalStepsResult(average, t1 - t0, average.computeNanos(), averaged.combineNanos());
  }

  /** The driver's average of the groups' averages, in group order (as {@link ModelAverage#merge(List, int)} states). */
  private static ModelAverage groupsInOrder(List<ModelAverage> groups) {
    ModelAverage average = new ModelAverage();
    for (ModelAverage g : groups) average.merge(g);
    return average;
  }

  /** One partition's steps of the round; captures only serialisable, small values. */
  static final class StepsTask implements OrderedRound.PartitionWork<PartitionModel> {
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

    @Override
    public PartitionModel compute(int partition, Iterator<RowBlock> blocks) {
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
}
