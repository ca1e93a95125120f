package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Feature statistics, the feature and target scalings fitted from them, and the preprocessing
 * that applies both. Expected values are worked out by hand from small integer data.
 */
class ScalingTest {

  // Four rows, two features, global indices 100..103:
  //   feature 0: 1, 4, 2, 3    -> mean 2.5, squared deviations 5, min 1, max 4
  //   feature 1: -5, 7, 0, 2   -> mean 1, squared deviations 74, min -5, max 7
  //   target:    10, 20, 30, 40 -> mean 25, squared deviations 500
  private static PackedBlock block() {
    return new PackedBlock(100, 4, 2, 1, new float[] {1, -5, 4, 7, 2, 0, 3, 2}, new float[] {10, 20, 30, 40});
  }

  // Sums of a few small doubles and one division: exact or within a few ulps.
  private static final double EPS = 1e-12;

  @Test
  void statisticsOfAllRows() {
    FeatureStats s = FeatureStats.of(block(), i -> true);
    assertEquals(4, s.count());
    assertEquals(2, s.features());
    assertEquals(2.5, s.mean(0), EPS);
    assertEquals(1.0, s.mean(1), EPS);
    assertEquals(Math.sqrt(5.0 / 4), s.std(0), EPS, "population standard deviation: divided by n");
    assertEquals(Math.sqrt(74.0 / 4), s.std(1), EPS);
    assertEquals(1f, s.min(0));
    assertEquals(4f, s.max(0));
    assertEquals(-5f, s.min(1));
    assertEquals(7f, s.max(1));
    assertEquals(25.0, s.targetMean(), EPS);
    assertEquals(Math.sqrt(500.0 / 4), s.targetStd(), EPS);
  }

  @Test
  void statisticsOfTheIncludedRowsOnly() {
    // Without row 101 (4, 7; 20): feature 0 is 1, 2, 3; feature 1 is -5, 0, 2; target 10, 30, 40.
    FeatureStats s = FeatureStats.of(block(), i -> i != 101);
    assertEquals(3, s.count());
    assertEquals(2.0, s.mean(0), EPS);
    assertEquals(-1.0, s.mean(1), EPS);
    assertEquals(Math.sqrt(2.0 / 3), s.std(0), EPS);
    assertEquals(Math.sqrt(26.0 / 3), s.std(1), EPS);
    assertEquals(3f, s.max(0));
    assertEquals(2f, s.max(1));
    assertEquals(-5f, s.min(1));
    assertEquals(80.0 / 3, s.targetMean(), EPS);
    double m = 80.0 / 3;
    assertEquals(Math.sqrt(((10 - m) * (10 - m) + (30 - m) * (30 - m) + (40 - m) * (40 - m)) / 3), s.targetStd(), EPS);
  }

  @Test
  void onlyTheFirstTargetColumnIsATarget() {
    PackedBlock twoTargets = new PackedBlock(0, 2, 1, 2, new float[] {1, 3}, new float[] {10, 99, 20, -99});
    FeatureStats s = FeatureStats.of(twoTargets, i -> true);
    assertEquals(15.0, s.targetMean(), EPS);
    assertEquals(5.0, s.targetStd(), EPS);
  }

  @Test
  void noRowsGiveZeroSpreadAndEmptyRanges() {
    FeatureStats s = FeatureStats.of(block(), i -> false);
    assertEquals(0, s.count());
    assertEquals(0.0, s.std(0));
    assertEquals(0.0, s.targetStd());
    assertEquals(Float.POSITIVE_INFINITY, s.min(0));
    assertEquals(Float.NEGATIVE_INFINITY, s.max(1));
    assertEquals(0.0, new FeatureStats(3).std(2));
    assertEquals(3, new FeatureStats(3).features());
  }

  @Test
  void mergedPartsEqualTheWhole() {
    FeatureStats whole = FeatureStats.of(block(), i -> true);
    for (long cut = 100; cut <= 104; cut++) {
      long c = cut;
      FeatureStats merged = FeatureStats.of(block(), i -> i < c).merge(FeatureStats.of(block(), i -> i >= c));
      assertStatsEqual(whole, merged, "cut before row " + cut);
    }
    // Uneven parts, merged in the other order: the same statistics.
    FeatureStats reversed = FeatureStats.of(block(), i -> i >= 103).merge(FeatureStats.of(block(), i -> i < 103));
    assertStatsEqual(whole, reversed, "reversed");
  }

