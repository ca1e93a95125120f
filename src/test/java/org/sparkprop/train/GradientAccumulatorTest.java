package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.JavaGemm;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * Gradient sums worked out by hand. The network is y = w x + b with the MSE loss, evaluated at
 * w = b = 0: a row (x, t) then has loss t², dL/dw = -2 t x and dL/db = -2 t, all exact in float for
 * the small binary fractions used here, so sums can be compared bit for bit.
 */
class GradientAccumulatorTest {
  private static final NetworkSpec LINE = new NetworkSpec(1, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY,
      Loss.MSE);
  private static final DenseNetwork NET = new DenseNetwork(LINE, new JavaGemm());
  private static final float[] ZERO = {0f, 0f};
  private static final float[] X = {1f, 2f, 3f, 4f};
  private static final float[] T = {1f, -1f, 2f, 0.5f};

  private static Workspace ws(int capacity) {
    return new Workspace(LINE, 1, capacity);
  }

  private static float[] mean(GradientAccumulator acc) {
    float[] out = new float[2];
    acc.meanGradient(out);
    return out;
  }

  @Test
  void aWholeEpochSumsEveryRowsGradientAndLoss() {
    PackedBlock block = new PackedBlock(0, 4, 1, 1, X, T);
    EpochPermutation perm = new EpochPermutation(4, 1, 0);
    GradientAccumulator acc = new GradientAccumulator(2).add(NET, ZERO, block, perm, 0, 4, ws(8));
    assertEquals(4, acc.count());
    assertEquals(1 + 1 + 4 + 0.25, acc.lossSum());
    assertEquals((1 + 1 + 4 + 0.25) / 4, acc.meanLoss());
    // sum of t x = 1 - 2 + 6 + 2 = 7, sum of t = 2.5
    assertArrayEquals(new float[] {-14f / 4, -5f / 4}, mean(acc));
  }

  @Test
  void aBatchTakesTheRowsAtItsShuffledPositions() {
    PackedBlock block = new PackedBlock(0, 4, 1, 1, X, T);
    EpochPermutation perm = new EpochPermutation(4, 9, 2);
    GradientAccumulator acc = new GradientAccumulator(2).add(NET, ZERO, block, perm, 1, 3, ws(8));
    int a = (int) perm.rowAt(1);
    int b = (int) perm.rowAt(2);
    assertEquals(2, acc.count());
    assertEquals(T[a] * T[a] + T[b] * T[b], acc.lossSum());
    assertArrayEquals(new float[] {-(T[a] * X[a] + T[b] * X[b]), -(T[a] + T[b])}, mean(acc));
  }

  @Test
  void aBlockAddsOnlyTheRowsItHoldsAndChunksDoNotChangeTheSum() {
    EpochPermutation perm = new EpochPermutation(4, 1, 0);
    GradientAccumulator whole = new GradientAccumulator(2).add(NET, ZERO, new PackedBlock(0, 4, 1, 1, X, T), perm, 0,
        4, ws(8));
    // Rows 0-1 and rows 2-3 as two blocks of one partition, and a workspace of one row (four chunks).
    GradientAccumulator parts = new GradientAccumulator(2);
    parts.add(NET, ZERO, new PackedBlock(0, 2, 1, 1, Arrays.copyOfRange(X, 0, 2), Arrays.copyOfRange(T, 0, 2)), perm,
        0, 4, ws(1));
    assertEquals(2, parts.count(), "the first block holds two of the four rows");
    parts.add(NET, ZERO, new PackedBlock(2, 2, 1, 1, Arrays.copyOfRange(X, 2, 4), Arrays.copyOfRange(T, 2, 4)), perm,
        0, 4, ws(1));
    assertEquals(whole.count(), parts.count());
    assertEquals(whole.lossSum(), parts.lossSum());
    assertArrayEquals(mean(whole), mean(parts));
    // A workspace of three rows: one full chunk and a remainder of one.
    GradientAccumulator threes = new GradientAccumulator(2).add(NET, ZERO, new PackedBlock(0, 4, 1, 1, X, T), perm, 0,
        4, ws(3));
    assertEquals(4, threes.count());
    assertArrayEquals(mean(whole), mean(threes));
  }

