package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class SchedulesTest {

  /**
   * Schedules compute in double; the only inexact operations are pow, cos and a few products, so
   * results match hand-derived values to within a few double ulps.
   */
  private static final double TOLERANCE = 1e-12;

  private static ScheduleSettings step(long stepRounds, double stepFactor, long warmupRounds) {
    return new ScheduleSettings("step", stepRounds, stepFactor, 0.0, warmupRounds);
  }

  private static ScheduleSettings cosine(double minRate, long warmupRounds) {
    return new ScheduleSettings("cosine", 0, 1.0, minRate, warmupRounds);
  }

  private static String creationError(ScheduleSettings settings, double baseRate,
      long totalRounds) {
    return assertThrows(IllegalArgumentException.class,
        () -> Schedules.create(settings, baseRate, totalRounds)).getMessage();
  }

  @Test
  void constantKeepsTheBaseRateForever() {
    LearningRateSchedule schedule = Schedules.create(ScheduleSettings.constant(), 0.3, 100);
    assertEquals(0.3, schedule.rate(0));
    assertEquals(0.3, schedule.rate(99));
    assertEquals(0.3, schedule.rate(1_000_000));
  }

  @Test
  void stepMultipliesByTheFactorEveryStepRounds() {
    LearningRateSchedule schedule = Schedules.create(step(10, 0.5, 0), 0.1, 100);
    assertEquals(0.1, schedule.rate(0), TOLERANCE);
    assertEquals(0.1, schedule.rate(9), TOLERANCE); // floor(9 / 10) = 0
    assertEquals(0.05, schedule.rate(10), TOLERANCE); // 0.1 * 0.5^1
    assertEquals(0.025, schedule.rate(25), TOLERANCE); // 0.1 * 0.5^2
    assertEquals(0.1 / 1024, schedule.rate(100), TOLERANCE); // 0.1 * 0.5^10
  }

  @Test
  void cosineAnnealsFromBaseToMinRateAndStaysThere() {
    LearningRateSchedule schedule = Schedules.create(cosine(0.1, 0), 1.0, 100);
    assertEquals(1.0, schedule.rate(0), TOLERANCE); // 0.1 + 0.9 * (1 + cos 0) / 2
    // 0.1 + 0.9 * (1 + cos(pi / 4)) / 2 = 0.1 + 0.9 * (1 + 0.70710678) / 2
    assertEquals(0.8681980515339464, schedule.rate(25), TOLERANCE);
    assertEquals(0.55, schedule.rate(50), TOLERANCE); // 0.1 + 0.9 * (1 + 0) / 2
    // 0.1 + 0.9 * (1 - 0.70710678) / 2
    assertEquals(0.23180194846605365, schedule.rate(75), TOLERANCE);
    assertEquals(0.1, schedule.rate(100), TOLERANCE); // cos(pi) = -1
    assertEquals(0.1, schedule.rate(250), TOLERANCE); // clamped at totalRounds
  }

  @Test
  void warmupRampsLinearlyFromRoundZero() {
    LearningRateSchedule schedule =
        Schedules.create(new ScheduleSettings("constant", 0, 1.0, 0.0, 4), 0.1, 100);
    assertEquals(0.025, schedule.rate(0), TOLERANCE); // 0.1 * 1 / 4
    assertEquals(0.05, schedule.rate(1), TOLERANCE); // 0.1 * 2 / 4
    assertEquals(0.075, schedule.rate(2), TOLERANCE);
    assertEquals(0.1, schedule.rate(3), TOLERANCE); // 0.1 * 4 / 4
    assertEquals(0.1, schedule.rate(4), TOLERANCE); // warm-up over
  }

  @Test
  void warmupScalesTheUnderlyingScheduleAtTheSameRound() {
    LearningRateSchedule stepped = Schedules.create(step(2, 0.5, 4), 0.1, 100);
    assertEquals(0.025, stepped.rate(0), TOLERANCE); // 0.1 * 1 / 4
    assertEquals(0.0375, stepped.rate(2), TOLERANCE); // 0.1 * 0.5 * 3 / 4
    assertEquals(0.05, stepped.rate(3), TOLERANCE); // 0.1 * 0.5 * 4 / 4
    assertEquals(0.025, stepped.rate(4), TOLERANCE); // 0.1 * 0.5^2

    LearningRateSchedule annealed = Schedules.create(cosine(0.0, 2), 1.0, 10);
    assertEquals(0.5, annealed.rate(0), TOLERANCE); // (1 + cos 0) / 2 * 1 / 2
    // (1 + cos(pi / 10)) / 2 * 2 / 2 = (1 + 0.95105652) / 2
    assertEquals(0.9755282581475768, annealed.rate(1), TOLERANCE);
    assertEquals(0.9045084971874737, annealed.rate(2), TOLERANCE); // (1 + cos(pi / 5)) / 2
  }

  @Test
  void invalidSettingsAreRejectedNamingSettingValueAndRange() {
    assertEquals("stepRounds = 0 is outside the accepted range [1, Long.MAX_VALUE] for a step "
        + "schedule", creationError(step(0, 0.5, 0), 0.1, 100));
    assertEquals("stepFactor = 1.5 is outside the accepted range (0, 1] for a step schedule",
        creationError(step(10, 1.5, 0), 0.1, 100));
    assertEquals("stepFactor = 0.0 is outside the accepted range (0, 1] for a step schedule",
        creationError(step(10, 0.0, 0), 0.1, 100));
    assertEquals("minRate = 2.0 is outside the accepted range [0, baseRate = 1.0] for a cosine "
        + "schedule", creationError(cosine(2.0, 0), 1.0, 100));
    assertEquals("totalRounds = 0 is outside the accepted range [1, Long.MAX_VALUE] for a cosine "
        + "schedule", creationError(cosine(0.0, 0), 1.0, 0));
    assertEquals("warmupRounds = -1 is outside the accepted range [0, Long.MAX_VALUE]",
        creationError(new ScheduleSettings("constant", 0, 1.0, 0.0, -1), 0.1, 100));
    assertEquals("baseRate = 0.0 is outside the accepted range (0, infinity)",
        creationError(ScheduleSettings.constant(), 0.0, 100));
    assertEquals("baseRate = NaN is outside the accepted range (0, infinity)",
        creationError(ScheduleSettings.constant(), Double.NaN, 100));
    assertEquals("unknown schedule kind 'linear'; accepted: constant, step, cosine",
        creationError(new ScheduleSettings("linear", 0, 1.0, 0.0, 0), 0.1, 100));
  }

  @Test
  void settingsAKindDoesNotUseAreNotValidated() {
    // A constant schedule ignores stepRounds, stepFactor, minRate and totalRounds.
    Schedules.create(new ScheduleSettings("constant", -5, 7.0, -3.0, 0), 0.1, 0);
  }

  @Test
  void negativeRoundsAreRejected() {
    LearningRateSchedule schedule = Schedules.create(step(10, 0.5, 3), 0.1, 100);
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> schedule.rate(-1));
    assertEquals("round = -1 is outside the accepted range [0, Long.MAX_VALUE]",
        error.getMessage());
  }

  @Test
  void schedulesSurviveJavaSerialization() throws Exception {
    LearningRateSchedule schedule = Schedules.create(cosine(0.01, 5), 0.5, 50);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(schedule);
    }
    LearningRateSchedule copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (LearningRateSchedule) in.readObject();
    }
    for (long round : new long[] {0, 3, 5, 20, 50, 80}) {
      assertEquals(schedule.rate(round), copy.rate(round), "round " + round);
    }
  }
}
