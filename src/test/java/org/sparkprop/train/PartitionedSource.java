package org.sparkprop.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.OptimizerState;

/**
 * A Spark-free round source over several partitions, each one block, as the driver-side execution
 * runs them (gradients merged by {@link PartitionRound#merge}, local-step models averaged by
 * {@link ModelAverage#merge(List, int)}); it records every local-step plan it is given.
 */
final class PartitionedSource implements GradientSource {
  private final DenseNetwork network;
  private final List<List<PackedBlock>> partitions;
  private final GlobalBatches batches;
  private final Workspace ws;
  private final int fanIn;
  final List<LocalStepPlan> plans = new ArrayList<>();

  PartitionedSource(DenseNetwork network, List<PackedBlock> blocks, int batchSize, long seed, int fanIn) {
    this.network = network;
    this.partitions = new ArrayList<>();
    long rows = 0;
    for (PackedBlock b : blocks) {
      partitions.add(List.of(b));
      rows += b.rows;
    }
    this.batches = new GlobalBatches(rows, batchSize, seed);
    this.ws = new Workspace(network.spec(), blocks.get(0).targetWidth, 1024);
    this.fanIn = fanIn;
  }

  @Override
  public GlobalBatches batches() {
    return batches;
  }

  @Override
  public RoundResult computeRound(float[] params, long epoch, long batch) {
    List<GradientAccumulator> parts = new ArrayList<>();
    for (List<PackedBlock> p : partitions) {
      parts.add(PartitionRound.gradient(network, params, p.iterator(), batches.permutation(epoch), batches.start(batch),
          batches.end(batch), ws));
    }
    GradientAccumulator merged = PartitionRound.merge(parts, fanIn);
    return new RoundResult(merged, 0, merged.computeNanos(), 0);
  }

  @Override
  public LocalStepsResult computeLocalSteps(float[] params, OptimizerState state, LocalStepPlan plan) {
    plans.add(plan);
    LocalStart start = new LocalStart(params, state);
    List<PartitionModel> models = new ArrayList<>();
    for (int p = 0; p < partitions.size(); p++) {
      models.add(LocalStepRunner.run(p, plan, start, network, partitions.get(p), batches,
          batches.permutation(plan.epoch()), ws, new GradientAccumulator(params.length)));
    }
    ModelAverage average = ModelAverage.merge(models, fanIn);
    return new LocalStepsResult(average, 0, average.computeNanos(), 0);
  }
}
