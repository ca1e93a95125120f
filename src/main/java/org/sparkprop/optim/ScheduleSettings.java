package org.sparkprop.optim;

import java.io.Serializable;

/**
 * How the learning rate changes over rounds. Each kind reads only the fields it uses;
 * {@link Schedules#create} validates those.
 *
 * @param kind "constant", "step" or "cosine"
 * @param stepRounds for "step": rounds between decays, {@code >= 1}
 * @param stepFactor for "step": the factor applied at each decay, in (0, 1]
 * @param minRate for "cosine": the rate reached at the last round, in [0, baseRate]
 * @param warmupRounds any kind: rounds of linear warm-up at the start, {@code >= 0} (0: none)
 */
public record ScheduleSettings(
    String kind, long stepRounds, double stepFactor, double minRate, long warmupRounds)
    implements Serializable {

  /** The base rate in every round, without warm-up. */
  public static ScheduleSettings constant() {
    return new ScheduleSettings(Schedules.CONSTANT, 0, 1.0, 0.0, 0);
  }
}
