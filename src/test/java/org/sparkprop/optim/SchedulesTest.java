package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    return new ScheduleSettings(ScheduleKind.STEP, stepRounds, stepFactor, 0.0, warmupRounds);
  }

  private static ScheduleSettings cosine(double minRate, long warmupRounds) {
    return new ScheduleSettings(ScheduleKind.COSINE, 0, 1.0, minRate, warmupRounds);
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
        Schedules.create(new ScheduleSettings(ScheduleKind.CONSTANT, 0, 1.0, 0.0, 4), 0.1, 100);
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
  void onlyValuesThatWouldDivideByZeroAreRejected() {
    assertEquals("stepRounds = 0: a step schedule divides the round by it, so it must be at least 1",
        creationError(step(0, 0.5, 0), 0.1, 100));
    assertEquals("totalRounds = 0: a cosine schedule divides the round by it, so it must be at least 1",
        creationError(cosine(0.0, 0), 1.0, 0));
    assertTrue(creationError(null, 0.1, 100).contains("must not be null"));
    assertTrue(creationError(new ScheduleSettings(null, 1, 0.5, 0, 0), 0.1, 100).contains("must not be null"));
  }

  /**
   * Each kind reads only its own fields, so the configuration may leave the others at anything:
   * here values no range would accept. The rates are exactly those with neutral values there;
   * and a field the kind does read changes them, so the comparison can see a difference.
   */
  @Test
  void settingsAKindDoesNotUseAreNotValidated() {
    long[] rounds = {0, 1, 9, 10, 25, 99, 100, 1000};
    // constant ignores stepRounds, stepFactor, minRate and totalRounds (0 would divide a cosine).
    assertSameRates(rounds, Schedules.create(ScheduleSettings.constant(), 0.1, 100),
        Schedules.create(new ScheduleSettings(ScheduleKind.CONSTANT, -5, 7.0, -3.0, 0), 0.1, 0));
    // step ignores minRate and totalRounds.
    assertSameRates(rounds, Schedules.create(step(10, 0.5, 0), 0.1, 100),
        Schedules.create(new ScheduleSettings(ScheduleKind.STEP, 10, 0.5, -3.0, 0), 0.1, -7));
    // cosine ignores stepRounds and stepFactor.
    assertSameRates(rounds, Schedules.create(cosine(0.01, 0), 0.1, 100),
        Schedules.create(new ScheduleSettings(ScheduleKind.COSINE, -5, 7.0, 0.01, 0), 0.1, 100));
    assertNotEquals(Schedules.create(step(10, 0.5, 0), 0.1, 100).rate(25),
        Schedules.create(step(10, 0.25, 0), 0.1, 100).rate(25), "step reads stepFactor");
    assertNotEquals(Schedules.create(cosine(0.01, 0), 0.1, 100).rate(25),
        Schedules.create(cosine(0.02, 0), 0.1, 100).rate(25), "cosine reads minRate");
  }

  private static void assertSameRates(long[] rounds, LearningRateSchedule expected, LearningRateSchedule actual) {
    for (long round : rounds) assertEquals(expected.rate(round), actual.rate(round), "round " + round);
  }

  @Test
  void negativeRoundsAreRejected() {
    for (ScheduleSettings settings : new ScheduleSettings[] {step(10, 0.5, 3), ScheduleSettings.constant(),
        cosine(0.01, 0), step(10, 0.5, 0)}) {
      LearningRateSchedule schedule = Schedules.create(settings, 0.1, 100);
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> schedule.rate(-1), settings.toString());
      assertEquals("round = -1 is outside the accepted range [0, Long.MAX_VALUE]",
          error.getMessage());
    }
  }

  @Test
  void theSmallestDivisorsAreAccepted() {
    // A step every round: base * factor^round.
    LearningRateSchedule everyRound = Schedules.create(step(1, 0.5, 0), 0.8, 100);
    assertEquals(0.8, everyRound.rate(0), TOLERANCE);
    assertEquals(0.4, everyRound.rate(1), TOLERANCE);
    assertEquals(0.1, everyRound.rate(3), TOLERANCE);
    // A cosine over one round: the base rate at round 0, the minimum from round 1 on.
    LearningRateSchedule oneRound = Schedules.create(cosine(0.01, 0), 0.1, 1);
    assertEquals(0.1, oneRound.rate(0), TOLERANCE);
    assertEquals(0.01, oneRound.rate(1), TOLERANCE);
    assertEquals(0.01, oneRound.rate(5), TOLERANCE);
    assertEquals("cosine", ScheduleKind.COSINE.configName());
    assertEquals("step", ScheduleKind.STEP.configName());
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
