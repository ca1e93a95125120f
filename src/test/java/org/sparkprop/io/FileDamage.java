package org.sparkprop.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

/**
 * Damages the bytes of a good file the ways a crash, a failing disk or a hostile writer would:
 * cut short, bits flipped, and a size field replaced by an extreme or a nearby value. Every choice
 * comes from one seeded generator, so a failing case is reproduced by its seed and number.
 */
public final class FileDamage {
  private final Random random;

  public FileDamage(long seed) {
    this.random = new Random(seed);
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** The first {@code n} bytes, n in [0, length): a write that stopped part way. */
  public byte[] truncated(byte[] good) {
    return Arrays.copyOf(good, random.nextInt(good.length));
  }

  /** One to {@code maxBits} bits flipped anywhere. */
  public byte[] bitsFlipped(byte[] good, int maxBits) {
    byte[] b = good.clone();
    int flips = 1 + random.nextInt(maxBits);
    for (int i = 0; i < flips; i++) {
      int bit = random.nextInt(b.length * 8);
      b[bit / 8] ^= (byte) (1 << (bit % 8));
    }
    return b;
  }

  /** The int32 at {@code offset} replaced by a value a reader must not believe blindly. */
  public byte[] intReplaced(byte[] good, int offset, ByteOrder order) {
    byte[] b = good.clone();
    ByteBuffer buf = ByteBuffer.wrap(b).order(order);
    buf.putInt(offset, suspiciousInt(buf.getInt(offset), b.length));
    return b;
  }

  /** The int64 at {@code offset} replaced likewise. */
  public byte[] longReplaced(byte[] good, int offset, ByteOrder order) {
    byte[] b = good.clone();
    ByteBuffer buf = ByteBuffer.wrap(b).order(order);
    buf.putLong(offset, suspiciousLong(buf.getLong(offset), b.length));
    return b;
  }

  /** Extremes, the file's own length (a size that almost fits), and off-by-a-little values. */
  public int suspiciousInt(int original, int fileLength) {
    switch (random.nextInt(10)) {
      case 0: return 0;
      case 1: return -1;
      case 2: return Integer.MAX_VALUE;
      case 3: return Integer.MIN_VALUE;
      case 4: return fileLength;
      case 5: return fileLength / 4 + random.nextInt(8);
      case 6: return original + 1;
      case 7: return original - 1;
      case 8: return original * (2 + random.nextInt(1000));
      default: return random.nextInt();
    }
  }

  public long suspiciousLong(long original, int fileLength) {
    switch (random.nextInt(10)) {
      case 0: return 0;
      case 1: return -1;
      case 2: return Long.MAX_VALUE;
      case 3: return Long.MIN_VALUE;
      case 4: return Integer.MAX_VALUE + 1L + random.nextInt(1000);
      case 5: return fileLength / 4 + random.nextInt(8);
      case 6: return original + 1;
      case 7: return original - 1;
      case 8: return original * (2 + random.nextInt(1 << 20));
      default: return random.nextLong();
    }
  }

  /** A number that JSON allows but a reader must check: extremes, negatives, fractions, overflow. */
  public String suspiciousNumber(String original) {
    switch (random.nextInt(10)) {
      case 0: return "0";
      case 1: return "-1";
      case 2: return "2147483647";
      case 3: return "-2147483648";
      case 4: return "99999999999999999999999";
      case 5: return "1e400";
      case 6: return "0.5";
      case 7: return original + random.nextInt(10);
      case 8: return String.valueOf(random.nextInt(1 << 16));
      default: return "-" + original;
    }
  }
}
