package org.sparkprop.train;

import java.util.List;
import org.sparkprop.data.RowBlock;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.GradientClipping;
import org.sparkprop.optim.Optimizer;
import org.sparkprop.optim.Optimizers;

/**
 * One partition's part of a local-step round, shared by Spark tasks and the driver-side sources:
 * from the round's start, for each of its global batches, the gradient of the partition's rows of
 * that batch ({@link PartitionRound#gradientInto}, the synchronous round's code), divided by their
 * row count, clipped, and one step of the same optimizer the driver runs, at the step's rate.
 * These are the float operations of the synchronous loop's round applied to one partition's rows,
 * which is why one partition with K local steps gives the bits of K synchronous rounds.
 *
 * <p>A batch of which the partition holds no row is skipped (no step: there is no gradient; the
 * averaged optimizer state still counts the round's steps, see {@link ModelAverage}). A non-finite
 * loss or gradient stops the partition's steps and is reported in the result; the driver refuses
 * the round, as the synchronous loop refuses such an update.
 */
public final class LocalStepRunner {
  private LocalStepRunner() {
  }

  /**
   * @param partition this partition's index, for messages
   * @param blocks    the partition's blocks, read once per step
   * @param scratch   a gradient accumulator of the network's size, emptied before each step
   */
  public static PartitionModel run(int partition, LocalStepPlan plan, LocalStart start, DenseNetwork network,
                                   List<? extends RowBlock> blocks, GlobalBatches batches, EpochPermutation permutation,
                                   Workspace ws, GradientAccumulator scratch) {
    float[] params = start.params();
    Optimizer optimizer = Optimizers.create(plan.optimizer(), params.length);
    optimizer.restore(start.state());
    float[] mean = new float[params.length];
    long rows = 0;
    double lossSum = 0;
    double largestNorm = 0;
    long computeNanos = 0;
    String divergence = null;
    for (int k = 0; k < plan.steps() && divergence == null; k++) {
      long batch = plan.batch(k);
      GradientAccumulator g = PartitionRound.gradientInto(scratch, network, params, blocks.iterator(), permutation,
          batches.start(batch), batches.end(batch), ws);
      computeNanos += g.computeNanos();
      if (g.count() == 0) continue;
      if (!Double.isFinite(g.lossSum())) {
        divergence = where(partition, k, plan) + ": the loss is " + g.lossSum();
        break;
      }
      g.meanGradient(mean);
      double norm = GradientClipping.clipByGlobalNorm(mean, plan.clipNorm());
      if (!Double.isFinite(norm)) {
        divergence = where(partition, k, plan) + ": the gradient has NaN or infinite entries";
        break;
      }
      largestNorm = Math.max(largestNorm, norm);
      optimizer.step(params, mean, plan.rate(k));
      rows += g.count();
      // As the synchronous loop counts a round's loss: weighted rows by their weighted mean.
      lossSum += g.weighted() ? g.meanLoss() * g.count() : g.lossSum();
    }
    return new PartitionModel(params, optimizer.snapshot().slots(), rows, lossSum, largestNorm, divergence,
        computeNanos);
  }

  private static String where(int partition, int k, LocalStepPlan plan) {
    return "partition " + partition + ", local step " + (k + 1) + " of " + plan.steps() + " (batch "
        + (plan.batch(k) + 1) + ")";
  }
}