  @Test
  void mergingIntoAnEmptyStatisticCopiesTheOtherAndLeavesItAlone() {
    FeatureStats part = FeatureStats.of(block(), i -> true);
    FeatureStats empty = new FeatureStats(2);
    assertSame(empty, empty.merge(part));
    assertStatsEqual(part, empty, "copied");
    empty.merge(FeatureStats.of(block(), i -> i == 100)); // changes the copy, not the original
    assertEquals(4, part.count());
    assertEquals(2.5, part.mean(0), EPS);
    assertEquals(Math.sqrt(5.0 / 4), part.std(0), EPS);
    assertEquals(4f, part.max(0));
    assertEquals(-5f, part.min(1));
    assertEquals(5, empty.count());
  }

  private static void assertStatsEqual(FeatureStats want, FeatureStats got, String what) {
    assertEquals(want.count(), got.count(), what);
    for (int j = 0; j < want.features(); j++) {
      assertEquals(want.mean(j), got.mean(j), EPS, what);
      assertEquals(want.std(j), got.std(j), EPS, what);
      assertEquals(want.min(j), got.min(j), what);
      assertEquals(want.max(j), got.max(j), what);
    }
    assertEquals(want.targetMean(), got.targetMean(), EPS, what);
    assertEquals(want.targetStd(), got.targetStd(), EPS, what);
  }

  @Test
  void methodsByTheirConfigurationNames() {
    assertEquals(FeatureScaling.Method.STANDARD, FeatureScaling.Method.parse("standard"));
    assertEquals(FeatureScaling.Method.MINMAX, FeatureScaling.Method.parse("MinMax"));
    assertEquals(FeatureScaling.Method.DIVIDE_BY_255, FeatureScaling.Method.parse("divide_by_255"));
    assertEquals(FeatureScaling.Method.NONE, FeatureScaling.Method.parse("NONE"));
    assertEquals("divide_by_255", FeatureScaling.Method.DIVIDE_BY_255.configName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureScaling.Method.parse("zscore"));
    assertEquals("unknown feature scaling 'zscore'; expected none, standard, minmax or divide_by_255", e.getMessage());
    assertTrue(FeatureScaling.Method.STANDARD.fitted());
    assertTrue(FeatureScaling.Method.MINMAX.fitted());
    assertFalse(FeatureScaling.Method.NONE.fitted());
    assertFalse(FeatureScaling.Method.DIVIDE_BY_255.fitted());
  }

  @Test
  void standardScalingSubtractsTheMeanAndDividesByTheStandardDeviation() {
    FeatureScaling f = FeatureScaling.fit(FeatureScaling.Method.STANDARD, FeatureStats.of(block(), i -> true));
    assertEquals(FeatureScaling.Method.STANDARD, f.method());
    assertEquals(2, f.features());
    assertFalse(f.identity());
    assertArrayEquals(new float[] {2.5f, 1f}, f.shift());
    assertArrayEquals(new float[] {(float) Math.sqrt(1.25), (float) Math.sqrt(18.5)}, f.scale());
    float[] x = {4, 7};
    f.apply(x, 0, 1);
    assertEquals((4f - 2.5f) / (float) Math.sqrt(1.25), x[0]);
    assertEquals((7f - 1f) / (float) Math.sqrt(18.5), x[1]);
  }

  @Test
  void minMaxScalingMapsTheTrainingRangeOntoZeroToOne() {
    FeatureScaling f = FeatureScaling.fit(FeatureScaling.Method.MINMAX, FeatureStats.of(block(), i -> true));
    assertArrayEquals(new float[] {1, -5}, f.shift());
    assertArrayEquals(new float[] {3, 12}, f.scale());
    PackedBlock b = block();
    f.apply(b.x, 0, b.rows);
    assertArrayEquals(new float[] {0, 0, 1, 1, 1f / 3, 5f / 12, 2f / 3, 7f / 12}, b.x);
  }

