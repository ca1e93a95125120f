package org.sparkprop.train;

import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * An evaluation in this process over partitions held in its heap: each partition evaluated into
 * its own accumulator (on the threads of its {@link PartitionWorkers}, one workspace each) and
 * merged in partition order on the calling thread, as the Spark evaluation job merges them, so the
 * metrics are the same numbers as that job's over the same partitions.
 */
public final class InProcessEvaluator implements Evaluator {
  private final List<List<PackedBlock>> partitions; // by partition index: that partition's blocks
  private final DenseNetwork network;
  private final PartitionWorkers workers;
  private final Workspace[] workspaces; // by worker
  private final int classes;
  private final TargetScaling target;

  /**
   * On the calling thread only.
   *
   * @param partitions by partition index: that partition's blocks
   */
  public InProcessEvaluator(List<List<PackedBlock>> partitions, int targetWidth, int classes, NetworkSpec spec,
                            int chunkRows, TargetScaling target) {
    this(partitions, targetWidth, classes, spec, chunkRows, target, PartitionWorkers.single());
  }

  /** As above, the partitions evaluated on {@code workers}' threads. */
  public InProcessEvaluator(List<List<PackedBlock>> partitions, int targetWidth, int classes, NetworkSpec spec,
                            int chunkRows, TargetScaling target, PartitionWorkers workers) {
    this.partitions = partitions;
    this.network = new DenseNetwork(spec, Kernels.gemm());
    this.workers = workers;
    this.workspaces = new Workspace[Math.max(1, Math.min(workers.threads(), partitions.size()))];
    for (int w = 0; w < workspaces.length; w++) workspaces[w] = new Workspace(spec, targetWidth, chunkRows);
    this.classes = classes;
    this.target = target;
  }

  @Override
  public EvaluationAccumulator evaluate(float[] params) {
    EvaluationAccumulator[] byPartition = new EvaluationAccumulator[partitions.size()];
    workers.forEachPartition(partitions.size(), (w, p) -> {
      EvaluationAccumulator part = new EvaluationAccumulator(classes).inTargetUnits(target);
      for (PackedBlock block : partitions.get(p)) part.add(network, params, block, workspaces[w]);
      byPartition[p] = part;
    });
    EvaluationAccumulator total = new EvaluationAccumulator(classes).inTargetUnits(target);
    for (EvaluationAccumulator part : byPartition) total.merge(part);
    return total;
  }
}
