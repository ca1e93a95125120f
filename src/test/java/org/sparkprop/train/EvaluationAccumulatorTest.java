package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.JavaGemm;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * The evaluation statistics on rows whose network outputs are known exactly: a single linear layer
 * whose weights are the identity, so each row's outputs are its inputs and every prediction, error
 * and confusion-matrix cell can be written down by hand.
 */
class EvaluationAccumulatorTest {

  /** k inputs, k outputs, identity output: with {@link #identity} weights, output = input. */
  private static DenseNetwork passThrough(int k) {
    return new DenseNetwork(new NetworkSpec(k, new int[0], Activation.IDENTITY, k, Activation.IDENTITY, Loss.MSE),
        new JavaGemm());
  }

  /** W = I (row-major (out, in)), b = 0. */
  private static float[] identity(int k) {
    float[] p = new float[k * k + k];
    for (int i = 0; i < k; i++) p[i * k + i] = 1f;
    return p;
  }

  private static EvaluationAccumulator evaluate(int classes, DenseNetwork net, PackedBlock block, int capacity) {
    EvaluationAccumulator acc = new EvaluationAccumulator(classes);
    acc.add(net, identity(net.spec().inputs()), block, new Workspace(net.spec(), block.targetWidth, capacity));
    return acc;
  }

  // Five rows of three class scores: predicted classes 0, 1, 0, 2, 1 against true classes 0, 1, 2, 2, 0.
  private static final float[] SCORES = {
      0.9f, 0.1f, 0.0f,
      0.2f, 0.7f, 0.1f,
      0.6f, 0.3f, 0.1f,
      0.1f, 0.1f, 0.8f,
      0.3f, 0.5f, 0.2f};
  private static final float[] CLASSES = {0, 1, 2, 2, 0};

  /** The MSE loss of the rows above against their one-hot classes, each row's mean over the three outputs. */
  private static double expectedLoss() {
    double sum = 0;
    for (int r = 0; r < 5; r++) {
      for (int j = 0; j < 3; j++) {
        double d = SCORES[r * 3 + j] - (j == CLASSES[r] ? 1.0 : 0.0);
        sum += d * d / 3;
      }
    }
    return sum / 5;
  }

