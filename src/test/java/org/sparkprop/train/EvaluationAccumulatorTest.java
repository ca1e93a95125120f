package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.TargetScaling;
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
    assertEquals(List.of("loss", "mse", "mae", "r2", "mse[0]", "mae[0]", "r2[0]", "mse[1]", "mae[1]", "r2[1]"),
        List.copyOf(m.keySet()), "the overall metrics, then each target's");
    // errors -0.5, 0, 1, 0.5, 0, -1 over 6 target values
    double mse = (0.25 + 0 + 1 + 0.25 + 0 + 1) / 6;
    assertEquals(mse, m.get("mse"), 1e-15);
    assertEquals((0.5 + 0 + 1 + 0.5 + 0 + 1) / 6, m.get("mae"), 1e-15);
    // Per target: column 0 holds targets 1.5, 2, -1 with errors -0.5, 1, 0; column 1 targets 2, 0, 5, errors 0, 0.5, -1.
    double mse0 = (0.25 + 1 + 0) / 3;
    double mse1 = (0 + 0.25 + 1) / 3;
    double variance0 = (2.25 + 4 + 1) / 3 - Math.pow((1.5 + 2 - 1) / 3, 2);
    double variance1 = (4 + 0 + 25) / 3.0 - Math.pow((2 + 0 + 5) / 3.0, 2);
    assertEquals(mse0, m.get("mse[0]"), 1e-15);
    assertEquals(mse1, m.get("mse[1]"), 1e-15);
    assertEquals((0.5 + 1 + 0) / 3, m.get("mae[0]"), 1e-15);
    assertEquals((0 + 0.5 + 1) / 3, m.get("mae[1]"), 1e-15);
    assertEquals(1 - mse0 / variance0, m.get("r2[0]"), 1e-12);
    assertEquals(1 - mse1 / variance1, m.get("r2[1]"), 1e-12);
    // R² overall is the mean of the targets' (scikit-learn's uniform average), not R² of the pooled values.
    assertEquals((2 - mse0 / variance0 - mse1 / variance1) / 2, m.get("r2"), 1e-12);
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

  /** Each row repeated as many times as its (integer) weight, unweighted. */
  private static PackedBlock duplicated(int features, int width, float[] x, float[] y, float[] w) {
    int n = 0;
    for (float v : w) n += (int) v;
    float[] dx = new float[n * features];
    float[] dy = new float[n * width];
    int k = 0;
    for (int r = 0; r < w.length; r++) {
      for (int c = 0; c < (int) w[r]; c++, k++) {
        System.arraycopy(x, r * features, dx, k * features, features);
        System.arraycopy(y, r * width, dy, k * width, width);
      }
    }
    return new PackedBlock(0, n, features, width, dx, dy);
  }

  @Test
  void weightedRowsOfSeveralTargetsMeasureAsTheRowsRepeated() {
    float[] w = {2f, 1f, 3f};
    EvaluationAccumulator weighted = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET, w), 8);
    Map<String, Double> expected = evaluate(0, passThrough(2), duplicated(2, 2, OUT, TARGET, w), 8).metrics();
    Map<String, Double> got = weighted.metrics();
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(got.keySet()));
    // The same terms, scaled by integer weights instead of repeated: only double rounding differs.
    for (String k : expected.keySet()) assertEquals(expected.get(k), got.get(k), 1e-12, k);
    Map<String, Double> plain = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8).metrics();
    assertTrue(Math.abs(plain.get("mse[1]") - got.get("mse[1]")) > 0.01, "the weights must change the figures");
    assertEquals(2, weighted.perOutputs());
  }

  @Test
  void weightedClassesMeasureAsTheRowsRepeatedAndCountRowsInTheConfusionMatrix() {
    float[] w = {1f, 0f, 2f, 3f, 1f};
    EvaluationAccumulator weighted = evaluate(3, passThrough(3), new PackedBlock(0, 5, 3, 1, SCORES, CLASSES, w), 16);
    Map<String, Double> expected = evaluate(3, passThrough(3), duplicated(3, 1, SCORES, CLASSES, w), 16).metrics();
    Map<String, Double> got = weighted.metrics();
    assertEquals(List.of("loss", "accuracy"), List.copyOf(got.keySet()));
    // Right rows 0 (w 1), 1 (w 0), 3 (w 3) of weight 7: 4 of 7.
    assertEquals(4.0 / 7, got.get("accuracy"), 1e-15);
    assertEquals(expected.get("accuracy"), got.get("accuracy"), 1e-15);
    assertEquals(expected.get("loss"), got.get("loss"), 1e-12);
    assertArrayEquals(new long[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}}, weighted.confusionMatrix());
    assertEquals(0, weighted.perOutputs(), "a classification has no per-output metrics");
  }

  @Test
  void rowsThatAllWeighNothingHaveNoMetrics() {
    float[] zero = new float[5];
    Map<String, Double> c = evaluate(3, passThrough(3), new PackedBlock(0, 5, 3, 1, SCORES, CLASSES, zero), 16).metrics();
    assertTrue(Double.isNaN(c.get("loss")) && Double.isNaN(c.get("accuracy")), c.toString());
  }

  @Test
  void mergingWeightedIntoUnweightedRowsGivesTheWeightedStatisticsOfAllOfThem() {
    float[] w = {2f, 3f};
    PackedBlock first = new PackedBlock(0, 3, 3, 1, Arrays.copyOfRange(SCORES, 0, 9), Arrays.copyOfRange(CLASSES, 0, 3));
    PackedBlock rest = new PackedBlock(3, 2, 3, 1, Arrays.copyOfRange(SCORES, 9, 15), Arrays.copyOfRange(CLASSES, 3, 5), w);
    EvaluationAccumulator merged = evaluate(3, passThrough(3), first, 16).merge(evaluate(3, passThrough(3), rest, 16));
    float[] allWeights = {1f, 1f, 1f, 2f, 3f};
    Map<String, Double> expected =
        evaluate(3, passThrough(3), new PackedBlock(0, 5, 3, 1, SCORES, CLASSES, allWeights), 16).metrics();
    for (String k : expected.keySet()) assertEquals(expected.get(k), merged.metrics().get(k), 1e-12, "classes " + k);

    PackedBlock r1 = new PackedBlock(0, 1, 2, 2, Arrays.copyOfRange(OUT, 0, 2), Arrays.copyOfRange(TARGET, 0, 2));
    PackedBlock r2 = new PackedBlock(1, 2, 2, 2, Arrays.copyOfRange(OUT, 2, 6), Arrays.copyOfRange(TARGET, 2, 6), w);
    EvaluationAccumulator regression = evaluate(0, passThrough(2), r1, 8).merge(evaluate(0, passThrough(2), r2, 8));
    Map<String, Double> whole =
        evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET, new float[] {1f, 2f, 3f}), 8).metrics();
    for (String k : whole.keySet()) assertEquals(whole.get(k), regression.metrics().get(k), 1e-12, "regression " + k);
  }

  @Test
  void eachTargetIsMeasuredInItsOwnUnits() {
    // Target 0 as value * 2 + 1, target 1 as value * -3 + 5: each target's errors scale by its own
    // |scale|, its spread too, so its R² is unchanged.
    DenseNetwork net = passThrough(2);
    Map<String, Double> p = evaluate(0, net, new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8).metrics();
    EvaluationAccumulator scaled = new EvaluationAccumulator(0)
        .inTargetUnits(TargetScaling.of(new float[] {1f, 5f}, new float[] {2f, -3f}));
    scaled.add(net, identity(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), new Workspace(net.spec(), 2, 8));
    Map<String, Double> s = scaled.metrics();
    assertEquals(4 * p.get("mse[0]"), s.get("mse[0]"), 1e-12);
    assertEquals(9 * p.get("mse[1]"), s.get("mse[1]"), 1e-12);
    assertEquals(2 * p.get("mae[0]"), s.get("mae[0]"), 1e-12);
    assertEquals(3 * p.get("mae[1]"), s.get("mae[1]"), 1e-12);
    assertEquals((4 * p.get("mse[0]") + 9 * p.get("mse[1]")) / 2, s.get("mse"), 1e-12, "over every value");
    assertEquals((2 * p.get("mae[0]") + 3 * p.get("mae[1]")) / 2, s.get("mae"), 1e-12);
    // R² subtracts sums of squared targets of up to ~100 here: 1e-9 allows their double rounding.
    assertEquals(p.get("r2[0]"), s.get("r2[0]"), 1e-9);
    assertEquals(p.get("r2[1]"), s.get("r2[1]"), 1e-9);
    assertEquals(p.get("r2"), s.get("r2"), 1e-9);
    assertEquals(p.get("loss"), s.get("loss"), "the loss stays in the units the network was trained in");

    // One pair for every target: the same as the two-float form.
    EvaluationAccumulator onePair = new EvaluationAccumulator(0).inTargetUnits(new TargetScaling(-3f, 4f));
    onePair.add(net, identity(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), new Workspace(net.spec(), 2, 8));
    EvaluationAccumulator twoFloats = new EvaluationAccumulator(0).inTargetUnits(-3f, 4f);
    twoFloats.add(net, identity(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), new Workspace(net.spec(), 2, 8));
    assertEquals(twoFloats.metrics(), onePair.metrics());
    assertEquals(16 * p.get("mse[1]"), onePair.metrics().get("mse[1]"), 1e-12);
  }

  @Test
  void oneTargetHasOnlyTheOverallMetricsAndMergesLikeTheWhole() {
    float[] out = {1f, 2f, 3f, 0.5f};
    float[] target = {1.5f, 2f, 2f, 0f};
    EvaluationAccumulator whole = evaluate(0, passThrough(1), new PackedBlock(0, 4, 1, 1, out, target), 8);
    Map<String, Double> m = whole.metrics();
    assertEquals(List.of("loss", "mse", "mae", "r2"), List.copyOf(m.keySet()), "no per-target figures for one target");
    assertEquals(0, whole.perOutputs());
    double mse = (0.25 + 0 + 1 + 0.25) / 4;
    double mean = (1.5 + 2 + 2 + 0) / 4;
    double variance = (2.25 + 4 + 4 + 0) / 4 - mean * mean;
    assertEquals(1 - mse / variance, m.get("r2"), 1e-12);
    EvaluationAccumulator merged = evaluate(0, passThrough(1),
        new PackedBlock(0, 1, 1, 1, new float[] {1f}, new float[] {1.5f}), 8).merge(evaluate(0, passThrough(1),
        new PackedBlock(1, 3, 1, 1, Arrays.copyOfRange(out, 1, 4), Arrays.copyOfRange(target, 1, 4)), 8));
    for (String k : m.keySet()) assertEquals(m.get(k), merged.metrics().get(k), 1e-12, k);
  }

  @Test
  void mergingWithAnAccumulatorThatSawNoRowsKeepsEveryTargetsFigures() {
    Map<String, Double> expected = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8).metrics();
    EvaluationAccumulator withEmpty = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8)
        .merge(new EvaluationAccumulator(0));
    EvaluationAccumulator intoEmpty = new EvaluationAccumulator(0)
        .merge(evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, OUT, TARGET), 8));
    assertEquals(expected, withEmpty.metrics());
    assertEquals(expected, intoEmpty.metrics());
  }

  @Test
  void aConstantTargetHasNoR2OfItsOwnWeightedOrNot() {
    // Target 1 is 2 in every row: its variance is 0 exactly (12 / 3 - 2²), so its R² is undefined.
    float[] out = {1f, 2.5f, 2f, 2f, 4f, 1f};
    float[] target = {1.5f, 2f, 2f, 2f, 3f, 2f};
    Map<String, Double> m = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, out, target), 8).metrics();
    assertTrue(Double.isNaN(m.get("r2[1]")), m.toString());
    assertTrue(Double.isFinite(m.get("r2[0]")), m.toString());
    Map<String, Double> w = evaluate(0, passThrough(2), new PackedBlock(0, 3, 2, 2, out, target,
        new float[] {1f, 2f, 1f}), 8).metrics();
    assertTrue(Double.isNaN(w.get("r2[1]")), w.toString());
    Map<String, Double> one = evaluate(0, passThrough(1), new PackedBlock(0, 3, 1, 1, new float[] {1f, 2f, 3f},
        new float[] {2f, 2f, 2f}, new float[] {1f, 3f, 2f}), 8).metrics();
    assertTrue(Double.isNaN(one.get("r2")), one.toString());
  }
}
