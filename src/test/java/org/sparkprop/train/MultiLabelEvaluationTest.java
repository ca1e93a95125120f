package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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
 * Multi-label evaluation (several independent 0/1 outputs, sigmoid with bce, no classes) on rows
 * whose outputs are known: one sigmoid layer with identity weights, so each output is the sigmoid
 * of its input and a label is predicted 1 exactly when its input is at least 0 (sigmoid(0) is 0.5
 * exactly). Every count and metric below is worked out by hand from the table.
 */
class MultiLabelEvaluationTest {
  private static final int LABELS = 3;
  private static final NetworkSpec SPEC =
      new NetworkSpec(LABELS, new int[0], Activation.IDENTITY, LABELS, Activation.SIGMOID, Loss.BCE);

  // Logits and their 0/1 labels. Predicted labels (logit >= 0):
  //   row 0: 1 0 0   truth 1 0 0   all right
  //   row 1: 1 1 0   truth 1 0 0   label 1 a false positive (label 0 at logit 0: predicted 1)
  //   row 2: 0 1 0   truth 1 1 0   label 0 a false negative
  //   row 3: 0 0 0   truth 0 0 0   all right
  //   row 4: 1 0 0   truth 1 0 0   all right
  // Label 2 is never true and never predicted: its F1 is 0 by scikit-learn's zero-division rule.
  private static final float[] LOGITS = {
      2f, -2f, -1f,
      0f, 1f, -3f,
      -1f, 3f, -2f,
      -2f, -1f, -4f,
      1f, -1f, -2f};
  private static final float[] LABELS_01 = {
      1, 0, 0,
      1, 0, 0,
      1, 1, 0,
      0, 0, 0,
      1, 0, 0};

  private static float[] identity() {
    float[] p = new float[LABELS * LABELS + LABELS];
    for (int i = 0; i < LABELS; i++) p[i * LABELS + i] = 1f;
    return p;
  }

  private static EvaluationAccumulator evaluate(PackedBlock block, int capacity) {
    EvaluationAccumulator acc = new EvaluationAccumulator(0);
    acc.add(new DenseNetwork(SPEC, new JavaGemm()), identity(), block, new Workspace(SPEC, LABELS, capacity));
    return acc;
  }

  private static PackedBlock rows(int first, int count, float[] weights) {
    float[] x = Arrays.copyOfRange(LOGITS, first * LABELS, (first + count) * LABELS);
    float[] y = Arrays.copyOfRange(LABELS_01, first * LABELS, (first + count) * LABELS);
    return weights == null ? new PackedBlock(first, count, LABELS, LABELS, x, y)
        : new PackedBlock(first, count, LABELS, LABELS, x, y, weights);
  }

  /** Binary cross-entropy of one output in double: -[t log p + (1 - t) log(1 - p)]. */
  private static double bce(double z, double t) {
    double p = 1 / (1 + Math.exp(-z));
    return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
  }

  /** Row r's loss: the mean of its outputs' cross-entropies. */
  private static double rowLoss(int r) {
    double sum = 0;
    for (int j = 0; j < LABELS; j++) sum += bce(LOGITS[r * LABELS + j], LABELS_01[r * LABELS + j]);
    return sum / LABELS;
  }

  @Test
  void onlyASigmoidBceNetworkOfSeveralOutputsWithoutClassesIsMultiLabel() {
    assertTrue(EvaluationAccumulator.multiLabel(SPEC, 0));
    assertFalse(EvaluationAccumulator.multiLabel(SPEC, 3), "with classes the outputs are class scores");
    assertFalse(EvaluationAccumulator.multiLabel(
        new NetworkSpec(3, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE), 0), "one output");
    assertFalse(EvaluationAccumulator.multiLabel(
        new NetworkSpec(3, new int[0], Activation.IDENTITY, 3, Activation.SIGMOID, Loss.MSE), 0), "a regression");
  }

  @Test
  void eachLabelCountsItsTruePositivesFalsePositivesFalseNegativesAndTrueNegatives() {
    EvaluationAccumulator acc = evaluate(rows(0, 5, null), 8);
    assertTrue(acc.multiLabel());
    assertEquals(LABELS, acc.perOutputs());
    assertEquals(5, acc.count());
    assertArrayEquals(new long[] {3, 0, 1, 1}, acc.labelCounts(0));
    assertArrayEquals(new long[] {1, 1, 0, 3}, acc.labelCounts(1));
    assertArrayEquals(new long[] {0, 0, 0, 5}, acc.labelCounts(2));
    assertFalse(new EvaluationAccumulator(3).multiLabel(), "class scores");
    assertFalse(new EvaluationAccumulator(0).multiLabel(), "a regression");
  }

