package org.sparkprop.optim;

/** The base rate in every round. */
record ConstantSchedule(double baseRate) implements LearningRateSchedule {

  @Override
  public double rate(long round) {
    SettingChecks.requireRound(round);
    return baseRate;
  }
}
