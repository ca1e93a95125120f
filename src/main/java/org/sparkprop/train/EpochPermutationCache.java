package org.sparkprop.train;

/**
 * The permutation of the epoch a round loop is in, built once when the epoch changes and reused by
 * all of that epoch's rounds (building one costs a few microseconds; a round of small data is not
 * much more). For round sources that run every round in one process, on one thread.
 */
public final class EpochPermutationCache {
  private final GlobalBatches batches;
  private long epoch = -1;
  private EpochPermutation permutation;

  public EpochPermutationCache(GlobalBatches batches) {
    this.batches = batches;
  }

  /** The permutation of {@code epoch} of {@link #batches}. */
  public EpochPermutation of(long epoch) {
    if (epoch != this.epoch) {
      permutation = batches.permutation(epoch);
      this.epoch = epoch;
    }
    return permutation;
  }

  public GlobalBatches batches() {
    return batches;
  }
}
