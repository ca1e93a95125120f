package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientAccumulatorKernelTest {

  @Test
  void gradientsOfOneKernelMergeAndKeepIt() {
    GradientAccumulator a = new GradientAccumulator(3).computedWith("Haswell", "h1");
    GradientAccumulator b = new GradientAccumulator(3).computedWith("Haswell", "h2");
    assertEquals("Haswell", a.merge(b).kernel());
    assertEquals("h1", a.host(), "the first part's host names the sum");
    GradientAccumulator unlabelled = new GradientAccumulator(3).merge(b);
    assertEquals("Haswell", unlabelled.kernel(), "an unlabelled sum takes its part's kernel");
    assertEquals("h2", unlabelled.host(), "and its host");
  }

  @Test
  void gradientsOfTwoKernelsAreNeverMergedAndTheMessageNamesBothAndTheirHosts() {
    GradientAccumulator a = new GradientAccumulator(3).computedWith("Haswell", "h1");
    GradientAccumulator b = new GradientAccumulator(3).computedWith("SkylakeX", "h2");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.merge(b));
    assertTrue(e.getMessage().contains("SkylakeX on h2") && e.getMessage().contains("Haswell on h1"), e.getMessage());
  }
}
