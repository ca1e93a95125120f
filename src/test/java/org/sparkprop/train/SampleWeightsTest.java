package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.testing.TestOptimizers;

/**
 * Sample weights: a row of weight k trains as the row k times (weight 0 as the row left out), and
 * unweighted rows keep their bits. Duplicating rows changes which rows share a global batch, so
 * the comparisons use one global batch that holds every row (full-batch rounds), where the two
 * sets are the same sum; only the order of float additions differs.
 */
class SampleWeightsTest {
  private static final int ROWS = 300;
  private static final int FEATURES = 5;
  private static final int CLASSES = 3;
  private static final NetworkSpec SPEC =
      new NetworkSpec(FEATURES, new int[] {7}, Activation.TANH, CLASSES, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final NetworkSpec REGRESSION =
      new NetworkSpec(FEATURES, new int[] {6}, Activation.RELU, 1, Activation.IDENTITY, Loss.MSE);

  /** Rows with class labels (or values) and integer weights 0..3. */
  private static PackedBlock weighted(boolean classes) {
    SplittableRandom rng = new SplittableRandom(11);
    float[] x = new float[ROWS * FEATURES];
    float[] y = new float[ROWS];
    float[] w = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      for (int j = 0; j < FEATURES; j++) x[r * FEATURES + j] = (float) rng.nextGaussian();
      y[r] = classes ? rng.nextInt(CLASSES) : (float) (x[r * FEATURES] * 2 - x[r * FEATURES + 1] + rng.nextGaussian() * 0.1);
      w[r] = rng.nextInt(4);
    }
    return new PackedBlock(0, ROWS, FEATURES, 1, x, y, w);
  }

  /** Each row repeated as many times as its weight, unweighted. */
  private static PackedBlock duplicated(PackedBlock b) {
    int n = 0;
    for (float v : b.w) n += (int) v;
    float[] x = new float[n * FEATURES];
    float[] y = new float[n];
    int k = 0;
    for (int r = 0; r < b.rows; r++) {
      for (int c = 0; c < (int) b.w[r]; c++) {
        System.arraycopy(b.x, r * FEATURES, x, k * FEATURES, FEATURES);
        y[k++] = b.y[r];
      }
    }
    return new PackedBlock(0, n, FEATURES, 1, x, y);
  }

  private static PackedBlock unweighted(PackedBlock b) {
    return new PackedBlock(0, b.rows, b.features, 1, b.x, b.y);
  }

  /** The mean gradient and mean loss of one global batch holding every row of {@code block}. */
  private static float[] fullBatchGradient(NetworkSpec spec, PackedBlock block, double[] loss) {
    DenseNetwork net = new DenseNetwork(spec, Kernels.gemm());
    float[] params = Initializer.GLOROT.initialise(spec, 3);
    EpochPermutation perm = new GlobalBatches(block.rows, block.rows, 9).permutation(0);
    // Chunks of 64 rows: several forward/backward calls per batch, as in real rounds.
    GradientAccumulator acc = new GradientAccumulator(params.length)
        .add(net, params, block, perm, 0, block.rows, new Workspace(spec, 1, 64));
    float[] g = new float[params.length];
    acc.meanGradient(g);
    loss[0] = acc.meanLoss();
    return g;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
  }

