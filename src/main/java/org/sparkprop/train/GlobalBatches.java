package org.sparkprop.train;

import java.io.Serializable;

/**
 * How an epoch of n rows is cut into global batches of size B: a seeded shuffle of all rows
 * ({@link EpochPermutation}), then consecutive positions [tB, (t+1)B). The last batch of an epoch
 * holds the remaining n mod B rows when B does not divide n (like PyTorch's default
 * {@code drop_last=False}); its gradient is divided by its own row count.
 */
public final class GlobalBatches implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long rows;
  private final int batchSize;
  private final long seed;

  public GlobalBatches(long rows, int batchSize, long seed) {
    if (rows <= 0) throw new IllegalArgumentException("the training set is empty");
    if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    this.rows = rows;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  public long rows() { return rows; }
  public int batchSize() { return batchSize; }
  public long seed() { return seed; }

  public long batchesPerEpoch() {
    return (rows + batchSize - 1) / batchSize;
  }

  public EpochPermutation permutation(long epoch) {
    return new EpochPermutation(rows, seed, epoch);
  }

  /** First shuffled position of batch t. */
  public long start(long batch) {
    return batch * batchSize;
  }

  /** One past the last shuffled position of batch t. */
  public long end(long batch) {
    return Math.min(rows, (batch + 1) * batchSize);
  }
}
