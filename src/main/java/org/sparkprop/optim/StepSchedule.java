package org.sparkprop.optim;

/** base * factor^floor(round / stepRounds), like PyTorch's StepLR. */
record StepSchedule(double baseRate, long stepRounds, double stepFactor)
    implements LearningRateSchedule {

  @Override
  public double rate(long round) {
    SettingChecks.requireRound(round);
    return baseRate * Math.pow(stepFactor, round / stepRounds);
  }
}
