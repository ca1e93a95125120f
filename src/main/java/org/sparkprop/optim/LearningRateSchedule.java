package org.sparkprop.optim;

import java.io.Serializable;

/**
 * The learning rate as a function of the global round. Serializable because Spark closures and
 * checkpoints may carry it. Create through {@link Schedules#create}.
 */
public interface LearningRateSchedule extends Serializable {

  /**
   * @param round the 0-based global round index, counting rounds of earlier runs when resuming
   * @return the rate for that round, {@code >= 0}
   * @throws IllegalArgumentException if {@code round < 0}
   */
  double rate(long round);
}