  @Test
  void aFeatureWithoutSpreadKeepsScaleOne() {
    PackedBlock constant = new PackedBlock(0, 3, 2, 1, new float[] {5, 1, 5, 2, 5, 3}, new float[] {7, 7, 7});
    FeatureStats s = FeatureStats.of(constant, i -> true);
    FeatureScaling standard = FeatureScaling.fit(FeatureScaling.Method.STANDARD, s);
    assertArrayEquals(new float[] {5, 2}, standard.shift());
    assertEquals(1f, standard.scale()[0]);
    FeatureScaling minmax = FeatureScaling.fit(FeatureScaling.Method.MINMAX, s);
    assertArrayEquals(new float[] {1, 2}, minmax.scale());
    float[] x = {5, 3};
    standard.apply(x, 0, 1);
    assertEquals(0f, x[0], "a constant feature becomes 0, not NaN");
    TargetScaling t = TargetScaling.fit(s);
    assertEquals(7f, t.shift());
    assertEquals(1f, t.scale());
  }

  @Test
  void aSpreadBeyondFloatRangeKeepsScaleOne() {
    PackedBlock wide = new PackedBlock(0, 2, 1, 1, new float[] {-Float.MAX_VALUE, Float.MAX_VALUE}, new float[] {0, 0});
    FeatureScaling minmax = FeatureScaling.fit(FeatureScaling.Method.MINMAX, FeatureStats.of(wide, i -> true));
    assertEquals(1f, minmax.scale()[0], "max - min overflows float32");
    assertEquals(-Float.MAX_VALUE, minmax.shift()[0]);
  }

