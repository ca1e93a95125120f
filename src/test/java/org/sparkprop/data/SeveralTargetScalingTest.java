package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Target scaling with one shift and scale per target (multi-target regression), and one pair shared by every output. */
class SeveralTargetScalingTest {

  /** Target 0: shift 10, scale 2; target 1: shift -1, scale 0.5. */
  private static TargetScaling two() {
    return TargetScaling.of(new float[] {10f, -1f}, new float[] {2f, 0.5f});
  }

  @Test
  void eachTargetHasItsOwnPair() {
    TargetScaling t = two();
    assertEquals(2, t.targets());
    assertEquals(10f, t.shift(0));
    assertEquals(-1f, t.shift(1));
    assertEquals(2f, t.scale(0));
    assertEquals(0.5f, t.scale(1));
    assertEquals(10f, t.shift(), "the first target's");
    assertEquals(2f, t.scale());
    assertArrayEquals(new float[] {10f, -1f}, t.shifts());
    assertArrayEquals(new float[] {2f, 0.5f}, t.scales());
    assertFalse(t.identity());
  }

  @Test
  void oneSharedPairAppliesToEveryOutput() {
    TargetScaling one = new TargetScaling(3f, 4f);
    assertEquals(1, one.targets());
    assertEquals(3f, one.shift(5));
    assertEquals(4f, one.scale(5));
    assertEquals(1.5f, one.apply(9f, 5));
    assertEquals(11f, one.invert(2f, 5));
  }

  @Test
  void applyAndInvertUseTheOutputsOwnPair() {
    TargetScaling t = two();
    assertEquals(1.5f, t.apply(13f, 0));
    assertEquals(4f, t.apply(1f, 1));
    assertEquals(13f, t.invert(1.5f, 0));
    assertEquals(1f, t.invert(4f, 1));
    // The single-value forms are the first target's.
    assertEquals(1.5f, t.apply(13f));
    assertEquals(13f, t.invert(1.5f));
  }

  @Test
  void applyToStandardisesEveryRowsTargetsInPlace() {
    float[] y = {12f, 0f, 8f, -2f, 99f};
    two().applyTo(y, 2, 2);
    assertArrayEquals(new float[] {1f, 2f, -1f, -2f, 99f}, y, "the value past the rows is left alone");
  }

  @Test
  void theScalingOwnsItsArrays() {
    float[] shifts = {1f, 2f};
    float[] scales = {1f, 1f};
    TargetScaling t = TargetScaling.of(shifts, scales);
    shifts[0] = 50f;
    scales[1] = 50f;
    assertEquals(1f, t.shift(0));
    assertEquals(1f, t.scale(1));
    t.shifts()[1] = 70f;
    t.scales()[0] = 70f;
    assertEquals(2f, t.shift(1));
    assertEquals(1f, t.scale(0));
  }

  @Test
  void badPairsAreRefusedNamingTheTarget() {
    String message = assertThrows(IllegalArgumentException.class,
        () -> TargetScaling.of(new float[] {0f, 1f}, new float[] {1f, 0f})).getMessage();
    assertEquals("target scaling shift 1.0, scale 0.0 (target 1): a finite shift and a finite, non-zero scale are needed",
        message);
    assertEquals("target scaling needs one shift and one scale per target, got 2 shifts and 1 scales",
        assertThrows(IllegalArgumentException.class,
            () -> TargetScaling.of(new float[] {0f, 1f}, new float[] {1f})).getMessage());
    assertThrows(IllegalArgumentException.class, () -> TargetScaling.of(new float[0], new float[0]));
  }

  @Test
  void scalingsAreEqualByTheirPairsInOrder() {
    assertEquals(two(), two());
    assertEquals(two().hashCode(), two().hashCode());
    TargetScaling swapped = TargetScaling.of(new float[] {-1f, 10f}, new float[] {0.5f, 2f});
    assertNotEquals(two(), swapped);
    assertNotEquals(two(), TargetScaling.of(new float[] {10f, -1f}, new float[] {2f, 1f}));
    assertNotEquals(two(), TargetScaling.of(new float[] {10f, 0f}, new float[] {2f, 0.5f}));
    assertNotEquals(two(), (Object) "scaling");
    assertEquals(new TargetScaling(0f, 1f), TargetScaling.IDENTITY);
    // Shifts and scales do not hash alike: swapping them gives another hash.
    assertNotEquals(new TargetScaling(1f, 2f).hashCode(), new TargetScaling(2f, 1f).hashCode());
    assertTrue(TargetScaling.of(new float[] {0f, 0f}, new float[] {1f, 1f}).identity());
  }

  @Test
  void theDescriptionShowsOnePairOrEveryPair() {
    assertEquals("TargetScaling[shift=3.0, scale=4.0]", new TargetScaling(3f, 4f).toString());
    assertEquals("TargetScaling[shifts=[10.0, -1.0], scales=[2.0, 0.5]]", two().toString());
  }
}
