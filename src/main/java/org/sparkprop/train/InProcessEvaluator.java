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
 * its own accumulator and merged in partition order, as the Spark evaluation job merges them, so
 * the metrics are the same numbers as that job's over the same partitions.
 */
public final class InProcessEvaluator implements Evaluator {
  private final List<List<PackedBlock>> partitions; // by partition index: that partition's blocks
  private final DenseNetwork network;
  private final Workspace workspace;
  private final int classes;
  private final TargetScaling target;

  /** @param partitions by partition index: that partition's blocks */
  public InProcessEvaluator(List<List<PackedBlock>> partitions, int targetWidth, int classes, NetworkSpec spec,
                            int chunkRows, TargetScaling target) {
    this.partitions = partitions;
    this.network = new DenseNetwork(spec, Kernels.gemm());
    this.workspace = new Workspace(spec, targetWidth, chunkRows);
    this.classes = classes;
    this.target = target;
  }

  @Override
  public EvaluationAccumulator evaluate(float[] params) {
    EvaluationAccumulator total = new EvaluationAccumulator(classes).inTargetUnits(target);
    for (List<PackedBlock> blocks : partitions) {
      EvaluationAccumulator part = new EvaluationAccumulator(classes).inTargetUnits(target);
      for (PackedBlock block : blocks) part.add(network, params, block, workspace);
      total.merge(part);
    }
    return total;
  }
}
