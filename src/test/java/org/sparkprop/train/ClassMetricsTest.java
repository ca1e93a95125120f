package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Precision, recall and F1 from a confusion matrix, with scikit-learn's zero for an empty ratio. */
class ClassMetricsTest {

  @Test
  void eachClassReadsItsRowAsSupportAndItsColumnAsPredictions() {
    // Row = true class. Class 0: 6 true, 7 predicted, 5 right; class 1: 5 true, 4 predicted, 3 right;
    // class 2: absent and never predicted.
    long[][] confusion = {{5, 1, 0}, {2, 3, 0}, {0, 0, 0}};
    List<ClassMetrics> m = ClassMetrics.of(confusion);
    assertEquals(3, m.size());
    assertEquals(new ClassMetrics(0, 6, 7, 5.0 / 7, 5.0 / 6, 2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6)), m.get(0));
    assertEquals(1, m.get(1).classIndex());
    assertEquals(5, m.get(1).support());
    assertEquals(4, m.get(1).predicted());
    assertEquals(0.75, m.get(1).precision());
    assertEquals(0.6, m.get(1).recall());
    assertEquals(2 * 0.75 * 0.6 / 1.35, m.get(1).f1(), 1e-15);
    assertEquals(new ClassMetrics(2, 0, 0, 0, 0, 0), m.get(2), "zero denominators give 0, not NaN");
    assertEquals((m.get(0).f1() + m.get(1).f1() + 0) / 3, ClassMetrics.macroF1(m), 1e-15);
  }

  @Test
  void aClassPredictedButNeverRightHasZeroPrecisionAndF1() {
    // Class 1 is predicted twice, both wrongly, and never true.
    List<ClassMetrics> m = ClassMetrics.of(new long[][] {{3, 2}, {0, 0}});
    assertEquals(new ClassMetrics(1, 0, 2, 0, 0, 0), m.get(1));
    assertEquals(new ClassMetrics(0, 5, 3, 1, 0.6, 2 * 0.6 / 1.6), m.get(0));
  }

  @Test
  void equalPrecisionAndRecallAreAlsoTheirF1() {
    // Class 0: 3 of 4 predicted are right, 3 of 4 true are found.
    List<ClassMetrics> m = ClassMetrics.of(new long[][] {{3, 1}, {1, 5}});
    assertEquals(new ClassMetrics(0, 4, 4, 0.75, 0.75, 0.75), m.get(0));
  }

  @Test
  void noClassesHaveNoMacroF1() {
    assertTrue(ClassMetrics.of(new long[0][0]).isEmpty());
    assertTrue(Double.isNaN(ClassMetrics.macroF1(List.of())));
  }
}
