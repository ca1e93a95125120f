package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.testing.TestOptimizers;

/**
 * What a run reports about itself: its result's status and speed, the names of why it stopped,
 * its options' derived values, the weights' digest, and the stop request's first-wins contract.
 */
class RunRecordsTest {

  private static TrainingResult result(StopReason reason, long rows, double seconds) {
    return new TrainingResult(new float[0], 1, 1, 0.5, reason, 0, rows, seconds, Map.of());
  }

  @Test
  void onlyAnInterruptedRunIsResumableAndOnlyConvergedOrListenerStopsAreEarly() {
    for (StopReason r : StopReason.values()) {
      TrainingResult t = result(r, 0, 1);
      assertEquals(r == StopReason.INTERRUPTED, t.interrupted(), r.name());
      assertEquals(r == StopReason.INTERRUPTED ? RunStatus.INTERRUPTED : RunStatus.COMPLETED, t.status(), r.name());
      assertEquals(r == StopReason.CONVERGED || r == StopReason.TARGET || r == StopReason.LISTENER, t.stoppedEarly(), r.name());
    }
    assertNull(result(StopReason.EPOCHS, 0, 1).interruption(), "the short constructor is for uninterrupted runs");
  }

  @Test
  void samplesPerSecondIsRowsOverTheLoopsTime() {
    assertEquals(250.0, result(StopReason.EPOCHS, 1000, 4).samplesPerSecond());
    assertEquals(0.0, result(StopReason.EPOCHS, 1000, 0).samplesPerSecond(), "a loop that took no time has no rate");
  }

  @Test
  void recordsNameReasonsAndStatusesInLowerCase() {
    assertEquals("max_epochs", StopReason.MAX_EPOCHS.configName());
    assertEquals("round_limit", StopReason.ROUND_LIMIT.configName());
    assertEquals("reached the round limit", StopReason.ROUND_LIMIT.description());
    for (StopReason r : StopReason.values()) assertFalse(r.description().isEmpty(), r.name());
    assertEquals("interrupted", RunStatus.INTERRUPTED.jsonName());
    assertEquals("diverged", RunStatus.DIVERGED.jsonName());
    assertEquals("accuracy", StopMetric.ACCURACY.configName());
    assertTrue(StopMetric.ACCURACY.higherIsBetter());
    assertFalse(StopMetric.LOSS.higherIsBetter());
    assertFalse(StopMetric.MSE.higherIsBetter());
  }

  @Test
  void zeroEpochsMeansUntilConvergedUpToItsMaximum() {
    OptimizerSettings sgd = TestOptimizers.usual(OptimizerKind.SGD);
    TrainingOptions.Convergence c = new TrainingOptions.Convergence(17, 3, 0, false, StopMetric.LOSS);
    TrainingOptions converge = new TrainingOptions(0, 0, sgd, 0.1, ScheduleSettings.constant(), 0, 0, c);
    assertTrue(converge.untilConverged());
    assertEquals(17, converge.epochLimit());
    TrainingOptions fixed = new TrainingOptions(5, 0, sgd, 0.1, ScheduleSettings.constant(), 0, 0, c);
    assertFalse(fixed.untilConverged());
    assertEquals(5, fixed.epochLimit());
    assertEquals(1, TrainingOptions.simple(sgd, 0.1, 1).epochLimit());
  }

  @Test
  void optionsCopiesChangeOneSetting() {
    TrainingOptions base = new TrainingOptions(5, 0, TestOptimizers.usual(OptimizerKind.SGD), 0.1,
        ScheduleSettings.constant(), 2.0, 3, TrainingOptions.Convergence.DEFAULTS);
    TrainingOptions limited = base.withMaxRounds(40);
    assertEquals(new TrainingOptions(5, 40, base.optimizer(), 0.1, base.schedule(), 2.0, 3, base.convergence()), limited);
    OptimizerSettings adam = TestOptimizers.usual(OptimizerKind.ADAM);
    assertEquals(new TrainingOptions(5, 0, adam, 0.1, base.schedule(), 2.0, 3, base.convergence()),
        base.withOptimizer(adam));
  }

  @Test
  void anInitialStateStartsAtTheBeginningWithNoBestYet() {
    float[] p = {1f, 2f};
    TrainingState s = TrainingState.initial(p, null);
    assertEquals(0, s.epoch());
    assertEquals(0, s.nextBatch());
    assertEquals(0, s.round());
    assertSame(p, s.params());
    assertTrue(Double.isNaN(s.bestMetric()));
    assertEquals(0, s.epochsWithoutImprovement());
    assertNull(s.bestParams());
  }

  @Test
  void theDigestIsSha256OfLittleEndianFloats() {
    // Values from Python: hashlib.sha256(struct.pack('<2f', 1.0, -2.5)), and of no bytes.
    assertEquals("48943f7a0ea247f8e3c9386d0c5822fe181d323a9289980426638cc4e72a43e1",
        WeightsDigest.sha256(new float[] {1.0f, -2.5f}));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", WeightsDigest.sha256(new float[0]));
  }

  @Test
  void onlyTheFirstStopRequestCountsAndItsActionsRunOnce() {
    StopRequest stop = new StopRequest();
    List<String> ran = new ArrayList<>();
    stop.whenRequested(() -> ran.add("cancel"));
    assertFalse(stop.requested());
    assertNull(stop.reason());
    assertTrue(ran.isEmpty(), "nothing runs before a request");
    assertTrue(stop.request("SIGTERM"));
    assertTrue(stop.requested());
    assertEquals(List.of("cancel"), ran);
    assertFalse(stop.request("SIGINT"), "a second request is not the first");
    assertEquals("SIGTERM", stop.reason());
    assertEquals(List.of("cancel"), ran, "actions run once");
    stop.whenRequested(() -> ran.add("late"));
    assertEquals(List.of("cancel", "late"), ran, "an action given after the request runs at once");
  }
}
