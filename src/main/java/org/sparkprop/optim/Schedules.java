package org.sparkprop.optim;

/** Builds the {@link LearningRateSchedule} a {@link ScheduleSettings} describes. */
public final class Schedules {

  private Schedules() {
  }

  /**
   * The settings are used as given (their ranges, and the rule that the minimum rate does not
   * exceed the base rate, are checked where users write them: the configuration and the Spark ML
   * params); only values that would divide by zero are refused.
   *
   * @param baseRate the rate the schedule starts from (before warm-up)
   * @param totalRounds the planned number of rounds; read by cosine only, which stays at the
   *     minimum rate after it
   * @throws IllegalArgumentException for missing settings or kind, {@code stepRounds < 1} for a
   *     step schedule or {@code totalRounds < 1} for a cosine one
   */
  public static LearningRateSchedule create(
      ScheduleSettings settings, double baseRate, long totalRounds) {
    if (settings == null || settings.kind() == null) {
      throw new IllegalArgumentException("schedule settings and their kind must not be null, got " + settings);
    }
    LearningRateSchedule schedule = switch (settings.kind()) {
      case CONSTANT -> new ConstantSchedule(baseRate);
      case STEP -> {
        SettingChecks.require(settings.stepRounds() >= 1, "stepRounds", settings.stepRounds(),
            "a step schedule divides the round by it, so it must be at least 1");
        yield new StepSchedule(baseRate, settings.stepRounds(), settings.stepFactor());
      }
      case COSINE -> {
        SettingChecks.require(totalRounds >= 1, "totalRounds", totalRounds,
            "a cosine schedule divides the round by it, so it must be at least 1");
        yield new CosineSchedule(baseRate, settings.minRate(), totalRounds);
      }
    };
    return settings.warmupRounds() > 0
        ? new LinearWarmup(schedule, settings.warmupRounds())
        : schedule;
  }
}