  @Test
  void severalTargetsOfARowAreGatheredWithIt() {
    // One input, two outputs (y_j = w_j x + b_j) at zero: per row dL/dw_j = -2 t_j x / 2 = -t_j x
    // (the loss of a row is the mean over its outputs) and dL/db_j = -t_j.
    NetworkSpec two = new NetworkSpec(1, new int[0], Activation.IDENTITY, 2, Activation.IDENTITY, Loss.MSE);
    PackedBlock block = new PackedBlock(0, 3, 1, 2, new float[] {1f, 2f, 4f}, new float[] {1f, -1f, 0.5f, 2f, -2f, 0f});
    GradientAccumulator acc = new GradientAccumulator(4).add(new DenseNetwork(two, new JavaGemm()), new float[4], block,
        new EpochPermutation(3, 5, 0), 0, 3, new Workspace(two, 2, 3));
    float[] mean = new float[4];
    acc.meanGradient(mean);
    // sum of t_0 x = 1 + 1 - 8 = -6, of t_1 x = -1 + 4 + 0 = 3; sum of t_0 = -0.5, of t_1 = 1
    assertArrayEquals(new float[] {6f / 3, -3f / 3, 0.5f / 3, -1f / 3}, mean);
    assertEquals((1 + 1) / 2.0 + (0.25 + 4) / 2.0 + (4 + 0) / 2.0, acc.lossSum());
  }

  @Test
  void mergeAddsSumsAndCountsAndKeepsTheSlowestComputeTime() {
    EpochPermutation perm = new EpochPermutation(4, 1, 0);
    GradientAccumulator a = new GradientAccumulator(2).add(NET, ZERO,
        new PackedBlock(0, 2, 1, 1, Arrays.copyOfRange(X, 0, 2), Arrays.copyOfRange(T, 0, 2)), perm, 0, 4, ws(4));
    GradientAccumulator b = new GradientAccumulator(2).add(NET, ZERO,
        new PackedBlock(2, 2, 1, 1, Arrays.copyOfRange(X, 2, 4), Arrays.copyOfRange(T, 2, 4)), perm, 0, 4, ws(4));
    assertTrue(a.computeNanos() > 0 && b.computeNanos() > 0, "each add times its work");
    long slowest = Math.max(a.computeNanos(), b.computeNanos());
    GradientAccumulator whole = new GradientAccumulator(2).add(NET, ZERO, new PackedBlock(0, 4, 1, 1, X, T), perm, 0,
        4, ws(4));
    assertSame(a, a.merge(b));
    assertEquals(4, a.count());
    assertEquals(whole.lossSum(), a.lossSum());
    assertArrayEquals(mean(whole), mean(a));
    assertEquals(slowest, a.computeNanos(), "tasks run in parallel: the critical path, not the sum");
  }

