package org.sparkprop.train;

/**
 * A seeded bijection of the row-index space [0, n) for one epoch: a four-round balanced Feistel
 * network over the smallest even-bit power of two covering n, cycle-walked back into [0, n).
 *
 * <p>It gives global-batch semantics without moving data: batch t of an epoch is the rows whose
 * shuffled position lies in [tB, (t+1)B). A partition holding a contiguous range of row indices
 * finds its rows of batch t by inverting the B positions ({@link #rowAt}) and keeping those in its
 * range, so batch membership is independent of partitioning and no shuffle stage is needed.
 * Cycle-walking costs at most 4 Feistel evaluations per index on average (domain < 4n).
 */
public final class EpochPermutation {
  private static final int ROUNDS = 4;

  private final long n;
  private final int halfBits;
  private final long halfMask;
  private final long[] roundKeys = new long[ROUNDS];

  public EpochPermutation(long n, long seed, long epoch) {
    if (n <= 0) throw new IllegalArgumentException("cannot permute an empty index space");
    this.n = n;
    int bits = n <= 4 ? 2 : 64 - Long.numberOfLeadingZeros(n - 1);
    if ((bits & 1) == 1) bits++;
    this.halfBits = bits / 2;
    this.halfMask = (1L << halfBits) - 1;
    for (int r = 0; r < ROUNDS; r++) {
      roundKeys[r] = mix(mix(seed * 0x9E3779B97F4A7C15L + epoch) + r);
    }
  }

  public long size() {
    return n;
  }

  /** Shuffled position of a row. */
  public long positionOf(long row) {
    check(row);
    long v = row;
    do {
      v = encrypt(v);
    } while (v >= n);
    return v;
  }

  /** The row at a shuffled position (inverse of {@link #positionOf}). */
  public long rowAt(long position) {
    check(position);
    long v = position;
    do {
      v = decrypt(v);
    } while (v >= n);
    return v;
  }

  private long encrypt(long v) {
    long left = v >>> halfBits;
    long right = v & halfMask;
    for (int r = 0; r < ROUNDS; r++) {
      long next = left ^ (mix(right ^ roundKeys[r]) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  private long decrypt(long v) {
    long left = v >>> halfBits;
    long right = v & halfMask;
    for (int r = ROUNDS - 1; r >= 0; r--) {
      long previous = right ^ (mix(left ^ roundKeys[r]) & halfMask);
      right = left;
      left = previous;
    }
    return (left << halfBits) | right;
  }

  private void check(long i) {
    if (i < 0 || i >= n) throw new IndexOutOfBoundsException(i + " outside [0, " + n + ")");
  }

  /** SplitMix64's finaliser: a strong 64-bit mixing function. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