  @Test
  void unfittedMethodsNeedNoStatistics() {
    FeatureScaling none = FeatureScaling.unfitted(FeatureScaling.Method.NONE, 3);
    assertTrue(none.identity());
    assertArrayEquals(new float[3], none.shift());
    assertArrayEquals(new float[] {1, 1, 1}, none.scale());
    float[] x = {1, 2, 3};
    none.apply(x, 0, 1);
    assertArrayEquals(new float[] {1, 2, 3}, x);
    FeatureScaling by255 = FeatureScaling.unfitted(FeatureScaling.Method.DIVIDE_BY_255, 2);
    assertFalse(by255.identity());
    float[] pixels = {255, 51, 0, 127.5f};
    by255.apply(pixels, 0, 2);
    assertArrayEquals(new float[] {1, 0.2f, 0, 0.5f}, pixels);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FeatureScaling.unfitted(FeatureScaling.Method.STANDARD, 2));
    assertEquals("standard scaling is fitted from data", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FeatureScaling.unfitted(FeatureScaling.Method.MINMAX, 2));
    FeatureScaling fittedNone = FeatureScaling.fit(FeatureScaling.Method.DIVIDE_BY_255, FeatureStats.of(block(), i -> true));
    assertEquals(by255, fittedNone, "fit of an unfitted method ignores the statistics");
  }

  @Test
  void applyScalesOnlyTheRowsAskedFor() {
    FeatureScaling f = new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1, 2}, new float[] {2, 4});
    float[] x = {9, 9, 3, 6, 5, 10, 9, 9};
    f.apply(x, 2, 2);
    assertArrayEquals(new float[] {9, 9, 1, 1, 2, 2, 9, 9}, x);
  }

  @Test
  void invalidScalingsAreRefusedNamingTheFeature() {
    assertEquals("shift and scale differ in length", assertThrows(IllegalArgumentException.class,
        () -> new FeatureScaling(FeatureScaling.Method.STANDARD, new float[2], new float[] {1})).getMessage());
    assertEquals("feature 1 has scaling shift 0.0, scale 0.0; a finite shift and a finite, non-zero scale are needed",
        assertThrows(IllegalArgumentException.class,
            () -> new FeatureScaling(FeatureScaling.Method.STANDARD, new float[2], new float[] {1, 0})).getMessage());
    for (float[] bad : new float[][] {{Float.NaN, 1}, {Float.POSITIVE_INFINITY, 1}, {0, Float.NaN}, {0, Float.NEGATIVE_INFINITY}}) {
      assertThrows(IllegalArgumentException.class,
          () -> new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {bad[0]}, new float[] {bad[1]}));
    }
    assertEquals(1, new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {-3}, new float[] {-2}).features(),
        "a negative scale is finite and non-zero");
  }

  @Test
  void aScalingOwnsItsArrays() {
    float[] shift = {1};
    float[] scale = {2};
    FeatureScaling f = new FeatureScaling(FeatureScaling.Method.STANDARD, shift, scale);
    shift[0] = 100;
    scale[0] = 100;
    f.shift()[0] = 50;
    f.scale()[0] = 50;
    assertArrayEquals(new float[] {1}, f.shift());
    assertArrayEquals(new float[] {2}, f.scale());
  }

  @Test
  void scalingsAreEqualByMethodShiftAndScale() {
    FeatureScaling a = new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1}, new float[] {2});
    assertEquals(a, new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1}, new float[] {2}));
    assertEquals(a.hashCode(), new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1}, new float[] {2}).hashCode());
    assertNotEquals(a, new FeatureScaling(FeatureScaling.Method.MINMAX, new float[] {1}, new float[] {2}));
    assertNotEquals(a, new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {0}, new float[] {2}));
    assertNotEquals(a, new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1}, new float[] {3}));
    assertNotEquals(a.hashCode(), new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {0}, new float[] {2}).hashCode());
    assertNotEquals(a, (Object) "standard");
  }

  @Test
  void targetScalingStandardisesAndInvertsTheTarget() {
    TargetScaling t = TargetScaling.fit(FeatureStats.of(block(), i -> true));
    assertEquals(25f, t.shift());
    assertEquals((float) Math.sqrt(125), t.scale());
    assertFalse(t.identity());
    assertEquals((35f - 25f) / (float) Math.sqrt(125), t.apply(35f));
    assertEquals(2f * (float) Math.sqrt(125) + 25f, t.invert(2f));
    for (float y : new float[] {10, 20, 30, 40}) assertEquals(y, t.invert(t.apply(y)), 1e-5f, "float32 round trip");
    assertTrue(TargetScaling.IDENTITY.identity());
    assertEquals(3f, TargetScaling.IDENTITY.apply(3f));
    assertFalse(new TargetScaling(0f, 2f).identity());
    assertFalse(new TargetScaling(1f, 1f).identity());
    assertEquals(-2f, new TargetScaling(0f, -1f).apply(2f));
  }

  @Test
  void invalidTargetScalingsAreRefused() {
    assertEquals("target scaling shift 0.0, scale 0.0: a finite shift and a finite, non-zero scale are needed",
        assertThrows(IllegalArgumentException.class, () -> new TargetScaling(0f, 0f)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TargetScaling(Float.NaN, 1f));
    assertThrows(IllegalArgumentException.class, () -> new TargetScaling(Float.NEGATIVE_INFINITY, 1f));
    assertThrows(IllegalArgumentException.class, () -> new TargetScaling(0f, Float.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new TargetScaling(0f, Float.NaN));
  }

  @Test
  void preprocessingScalesFeaturesAndARegressionTarget() {
    FeatureScaling f = new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1, 0}, new float[] {1, 2});
    Preprocessing regression = new Preprocessing(f, new TargetScaling(10f, 10f), null);
    assertFalse(regression.classification());
    PackedBlock b = new PackedBlock(0, 2, 2, 1, new float[] {1, 2, 3, 4}, new float[] {30, 0});
    regression.applyTo(b);
    assertArrayEquals(new float[] {0, 1, 2, 2}, b.x);
    assertArrayEquals(new float[] {2, -1}, b.y);
  }

  @Test
  void preprocessingLeavesClassIndicesAlone() {
    FeatureScaling f = new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1}, new float[] {2});
    Preprocessing classification = new Preprocessing(f, new TargetScaling(10f, 10f), LabelMapping.indices(3));
    assertTrue(classification.classification());
    PackedBlock b = new PackedBlock(0, 2, 1, 1, new float[] {3, 5}, new float[] {2, 0});
    classification.applyTo(b);
    assertArrayEquals(new float[] {1, 2}, b.x);
    assertArrayEquals(new float[] {2, 0}, b.y);
  }

  @Test
  void preprocessingNeedsFeatureAndTargetScalings() {
    FeatureScaling none = FeatureScaling.unfitted(FeatureScaling.Method.NONE, 1);
    assertEquals("features", assertThrows(NullPointerException.class,
        () -> new Preprocessing(null, TargetScaling.IDENTITY, null)).getMessage());
    assertEquals("target", assertThrows(NullPointerException.class, () -> new Preprocessing(none, null, null)).getMessage());
    Preprocessing p = new Preprocessing(none, TargetScaling.IDENTITY, null);
    assertNull(p.labels());
    assertSame(none, p.features());
  }
}
