package org.sparkprop.optim;

import java.io.Serializable;

/**
 * How the learning rate changes over rounds. Each kind reads only the fields it uses; values are
 * taken as given (their ranges belong to the configuration, where users set them).
 *
 * @param kind the schedule
 * @param stepRounds for step: rounds between decays
 * @param stepFactor for step: the factor applied at each decay
 * @param minRate for cosine: the rate reached at the last round
 * @param warmupRounds any kind: rounds of linear warm-up at the start (0: none)
 */
public record ScheduleSettings(
    ScheduleKind kind, long stepRounds, double stepFactor, double minRate, long warmupRounds)
    implements Serializable {

  /** The base rate in every round, without warm-up. */
  public static ScheduleSettings constant() {
    return new ScheduleSettings(ScheduleKind.CONSTANT, 0, 1.0, 0.0, 0);
  }
}
