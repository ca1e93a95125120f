package org.sparkprop.optim;

/**
 * Cosine annealing from the base rate at round 0 to minRate at totalRounds, like PyTorch's
 * CosineAnnealingLR without restarts. Rounds past the end keep minRate instead of climbing
 * back, so that training a few rounds longer than planned does not raise the rate.
 */
record CosineSchedule(double baseRate, double minRate, long totalRounds)
    implements LearningRateSchedule {

  @Override
  public double rate(long round) {
    SettingChecks.requireRound(round);
    double progress = (double) Math.min(round, totalRounds) / totalRounds;
    return minRate + (baseRate - minRate) * (1 + Math.cos(Math.PI * progress)) / 2;
  }
}
