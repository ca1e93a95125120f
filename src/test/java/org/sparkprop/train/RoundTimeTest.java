package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The round-time record: the remainder of a round is "other", sums and means per part. */
class RoundTimeTest {
  @Test
  void otherIsWhatTheSourcesPartsLeaveOfTheRound() {
    GradientSource.RoundResult result = new GradientSource.RoundResult(null, 1_000, 5_000, 500);
    RoundTime t = RoundTime.of(result, 9_000, 700);
    assertEquals(new RoundTime(1_000, 5_000, 500, 700, 2_500), t);
    assertEquals(9_700, t.totalNanos(), "the parts add up to the round: gradient 9,000 + update 700");
    // Parts measured on other clocks (executors) may exceed the driver's view: other stays at 0.
    assertEquals(0, RoundTime.of(result, 6_000, 700).otherNanos());
  }

  @Test
  void sumsAndMeansArePerPart() {
    RoundTime sum = new RoundTime(1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000)
        .plus(new RoundTime(1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000));
    assertEquals(30_000_000, sum.totalNanos());
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0), new ArrayList<>(sum.meanMillis(2).values()));
    assertEquals(List.of(RoundTime.PARTS), new ArrayList<>(sum.meanMillis(2).keySet()));
    assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 0.0), new ArrayList<>(RoundTime.ZERO.meanMillis(0).values()));
  }
}
