package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** train.stopAt and --stop-at: what it parses, when a value counts as reached, and what it says without the metric. */
class TargetMetricTest {

  private static TrainingListener.EpochEvent epoch(int epoch, Map<String, Double> metrics) {
    return new TrainingListener.EpochEvent(epoch, 0.1, metrics, null, 1.0, new float[0]);
  }

  @Test
  void accuracyIsReachedAtOrAboveItsTarget() {
    TargetMetric t = TargetMetric.parse("accuracy=0.85");
    assertEquals("accuracy", t.metric());
    assertEquals(0.85, t.target());
    t.onEpoch(epoch(0, Map.of("accuracy", 0.8)));
    assertFalse(t.stopRequested());
    assertEquals(-1, t.reachedAtEpoch());
    t.onEpoch(epoch(1, Map.of("accuracy", 0.85)));
    assertTrue(t.stopRequested(), "equal counts as reached");
    assertEquals(2, t.reachedAtEpoch(), "1-based");
    t.onEpoch(epoch(2, Map.of("accuracy", 0.99)));
    assertEquals(2, t.reachedAtEpoch(), "the first epoch that reached it stays");
  }

  @Test
  void lossAndMseAreReachedAtOrBelowTheirTarget() {
    TargetMetric loss = TargetMetric.parse(" LOSS = 0.3 ");
    assertEquals("loss", loss.metric());
    assertEquals("loss <= 0.3", loss.toString());
    loss.onEpoch(epoch(0, Map.of("loss", 0.31)));
    assertFalse(loss.stopRequested());
    loss.onEpoch(epoch(1, Map.of("loss", 0.3)));
    assertEquals(2, loss.reachedAtEpoch());
    TargetMetric mse = TargetMetric.parse("mse=1e-2");
    mse.onEpoch(epoch(4, Map.of("mse", 0.5)));
    assertFalse(mse.stopRequested(), "a higher mse is not reached");
    mse.onEpoch(epoch(5, Map.of("mse", 0.001)));
    assertEquals(6, mse.reachedAtEpoch());
  }

  @Test
  void malformedTargetsAreRefusedWithWhatWasGiven() {
    String noEquals = assertThrows(IllegalArgumentException.class, () -> TargetMetric.parse("accuracy")).getMessage();
    assertTrue(noEquals.startsWith("'accuracy': expected METRIC=VALUE"), noEquals);
    String notFinite = assertThrows(IllegalArgumentException.class, () -> TargetMetric.parse("loss=NaN")).getMessage();
    assertEquals("'loss=NaN': the value must be finite", notFinite);
    assertThrows(IllegalArgumentException.class, () -> TargetMetric.parse("loss=Infinity"));
    String empty = assertThrows(IllegalArgumentException.class, () -> TargetMetric.parse("mse=")).getMessage();
    assertEquals("'mse=': '' is not a number", empty);
  }

  @Test
  void anEvaluationWithoutTheMetricIsAnErrorThatSaysWhatToGive() {
    TargetMetric t = TargetMetric.parse("accuracy=0.9");
    String none = assertThrows(IllegalStateException.class, () -> t.onEpoch(epoch(0, null))).getMessage();
    assertTrue(none.startsWith("train.stopAt (accuracy >= 0.9): the epoch's evaluation has no accuracy (it has no evaluation set)"),
        none);
    String other = assertThrows(IllegalStateException.class,
        () -> t.onEpoch(epoch(0, Map.of("mse", 1.0)))).getMessage();
    assertTrue(other.contains("(it has [mse])"), other);
  }
}
