package org.sparkprop.spark;

import java.util.List;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.Evaluator;

/**
 * {@link SparkEvaluator}'s evaluation in the driver process: the partitions collected once, each
 * evaluated into its own accumulator and merged in partition order, as the Spark job merges them,
 * so the metrics are the same numbers without a Spark job per evaluation.
 */
public final class DriverEvaluator implements Evaluator {
  private final List<List<PackedBlock>> partitions; // by partition index: that partition's blocks
  private final DenseNetwork network;
  private final Workspace workspace;
  private final int classes;
  private final TargetScaling target;

  /** @param collected {@code data}'s partitions on the driver ({@link PackedDataset#collectByPartition}) */
  public DriverEvaluator(PackedDataset data, List<List<PackedBlock>> collected, NetworkSpec spec, int chunkRows,
                         TargetScaling target) {
    this.partitions = collected;
    this.network = new DenseNetwork(spec, Kernels.gemm());
    this.workspace = new Workspace(spec, data.targetWidth(), chunkRows);
    this.classes = data.classes();
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