  @Test
  void theMetricsAreSubsetAccuracyHammingLossAndF1AsScikitLearnDefinesThem() {
    Map<String, Double> m = evaluate(rows(0, 5, null), 8).metrics();
    assertEquals(List.of("loss", "accuracy", "hammingLoss", "microF1", "macroF1",
        "accuracy[0]", "f1[0]", "accuracy[1]", "f1[1]", "accuracy[2]", "f1[2]"), List.copyOf(m.keySet()));
    assertEquals(3.0 / 5, m.get("accuracy"), 0.0, "rows 0, 3 and 4 have every label right");
    assertEquals(2.0 / (5 * 3), m.get("hammingLoss"), 0.0, "2 wrong labels of 15");
    // tp 4, fp 1, fn 1 over all labels: 2tp / (2tp + fp + fn).
    assertEquals(8.0 / 10, m.get("microF1"), 0.0);
    double f10 = 6.0 / (6 + 0 + 1);
    double f11 = 2.0 / (2 + 1 + 0);
    assertEquals(f10, m.get("f1[0]"), 0.0);
    assertEquals(f11, m.get("f1[1]"), 0.0);
    assertEquals(0.0, m.get("f1[2]"), 0.0);
    assertEquals((f10 + f11 + 0) / 3, m.get("macroF1"), 1e-15);
    assertEquals(4.0 / 5, m.get("accuracy[0]"), 0.0);
    assertEquals(4.0 / 5, m.get("accuracy[1]"), 0.0);
    assertEquals(1.0, m.get("accuracy[2]"), 0.0);
    double loss = (rowLoss(0) + rowLoss(1) + rowLoss(2) + rowLoss(3) + rowLoss(4)) / 5;
    // The network computes the loss from float logits with float sigmoids: 1e-6 covers their rounding.
    assertEquals(loss, m.get("loss"), 1e-6);
  }

  @Test
  void workspaceChunksAndMergedPartsGiveTheStatisticsOfTheWhole() {
    EvaluationAccumulator whole = evaluate(rows(0, 4, null), 8);
    EvaluationAccumulator chunked = evaluate(rows(0, 4, null), 3);
    EvaluationAccumulator merged = evaluate(rows(0, 1, null), 8).merge(evaluate(rows(1, 3, null), 8));
    // An accumulator that saw no rows takes the other's counts as they are.
    EvaluationAccumulator intoEmpty = new EvaluationAccumulator(0).merge(whole);
    for (EvaluationAccumulator acc : List.of(chunked, merged, intoEmpty)) {
      assertEquals(4, acc.count());
      for (int j = 0; j < LABELS; j++) assertArrayEquals(whole.labelCounts(j), acc.labelCounts(j), "label " + j);
      Map<String, Double> expected = whole.metrics();
      Map<String, Double> got = acc.metrics();
      assertEquals(expected.keySet(), got.keySet());
      // The same per-row float losses summed in another grouping: 1e-12 covers the double rounding.
      for (String k : expected.keySet()) assertEquals(expected.get(k), got.get(k), 1e-12, k);
    }
    // Merging an accumulator without multi-label counts changes none.
    EvaluationAccumulator withEmpty = evaluate(rows(0, 4, null), 8).merge(new EvaluationAccumulator(0));
    assertArrayEquals(whole.labelCounts(1), withEmpty.labelCounts(1));
    assertEquals(whole.metrics().get("accuracy"), withEmpty.metrics().get("accuracy"));
  }

  @Test
  void weightedRowsWeighTheLossButTheCountsStayCountsOfRows() {
    float[] weights = {3f, 1f, 0f, 2f};
    Map<String, Double> w = evaluate(rows(0, 4, weights), 8).metrics();
    Map<String, Double> plain = evaluate(rows(0, 4, null), 8).metrics();
    double loss = (3 * rowLoss(0) + rowLoss(1) + 0 * rowLoss(2) + 2 * rowLoss(3)) / 6;
    // Float weights times float row losses summed in double: 1e-6 as above.
    assertEquals(loss, w.get("loss"), 1e-6);
    assertTrue(Math.abs(loss - plain.get("loss")) > 1e-3, "the weights must matter for the test to prove anything");
    for (String k : plain.keySet()) {
      if (!k.equals("loss")) assertEquals(plain.get(k), w.get(k), 0.0, k + " is counted over rows");
    }
  }

  /** F1 from counts as scikit-learn defines it: 2tp / (2tp + fp + fn), 0 when there is nothing positive. */
  private static double f1(long tp, long fp, long fn) {
    return tp + fp + fn == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  @Test
  void f1IsZeroOnlyWhenNothingIsPositiveNotWhenTheErrorsBalanceTheHits() {
    // Label 0 alone has positives, the others are true negatives everywhere. One hit and one miss;
    // then one hit and one false alarm.
    float[][] logits = {{1f, -1f, -1f, -1f, -1f, -1f}, {1f, -1f, -1f, 1f, -1f, -1f}};
    float[][] labels = {{1, 0, 0, 1, 0, 0}, {1, 0, 0, 0, 0, 0}};
    long[][] counts = {{1, 0, 1}, {1, 1, 0}};
    for (int c = 0; c < 2; c++) {
      EvaluationAccumulator acc = new EvaluationAccumulator(0);
      acc.add(new DenseNetwork(SPEC, new JavaGemm()), identity(),
          new PackedBlock(0, 2, LABELS, LABELS, logits[c], labels[c]), new Workspace(SPEC, LABELS, 4));
      Map<String, Double> m = acc.metrics();
      double expected = f1(counts[c][0], counts[c][1], counts[c][2]);
      assertEquals(2.0 / 3, expected, 1e-15, "case " + c);
      assertEquals(expected, m.get("f1[0]"), 0.0, "case " + c);
      assertEquals(expected, m.get("microF1"), 0.0, "case " + c + ": the only label with positives");
      assertEquals(0.0, m.get("f1[1]"), 0.0);
    }
  }
}
