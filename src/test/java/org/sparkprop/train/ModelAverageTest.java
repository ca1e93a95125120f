package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkprop.optim.OptimizerState;

/** The rows-weighted average of partition models: its values, order, tree, bookkeeping and refusals. */
class ModelAverageTest {

  private static PartitionModel model(float[] params, float[] slot, long rows) {
    return new PartitionModel(params, new float[][] {slot}, rows, rows * 0.5, rows, null, rows * 10);
  }

  @Test
  void weightsAndSlotsAreAveragedByRowsAndDividedOnce() {
    ModelAverage a = new ModelAverage()
        .add(model(new float[] {1f, -2f}, new float[] {4f, 0f}, 1))
        .add(model(new float[] {4f, 1f}, new float[] {1f, 3f}, 3));
    // (1*1 + 3*4) / 4 = 3.25, (1*-2 + 3*1) / 4 = 0.25; slots (4 + 3) / 4 = 1.75, 9 / 4 = 2.25.
    assertArrayEquals(new float[] {3.25f, 0.25f}, a.params());
    OptimizerState s = a.state("momentum", 12);
    assertEquals("momentum", s.kind());
    assertEquals(12, s.steps());
    assertArrayEquals(new float[] {1.75f, 2.25f}, s.slots()[0]);
    assertEquals(4, a.rows());
    assertEquals(2.0, a.lossSum());
    assertEquals(3.0, a.largestNorm(), "the largest of 1 and 3");
    assertEquals(30, a.computeNanos(), "the slowest partition's");
    assertNull(a.divergence());
  }

  @Test
  void oneModelComesBackBitForBit() {
    // n x / n in double is x for any float x and row count n: one partition is the identity.
    float[] odd = {0.1f, (float) Math.PI, -1e-30f, 3.4e38f, Float.MIN_VALUE};
    for (long n : new long[] {1, 3, 7, 1000, 123_457}) {
      ModelAverage a = new ModelAverage().add(model(odd.clone(), odd.clone(), n));
      assertArrayEquals(odd, a.params(), "n = " + n);
      assertArrayEquals(odd, a.state("sgd", 0).slots()[0], "n = " + n);
    }
  }

  @Test
  void aPartitionWithoutRowsCountsForNothing() {
    ModelAverage a = new ModelAverage()
        .add(model(new float[] {100f}, new float[] {100f}, 0))
        .add(model(new float[] {2f}, new float[] {5f}, 2));
    assertArrayEquals(new float[] {2f}, a.params());
    assertArrayEquals(new float[] {5f}, a.state("momentum", 1).slots()[0]);
    assertEquals(2, a.rows());
  }

  @Test
  void nothingToAverageIsRefused() {
    ModelAverage none = new ModelAverage().add(model(new float[] {1f}, new float[] {1f}, 0));
    IllegalStateException e = assertThrows(IllegalStateException.class, none::params);
    assertTrue(e.getMessage().contains("no partition stepped on any row"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> none.state("sgd", 0));
  }

  @Test
  void theTreeAveragesGroupsOfConsecutivePartitionsThenTheGroups() {
    List<PartitionModel> models = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      models.add(model(new float[] {p + 0.1f * p * p, 1f / (p + 3)}, new float[] {p, -p}, p + 1));
    }
    ModelAverage tree = ModelAverage.merge(models, 2);
    ModelAverage byHand = new ModelAverage()
        .merge(new ModelAverage().add(models.get(0)).add(models.get(1)))
        .merge(new ModelAverage().add(models.get(2)).add(models.get(3)))
        .merge(new ModelAverage().add(models.get(4)));
    assertArrayEquals(byHand.params(), tree.params());
    assertArrayEquals(byHand.state("sgd", 0).slots()[0], tree.state("sgd", 0).slots()[0]);
    assertEquals(15, tree.rows());
    assertEquals(7.5, tree.lossSum());
    assertEquals(5.0, tree.largestNorm());
    assertEquals(50, tree.computeNanos());
    // Up to the fan-in, the flat average in partition order.
    ModelAverage flat = ModelAverage.merge(models, 5);
    ModelAverage inOrder = ModelAverage.inOrder(models);
    assertArrayEquals(inOrder.params(), flat.params());
    // The weighted mean of p + 0.1 p^2 with weights p + 1: (0 + 2.2 + 4.2 + 7.2... ) checked in double.
    double expected = 0;
    for (int p = 0; p < 5; p++) expected += (p + 1) * (double) (p + 0.1f * p * p);
    assertEquals((float) (expected / 15), flat.params()[0]);
  }

  @Test
  void mergingAnEmptyAverageChangesNothing() {
    ModelAverage a = new ModelAverage().add(model(new float[] {2f}, new float[] {1f}, 2));
    assertSame(a, a.merge(new ModelAverage()));
    assertArrayEquals(new float[] {2f}, a.params());
    assertEquals(2, a.rows());
  }