  private static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) m = Math.max(m, Math.abs(v));
    return m;
  }

  @Test
  void aWeightedBatchHasTheGradientOfTheBatchWithRowsDuplicated() {
    for (boolean classes : new boolean[] {true, false}) {
      NetworkSpec spec = classes ? SPEC : REGRESSION;
      PackedBlock w = weighted(classes);
      PackedBlock dup = duplicated(w);
      double[] lw = new double[1];
      double[] ld = new double[1];
      float[] gw = fullBatchGradient(spec, w, lw);
      float[] gd = fullBatchGradient(spec, dup, ld);
      // The same terms summed in another order (the duplicated rows fall elsewhere in the shuffle
      // and in other chunks): float32 sums of ~450 terms differ by a few ulps of the largest partial
      // sum, far below 1e-5 of the gradient's scale; a wrong weighting (e.g. dividing by the row
      // count, 300, instead of the weight sum, ~450) would be off by tens of percent.
      double scale = maxAbs(gd);
      assertTrue(maxAbsDiff(gw, gd) <= 1e-5 * scale, (classes ? "classes" : "regression") + ": gradient differs by "
          + maxAbsDiff(gw, gd) + " at scale " + scale);
      assertEquals(ld[0], lw[0], 1e-9 * Math.abs(ld[0]), "mean loss (double sums of float terms)");
    }
  }

  @Test
  void weightsOfOneGiveTheBitsOfUnweightedRows() {
    PackedBlock w = weighted(true);
    float[] ones = new float[ROWS];
    Arrays.fill(ones, 1f);
    PackedBlock allOnes = new PackedBlock(0, ROWS, FEATURES, 1, w.x, w.y, ones);
    double[] l1 = new double[1];
    double[] l0 = new double[1];
    // x * 1 is exact and the weight sum of n ones is n: the very same float operations' results.
    assertArrayEquals(fullBatchGradient(SPEC, unweighted(w), l0), fullBatchGradient(SPEC, allOnes, l1));
    assertEquals(l0[0], l1[0], 0.0);
  }

  @Test
  void rowsOfWeightZeroCountForNothing() {
    PackedBlock w = weighted(false);
    double[] l = new double[1];
    float[] g = fullBatchGradient(REGRESSION, w, l);
    // Moving the zero-weight rows' targets far away must not change the gradient at all in its
    // terms; only their (zero) products enter the sums, so the result is bit-identical.
    float[] y = w.y.clone();
    for (int r = 0; r < ROWS; r++) {
      if (w.w[r] == 0) y[r] = 1e6f;
    }
    double[] l2 = new double[1];
    float[] g2 = fullBatchGradient(REGRESSION, new PackedBlock(0, ROWS, FEATURES, 1, w.x, y, w.w), l2);
    assertArrayEquals(g, g2);
    assertEquals(l[0], l2[0], 0.0);
    // A batch of zero-weight rows only has no direction: a zero gradient and a zero loss.
    float[] zero = new float[ROWS];
    float[] gz = fullBatchGradient(REGRESSION, new PackedBlock(0, ROWS, FEATURES, 1, w.x, w.y, zero), l2);
    assertEquals(0.0, maxAbs(gz));
    assertEquals(0.0, l2[0]);
  }

  @Test
  void theLocalTrainerOnWeightedRowsFollowsTheTrainerOnDuplicatedRows() {
    PackedBlock w = weighted(true);
    PackedBlock dup = duplicated(w);
    TrainingOptions options = TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.MOMENTUM), 0.1, 40);
    // One global batch per epoch (the batch size covers every row of either set): each round is the
    // full-batch step on the same weighted objective.
    float[] pw = LocalTrainer.train(SPEC, w, dup.rows, 5, options, null).params();
    float[] pd = LocalTrainer.train(SPEC, dup, dup.rows, 5, options, null).params();
    float[] init = Initializer.defaultFor(SPEC.hiddenActivation()).initialise(SPEC, 5);
    // Per-round gradients differ by ulps (summation order); 40 momentum steps keep that well under
    // 1e-4 of the largest weight. The weights must also have moved, or the test would prove nothing.
    double scale = maxAbs(pd);
    assertTrue(maxAbsDiff(pw, pd) <= 1e-4 * scale, "weighted vs duplicated: " + maxAbsDiff(pw, pd) + " at " + scale);
    assertTrue(maxAbsDiff(pd, init) > 0.05, "training moved the weights by " + maxAbsDiff(pd, init));
  }

  @Test
  void weightedMetricsAreTheMetricsOfTheDuplicatedRows() {
    for (boolean classes : new boolean[] {true, false}) {
      NetworkSpec spec = classes ? SPEC : REGRESSION;
      PackedBlock w = weighted(classes);
      float[] params = Initializer.GLOROT.initialise(spec, 4);
      java.util.Map<String, Double> weightedMetrics = LocalTrainer.evaluate(spec, params, w, classes ? CLASSES : 0).metrics();
      java.util.Map<String, Double> duplicatedMetrics =
          LocalTrainer.evaluate(spec, params, duplicated(w), classes ? CLASSES : 0).metrics();
      java.util.Map<String, Double> unweightedMetrics =
          LocalTrainer.evaluate(spec, params, unweighted(w), classes ? CLASSES : 0).metrics();
      assertEquals(duplicatedMetrics.keySet(), weightedMetrics.keySet());
      for (String k : duplicatedMetrics.keySet()) {
        double d = duplicatedMetrics.get(k);
        // Double sums of the same terms in another order: ~1e-15 relative; 1e-9 leaves room.
        assertEquals(d, weightedMetrics.get(k), 1e-9 * Math.max(1, Math.abs(d)), (classes ? "classes " : "regression ") + k);
      }
      // And they are not the unweighted figures (else the test would prove nothing).
      assertTrue(Math.abs(unweightedMetrics.get("loss") - weightedMetrics.get("loss")) > 1e-4,
          "weighted and unweighted loss coincide: " + weightedMetrics.get("loss"));
    }
  }
}
