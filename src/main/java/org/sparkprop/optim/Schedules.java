package org.sparkprop.optim;

import java.util.List;

/** Builds the {@link LearningRateSchedule} a {@link ScheduleSettings} describes. */
public final class Schedules {

  static final String CONSTANT = "constant";
  static final String STEP = "step";
  static final String COSINE = "cosine";
  static final List<String> KINDS = List.of(CONSTANT, STEP, COSINE);

  private Schedules() {
  }

  /**
   * @param baseRate the rate the schedule starts from (before warm-up), finite and {@code > 0}
   * @param totalRounds the planned number of rounds; read by "cosine" only, which needs
   *     {@code >= 1} and stays at minRate after it
   * @throws IllegalArgumentException for an unknown kind (the message lists the accepted kinds)
   *     or a setting the kind uses that is out of range (the message names the setting, its
   *     value and the accepted range)
   */
  public static LearningRateSchedule create(
      ScheduleSettings settings, double baseRate, long totalRounds) {
    if (settings == null) {
      throw new IllegalArgumentException("schedule settings must not be null");
    }
    String kind = settings.kind();
    if (kind == null || !KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "unknown schedule kind '" + kind + "'; accepted: " + String.join(", ", KINDS));
    }
    SettingChecks.require(baseRate > 0 && Double.isFinite(baseRate), "baseRate", baseRate,
        "(0, infinity)");
    SettingChecks.require(settings.warmupRounds() >= 0, "warmupRounds", settings.warmupRounds(),
        "[0, Long.MAX_VALUE]");
    LearningRateSchedule schedule = switch (kind) {
      case CONSTANT -> new ConstantSchedule(baseRate);
      case STEP -> {
        SettingChecks.require(settings.stepRounds() >= 1, "stepRounds", settings.stepRounds(),
            "[1, Long.MAX_VALUE] for a step schedule");
        SettingChecks.require(settings.stepFactor() > 0 && settings.stepFactor() <= 1, "stepFactor",
            settings.stepFactor(), "(0, 1] for a step schedule");
        yield new StepSchedule(baseRate, settings.stepRounds(), settings.stepFactor());
      }
      case COSINE -> {
        SettingChecks.require(totalRounds >= 1, "totalRounds", totalRounds,
            "[1, Long.MAX_VALUE] for a cosine schedule");
        SettingChecks.require(settings.minRate() >= 0 && settings.minRate() <= baseRate, "minRate",
            settings.minRate(), "[0, baseRate = " + baseRate + "] for a cosine schedule");
        yield new CosineSchedule(baseRate, settings.minRate(), totalRounds);
      }
      default -> throw new AssertionError("kind list and switch disagree: " + kind);
    };
    return settings.warmupRounds() > 0
        ? new LinearWarmup(schedule, settings.warmupRounds())
        : schedule;
  }
}