  @Test
  void gradientsOfOtherSizesAreNotMerged() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GradientAccumulator(2).merge(new GradientAccumulator(3)));
    assertEquals("cannot merge gradients of 3 and 2 parameters", e.getMessage());
  }

  @Test
  void anEmptyAccumulatorHasNoMeanAndResetEmptiesOne() {
    GradientAccumulator acc = new GradientAccumulator(2);
    assertTrue(Double.isNaN(acc.meanLoss()));
    assertEquals("no examples were added",
        assertThrows(IllegalStateException.class, () -> acc.meanGradient(new float[2])).getMessage());
    assertNull(acc.kernel());
    acc.add(NET, ZERO, new PackedBlock(0, 4, 1, 1, X, T), new EpochPermutation(4, 1, 0), 0, 4, ws(4));
    acc.reset();
    assertEquals(0, acc.count());
    assertEquals(0.0, acc.lossSum());
    assertEquals(0, acc.computeNanos());
    // Re-used after a reset, it holds only what is added next.
    acc.add(NET, ZERO, new PackedBlock(0, 1, 1, 1, new float[] {3f}, new float[] {2f}), new EpochPermutation(1, 1, 0),
        0, 1, ws(4));
    assertArrayEquals(new float[] {-12f, -4f}, mean(acc));
    assertEquals(4.0, acc.lossSum());
  }

  /** Partition i holds row i; its only row has x = 0, so its gradient is (0, -2 t). */
  private static List<GradientAccumulator> onePerRow(float[] targets) {
    int n = targets.length;
    EpochPermutation perm = new EpochPermutation(n, 3, 0);
    List<GradientAccumulator> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Iterator<PackedBlock> blocks = List.of(new PackedBlock(i, 1, 1, 1, new float[] {0f}, new float[] {targets[i]}))
          .iterator();
      out.add(PartitionRound.gradient(NET, ZERO, blocks, perm, 0, n, ws(4)));
    }
    return out;
  }

  @Test
  void partitionsMergeInGroupsOfTheFanInAndThenTheGroupsInOrder() {
    // Bias gradients 2^24, 0, 1, 1. In one ordered pass 2^24 + 1 rounds back to 2^24 (ties to
    // even), twice; in groups of two, (2^24 + 0) + (1 + 1) = 2^24 + 2 is exact. So the bits tell
    // the two orders apart, and a fan-in of 2 must give the grouped sum.
    float[] targets = {-8_388_608f, 0f, -0.5f, -0.5f};
    float[] grouped = mean(PartitionRound.merge(onePerRow(targets), 2));
    assertEquals((16_777_216f + 2f) / 4, grouped[1]);
    float[] ordered = mean(PartitionRound.merge(onePerRow(targets), 4));
    assertEquals(16_777_216f / 4, ordered[1], "up to the fan-in, one ordered pass");
    assertEquals(16_777_216f / 4, mean(PartitionRound.merge(onePerRow(targets), 100))[1]);
    assertEquals(16_777_216f / 4, mean(PartitionRound.inOrder(onePerRow(targets)))[1]);
    GradientAccumulator merged = PartitionRound.merge(onePerRow(targets), 2);
    assertEquals(4, merged.count());
    assertEquals(70_368_744_177_664.0 + 0.25 + 0.25, merged.lossSum());
    // Five partitions in groups of two: the last group holds one.
    float[] five = {-8_388_608f, 0f, -0.5f, -0.5f, -0.5f};
    assertEquals(5, PartitionRound.merge(onePerRow(five), 2).count());
    assertEquals((16_777_216f + 2f + 1f) / 5, mean(PartitionRound.merge(onePerRow(five), 2))[1],
        "((2^24 + 0) + (1 + 1)) + 1: the third group joins in order");
  }

  @Test
  void aReusedAccumulatorIsEmptiedBeforeEachPartitionRound() {
    EpochPermutation perm = new EpochPermutation(4, 1, 0);
    GradientAccumulator kept = new GradientAccumulator(2);
    for (int round = 0; round < 2; round++) {
      GradientAccumulator got = PartitionRound.gradientInto(kept, NET, ZERO,
          List.of(new PackedBlock(0, 4, 1, 1, X, T)).iterator(), perm, 0, 4, ws(4));
      assertSame(kept, got);
      assertEquals(4, got.count(), "round " + round);
      assertArrayEquals(new float[] {-14f / 4, -5f / 4}, mean(got), "round " + round);
    }
    assertNull(PartitionRound.inOrder(List.of()), "no partitions, no sum");
  }

  @Test
  void weightedRowsSumTheirWeightsAndMarkTheSumsWeighted() {
    EpochPermutation perm = new EpochPermutation(4, 1, 0);
    GradientAccumulator plain = new GradientAccumulator(2).add(NET, ZERO, new PackedBlock(0, 4, 1, 1, X, T), perm, 0,
        4, ws(4));
    assertFalse(plain.weighted());
    assertEquals(4.0, plain.weightSum(), "unweighted rows weigh 1 each");
    float[] w = {2f, 0f, 1f, 0.5f};
    GradientAccumulator weighted = new GradientAccumulator(2).add(NET, ZERO, new PackedBlock(0, 4, 1, 1, X, T, w), perm,
        0, 4, ws(4));
    assertTrue(weighted.weighted());
    assertEquals(3.5, weighted.weightSum());
    // Loss t² weighted: 2*1 + 0*1 + 1*4 + 0.5*0.25; its mean divides by the weight sum, not the row count.
    assertEquals(2 + 4 + 0.125, weighted.lossSum());
    assertEquals((2 + 4 + 0.125) / 3.5, weighted.meanLoss());
    // Merging keeps the mark whichever side carried the weights, and adds the weight sums.
    GradientAccumulator merged = new GradientAccumulator(2).add(NET, ZERO, new PackedBlock(0, 4, 1, 1, X, T), perm, 0,
        4, ws(4)).merge(weighted);
    assertTrue(merged.weighted());
    assertEquals(7.5, merged.weightSum());
    assertEquals(8, merged.count());
  }

  @Test
  void rowsThatAllWeighNothingGiveAZeroGradientWhateverTheOutputHeld() {
    GradientAccumulator acc = new GradientAccumulator(2).add(NET, ZERO,
        new PackedBlock(0, 4, 1, 1, X, T, new float[4]), new EpochPermutation(4, 1, 0), 0, 4, ws(4));
    float[] out = {Float.NaN, 7f};
    acc.meanGradient(out);
    assertArrayEquals(new float[] {0f, 0f}, out, "the output is written, not left as it was");
    assertEquals(0.0, acc.meanLoss());
  }
}
