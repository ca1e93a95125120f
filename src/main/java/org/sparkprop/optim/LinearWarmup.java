package org.sparkprop.optim;

/**
 * Scales another schedule by (round + 1) / warmupRounds during the first warmupRounds rounds, so
 * that early rounds, whose gradients come from untrained parameters and large optimizer bias
 * corrections, take small steps. Round 0 already gets a non-zero rate, so no round is wasted.
 */
record LinearWarmup(LearningRateSchedule scheduled, long warmupRounds)
    implements LearningRateSchedule {

  @Override
  public double rate(long round) {
    double rate = scheduled.rate(round);
    return round < warmupRounds ? rate * (round + 1) / warmupRounds : rate;
  }
}
