package org.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void nearestRankQuantilesOfOneToHundred() {
    Samples s = new Samples();
    for (int i = 100; i >= 1; i--) s.add(i); // out of order, past the initial capacity
    assertEquals(100, s.size());
    assertEquals(50, s.median());
    assertEquals(90, s.p90());
    assertEquals(1, s.quantile(0));
    assertEquals(100, s.quantile(1));
    assertEquals(50.5, s.mean());
  }

  @Test
  void emptySamplesHaveNoMedian() {
    assertTrue(Double.isNaN(new Samples().median()));
  }

  @Test
  void milliseconds() {
    Samples s = new Samples();
    s.add(2_500_000);
    assertEquals(2.5, s.medianMs());
  }
}