  @Test
  void theFirstDivergenceInPartitionOrderIsKept() {
    ModelAverage a = new ModelAverage()
        .add(model(new float[] {1f}, new float[] {0f}, 1))
        .add(new PartitionModel(new float[] {1f}, new float[][] {{0f}}, 1, 0, 0, "partition 1 diverged", 0))
        .add(new PartitionModel(new float[] {1f}, new float[][] {{0f}}, 1, 0, 0, "partition 2 diverged", 0));
    assertEquals("partition 1 diverged", a.divergence());
    ModelAverage b = new ModelAverage().add(model(new float[] {1f}, new float[] {0f}, 1)).merge(a);
    assertEquals("partition 1 diverged", b.divergence());
  }

  @Test
  void modelsOfDifferentKernelsOrShapesAreRefused() {
    ModelAverage a = new ModelAverage().add(model(new float[] {1f}, new float[] {0f}, 1).computedWith("haswell", "h1"));
    assertEquals("haswell", a.kernel());
    assertEquals("h1", a.host());
    IllegalStateException k = assertThrows(IllegalStateException.class,
        () -> a.add(model(new float[] {1f}, new float[] {0f}, 1).computedWith("skylakex", "h2")));
    assertTrue(k.getMessage().contains("skylakex on h2") && k.getMessage().contains("haswell on h1"), k.getMessage());
    ModelAverage other = new ModelAverage().add(model(new float[] {1f}, new float[] {0f}, 1).computedWith("zen", "h3"));
    assertThrows(IllegalStateException.class, () -> a.merge(other));
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> a.add(model(new float[] {1f, 2f}, new float[] {0f, 0f}, 1)));
    assertTrue(shape.getMessage().contains("2 parameters"), shape.getMessage());
    assertThrows(IllegalArgumentException.class, () -> a.add(new PartitionModel(new float[] {1f}, new float[0][], 1, 0,
        0, null, 0)));
    ModelAverage wide = new ModelAverage().add(model(new float[] {1f, 2f}, new float[] {0f, 0f}, 1));
    assertThrows(IllegalArgumentException.class, () -> new ModelAverage().add(model(new float[] {1f}, new float[] {0f},
        1)).merge(wide));
    // A kernel joins an average that had none yet.
    ModelAverage unnamed = new ModelAverage().add(model(new float[] {1f}, new float[] {0f}, 1));
    unnamed.add(model(new float[] {1f}, new float[] {0f}, 1).computedWith("zen", "h4"));
    assertEquals("zen", unnamed.kernel());
    assertEquals("h4", unnamed.host());
  }

  @Test
  void theTreeIsTheRowsWeightedMeanOfAllPartitions() {
    List<PartitionModel> models = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      models.add(model(new float[] {p + 0.1f * p * p, 1f / (p + 3)}, new float[] {p, -p}, p + 1));
    }
    ModelAverage tree = ModelAverage.merge(models, 2);
    double[] params = new double[2];
    double[] slot = new double[2];
    for (int p = 0; p < 5; p++) {
      params[0] += (p + 1) * (double) (p + 0.1f * p * p);
      params[1] += (p + 1) * (double) (1f / (p + 3));
      slot[0] += (p + 1) * (double) p;
      slot[1] += (p + 1) * (double) -p;
    }
    // The tree groups the double sums differently: a few double ulps, far below float resolution.
    assertArrayEquals(new float[] {(float) (params[0] / 15), (float) (params[1] / 15)}, tree.params(), 1e-6f);
    assertArrayEquals(new float[] {(float) (slot[0] / 15), (float) (slot[1] / 15)}, tree.state("sgd", 0).slots()[0],
        1e-6f);
  }

  @Test
  void theTreeAddsWithinGroupsFirstWhichCanChangeTheBits() {
    // 1e30 + 1 is 1e30 in double: in order ((1e30 + 1) - 1e30) + 1 = 1, but as the tree of two groups
    // (1e30 + 1) + (-1e30 + 1) = 0. The order is part of the result, so it must be the documented one.
    List<PartitionModel> models = new ArrayList<>();
    for (float v : new float[] {1e30f, 1f, -1e30f, 1f}) models.add(model(new float[] {v}, new float[] {v}, 1));
    assertArrayEquals(new float[] {0f}, ModelAverage.merge(models, 2).params(), "groups of 2, then the groups");
    assertArrayEquals(new float[] {0.25f}, ModelAverage.merge(models, 4).params(), "up to the fan-in: in order");
    assertArrayEquals(new float[] {0.25f}, ModelAverage.inOrder(models).params());
  }
}