  @Test
  void theConfusionMatrixCountsTruthByRowAndTheArgMaxByColumn() {
    EvaluationAccumulator acc = evaluate(3, passThrough(3), new PackedBlock(0, 5, 3, 1, SCORES, CLASSES), 16);
    assertEquals(5, acc.count());
    assertEquals(3, acc.classes());
    assertArrayEquals(new long[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}}, acc.confusionMatrix());
    Map<String, Double> m = acc.metrics();
    assertEquals(List.of("loss", "accuracy"), List.copyOf(m.keySet()));
    assertEquals(3.0 / 5, m.get("accuracy"));
    // The loss is summed in float32 formulas: 1e-6 is far above their rounding on values below 1.
    assertEquals(expectedLoss(), m.get("loss"), 1e-6);
  }

  @Test
  void rowsBeyondTheWorkspaceAreEvaluatedInChunksWithTheSameResult() {
    PackedBlock block = new PackedBlock(0, 5, 3, 1, SCORES, CLASSES);
    EvaluationAccumulator whole = evaluate(3, passThrough(3), block, 16);
    for (int capacity : new int[] {1, 2, 4, 5}) {
      EvaluationAccumulator chunked = evaluate(3, passThrough(3), block, capacity);
      assertEquals(5, chunked.count(), "capacity " + capacity);
      assertArrayEquals(whole.confusionMatrix(), chunked.confusionMatrix(), "capacity " + capacity);
      // Chunks only regroup the same per-row float losses into other double sums.
      assertEquals(whole.metrics().get("loss"), chunked.metrics().get("loss"), 1e-12, "capacity " + capacity);
    }
  }

  @Test
  void oneOutputIsClassOneFromOneHalfUp() {
    float below = Math.nextDown(0.5f);
    PackedBlock block = new PackedBlock(0, 4, 1, 1, new float[] {0.5f, below, 0.9f, 0.1f}, new float[] {1, 1, 0, 0});
    EvaluationAccumulator acc = evaluate(2, passThrough(1), block, 4);
    // 0.5 -> 1 (right), just below 0.5 -> 0 (wrong), 0.9 -> 1 (wrong), 0.1 -> 0 (right).
    assertArrayEquals(new long[][] {{1, 1}, {1, 1}}, acc.confusionMatrix());
    assertEquals(0.5, acc.metrics().get("accuracy"));
    assertEquals(1, EvaluationAccumulator.predictClass(new float[] {0.5f}, 0, 1));
    assertEquals(0, EvaluationAccumulator.predictClass(new float[] {below}, 0, 1));
  }

  @Test
  void severalOutputsPredictTheFirstLargest() {
    float[] out = {9f, 0.3f, 0.3f, 0.1f, 0.1f, 0.5f, 0.2f, 0.7f};
    assertEquals(0, EvaluationAccumulator.predictClass(out, 1, 3), "a tie goes to the lower class");
    assertEquals(1, EvaluationAccumulator.predictClass(out, 4, 3));
    assertEquals(3, EvaluationAccumulator.predictClass(out, 4, 4), "the last column can win");
    assertEquals(1, EvaluationAccumulator.predictClass(out, 6, 2), "from the row's offset, not the array's start");
    assertEquals(0, EvaluationAccumulator.predictClass(new float[] {-1f, -2f}, 0, 2), "negative scores compare too");
  }

  /** Two outputs per row with exact binary fractions: errors (out - target) of +-0.5, 0 and 1. */
  private static final float[] OUT = {1.0f, 2.0f, 3.0f, 0.5f, -1.0f, 4.0f};
  private static final float[] TARGET = {1.5f, 2.0f, 2.0f, 0.0f, -1.0f, 5.0f};

  @Test
  void regressionMetricsAreTheMeansOverEveryTargetValue() {
    EvaluationAccumulator acc = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8);
    Map<String, Double> m = acc.metrics();
    assertEquals(List.of("loss", "mse", "mae", "r2"), List.copyOf(m.keySet()));
    // errors -0.5, 0, 1, 0.5, 0, -1 over 6 target values
    double mse = (0.25 + 0 + 1 + 0.25 + 0 + 1) / 6;
    assertEquals(mse, m.get("mse"), 1e-15);
    assertEquals((0.5 + 0 + 1 + 0.5 + 0 + 1) / 6, m.get("mae"), 1e-15);
    double mean = (1.5 + 2 + 2 + 0 - 1 + 5) / 6;
    double variance = (2.25 + 4 + 4 + 0 + 1 + 25) / 6 - mean * mean;
    assertEquals(1 - mse / variance, m.get("r2"), 1e-12);
    // The loss is the network's: per row the mean over its two outputs of the squared error.
    assertEquals((0.25 + 1 + 0.25 + 1) / 2 / 3, m.get("loss"), 1e-15);
    assertEquals(0, acc.confusionMatrix().length, "no confusion matrix for a regression");
  }

  @Test
  void inTargetUnitsMeasuresErrorsAsPredictionsAreReported() {
    // value * 4 - 3: errors scale by 4, the target's spread by 4, so R² is unchanged and the loss too.
    EvaluationAccumulator plain = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8);
    EvaluationAccumulator scaled = new EvaluationAccumulator(0).inTargetUnits(-3f, 4f);
    DenseNetwork net = passThrough(2);
    scaled.add(net, identity(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), new Workspace(net.spec(), 2, 8));
    Map<String, Double> p = plain.metrics();
    Map<String, Double> s = scaled.metrics();
    assertEquals(16 * p.get("mse"), s.get("mse"), 1e-12);
    assertEquals(4 * p.get("mae"), s.get("mae"), 1e-12);
    assertEquals(p.get("r2"), s.get("r2"), 1e-12);
    assertEquals(p.get("loss"), s.get("loss"), "the loss stays in the units the network was trained in");
    // A shift alone moves targets and predictions together: errors are unchanged, R² too.
    EvaluationAccumulator shifted = new EvaluationAccumulator(0).inTargetUnits(100f, 1f);
    shifted.add(net, identity(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), new Workspace(net.spec(), 2, 8));
    assertEquals(p.get("mse"), shifted.metrics().get("mse"), 1e-12);
    assertEquals(p.get("mae"), shifted.metrics().get("mae"), 1e-12);
    // R² subtracts two sums of about 1e4 here: 1e-6 allows their double rounding.
    assertEquals(p.get("r2"), shifted.metrics().get("r2"), 1e-6);
  }

  @Test
  void constantTargetsHaveNoR2() {
    EvaluationAccumulator acc = evaluate(0, passThrough(1), new PackedBlock(0, 3, 1, 1, new float[] {1f, 2f, 3f},
        new float[] {2f, 2f, 2f}), 8);
    Map<String, Double> m = acc.metrics();
    assertEquals(2.0 / 3, m.get("mse"), 1e-15);
    assertTrue(Double.isNaN(m.get("r2")), "R² is undefined when the target does not vary: " + m.get("r2"));
  }

  @Test
  void nothingEvaluatedHasNoMetrics() {
    Map<String, Double> c = new EvaluationAccumulator(3).metrics();
    assertTrue(Double.isNaN(c.get("loss")) && Double.isNaN(c.get("accuracy")), c.toString());
    Map<String, Double> r = new EvaluationAccumulator(0).metrics();
    assertTrue(Double.isNaN(r.get("loss")) && Double.isNaN(r.get("mse")) && Double.isNaN(r.get("r2")), r.toString());
  }

  @Test
  void mergingPartsGivesTheStatisticsOfTheWhole() {
    float[] firstScores = java.util.Arrays.copyOfRange(SCORES, 0, 9);
    float[] restScores = java.util.Arrays.copyOfRange(SCORES, 9, 15);
    EvaluationAccumulator a = evaluate(3, passThrough(3),
        new PackedBlock(0, 3, 3, 1, firstScores, java.util.Arrays.copyOfRange(CLASSES, 0, 3)), 16);
    EvaluationAccumulator b = evaluate(3, passThrough(3),
        new PackedBlock(3, 2, 3, 1, restScores, java.util.Arrays.copyOfRange(CLASSES, 3, 5)), 16);
    EvaluationAccumulator whole = evaluate(3, passThrough(3), new PackedBlock(0, 5, 3, 1, SCORES, CLASSES), 16);
    EvaluationAccumulator merged = a.merge(b);
    assertEquals(5, merged.count());
    assertArrayEquals(whole.confusionMatrix(), merged.confusionMatrix());
    assertEquals(whole.metrics().get("accuracy"), merged.metrics().get("accuracy"));
    assertEquals(whole.metrics().get("loss"), merged.metrics().get("loss"), 1e-12);

    EvaluationAccumulator r1 = evaluate(0, passThrough(2),
        new PackedBlock(0, 1, 2, 2, java.util.Arrays.copyOfRange(OUT, 0, 2), java.util.Arrays.copyOfRange(TARGET, 0, 2)), 8);
    EvaluationAccumulator r2 = evaluate(0, passThrough(2),
        new PackedBlock(1, 2, 2, 2, java.util.Arrays.copyOfRange(OUT, 2, 6), java.util.Arrays.copyOfRange(TARGET, 2, 6)), 8);
    Map<String, Double> expected = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8).metrics();
    Map<String, Double> got = r1.merge(r2).metrics();
    for (String k : expected.keySet()) assertEquals(expected.get(k), got.get(k), 1e-12, k);
  }
}
