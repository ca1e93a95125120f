package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** train.classWeights: what each spelling means, and the weight each class gets from it. */
class ClassWeightsTest {

  /** Weights are float32: a quotient such as 40 / 90 is compared to its float rounding. */
  private static final float FLOAT_ROUNDING = 1e-6f;

  private static String refusal(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse(text)).getMessage();
  }

  @Test
  void noSettingMeansNoWeighting() {
    for (String text : new String[] {null, "", "  ", "none", " NONE "}) {
      ClassWeights w = ClassWeights.parse(text);
      assertSame(ClassWeights.NONE, w, "'" + text + "'");
      assertTrue(w.none());
      assertEquals(ClassWeights.Kind.NONE, w.kind());
    }
    assertEquals("none", ClassWeights.NONE.toString());
  }

  @Test
  void noWeightingGivesEveryClassWeightOne() {
    assertArrayEquals(new float[] {1f, 1f, 1f}, ClassWeights.NONE.resolve(new long[] {5, 0, 7}, "the labels"));
  }

  @Test
  void balancedWeighsAClassByTheRowsOverClassesTimesItsRows() {
    ClassWeights balanced = ClassWeights.parse(" Balanced ");
    assertEquals(ClassWeights.Kind.BALANCED, balanced.kind());
    assertFalse(balanced.none());
    assertEquals("balanced", balanced.toString());
    // 40 rows, 2 classes: 40 / (2 * 30) and 40 / (2 * 10).
    assertArrayEquals(new float[] {40f / 60f, 2f}, balanced.resolve(new long[] {30, 10}, "the labels"), FLOAT_ROUNDING);
    // Equal classes all weigh 1.
    assertArrayEquals(new float[] {1f, 1f, 1f}, balanced.resolve(new long[] {4, 4, 4}, "the labels"));
  }

  @Test
  void aBalancedClassWithNoRowWeighsZeroAndTheOthersStillCountIt() {
    // 40 rows, 3 classes (the empty one counts in k): 40 / 90, 0, 40 / 30.
    float[] w = ClassWeights.parse("balanced").resolve(new long[] {30, 0, 10}, "the labels");
    assertArrayEquals(new float[] {40f / 90f, 0f, 40f / 30f}, w, FLOAT_ROUNDING);
  }

  @Test
  void aListGivesEachClassIndexItsWeight() {
    ClassWeights list = ClassWeights.parse("1, 5,0.25");
    assertEquals(ClassWeights.Kind.LIST, list.kind());
    assertFalse(list.none());
    assertEquals("[1.0, 5.0, 0.25]", list.toString());
    // Row counts do not matter to a list.
    assertArrayEquals(new float[] {1f, 5f, 0.25f}, list.resolve(new long[] {1, 100, 0}, "the labels"));
  }

  @Test
  void changingAResolvedListLeavesTheSettingAsItWas() {
    ClassWeights list = ClassWeights.parse("1,5");
    float[] first = list.resolve(new long[] {1, 1}, "the labels");
    first[0] = 99f;
    assertArrayEquals(new float[] {1f, 5f}, list.resolve(new long[] {1, 1}, "the labels"));
  }

  @Test
  void aListOfTheWrongLengthForTheDataIsRefusedNamingBothCounts() {
    String message = assertThrows(DataException.class,
        () -> ClassWeights.parse("1,5").resolve(new long[] {3, 3, 3}, "column 'label'")).getMessage();
    assertTrue(message.contains("gives 2 weights"), message);
    assertTrue(message.contains("column 'label' has 3 classes"), message);
  }

  @Test
  void zeroIsAWeightAsLongAsOneClassCounts() {
    assertArrayEquals(new float[] {0f, 1f}, ClassWeights.parse("0,1").resolve(new long[] {2, 2}, "the labels"));
    assertTrue(refusal("0,0").contains("every class weight is 0"));
  }

  @Test
  void theLargestFloatIsAWeightButNothingAboveIt() {
    String largest = Double.toString(Float.MAX_VALUE);
    assertArrayEquals(new float[] {1f, Float.MAX_VALUE},
        ClassWeights.parse("1," + largest).resolve(new long[] {1, 1}, "the labels"));
    assertTrue(refusal("1,1e39").contains("class weight 1e39 (class 1) must be a finite number >= 0"));
  }

  @Test
  void negativeAndNonFiniteWeightsAreRefusedNamingTheClass() {
    assertTrue(refusal("1,-2").contains("class weight -2 (class 1)"));
    // 1e400 reads as infinity; "NaN" is lower-cased before it is read, so it is no number at all.
    assertTrue(refusal("1e400,1").contains("class weight 1e400 (class 0) must be a finite number"));
    assertTrue(refusal("1,NaN").contains("'nan' is not a number"));
  }

  @Test
  void aWordThatIsNotANumberIsNamed() {
    String message = refusal("1,heavy");
    assertTrue(message.contains("'heavy' is not a number"), message);
    assertTrue(refusal("1,").contains("'' is not a number"), "an empty place in the list is no weight");
  }

  @Test
  void aListNeedsAtLeastTwoClasses() {
    assertTrue(refusal("3").contains("at least 2"));
    assertEquals(ClassWeights.Kind.LIST, ClassWeights.parse("3,1").kind());
  }
}
