package org.sparkprop.spark;

import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.Evaluator;

/** Distributed evaluation: weights broadcast once, statistics per partition, merged in partition order. */
public final class SparkEvaluator implements Evaluator {
  private final JavaSparkContext sc;
  private final PackedDataset data;
  private final NetworkSpec spec;
  private final int chunkRows;
  private final TargetScaling target;

  public SparkEvaluator(JavaSparkContext sc, PackedDataset data, NetworkSpec spec, int chunkRows) {
    this(sc, data, spec, chunkRows, TargetScaling.IDENTITY);
  }

  /** @param target how the network's regression outputs map back to the target's units, for the metrics */
  public SparkEvaluator(JavaSparkContext sc, PackedDataset data, NetworkSpec spec, int chunkRows, TargetScaling target) {
    this.sc = sc;
    this.data = data;
    this.spec = spec;
    this.chunkRows = chunkRows;
    this.target = target;
  }

  @Override
  public EvaluationAccumulator evaluate(float[] params) {
    Broadcast<float[]> weights = sc.broadcast(params);
    NetworkSpec spec = this.spec;
    int classes = data.classes();
    int tw = data.targetWidth();
    int chunk = chunkRows;
    TargetScaling scaling = target;
    try {
      List<EvaluationAccumulator> parts = data.roundBlocks().mapPartitions(blocks -> {
        DenseNetwork network = new DenseNetwork(spec, Kernels.gemm());
        EvaluationAccumulator acc = new EvaluationAccumulator(classes).inTargetUnits(scaling);
        while (blocks.hasNext()) acc.add(network, weights.value(), blocks.next(), WorkspaceCache.get(spec, tw, chunk));
        return Collections.singletonList(acc).iterator();
      }).collect();
      EvaluationAccumulator total = new EvaluationAccumulator(classes).inTargetUnits(scaling);
      for (EvaluationAccumulator p : parts) total.merge(p);
      return total;
    } finally {
      weights.destroy();
    }
  }
}
