package org.sparkprop.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * How many partitions a packed data set gets: a fixed count, or one derived from the data alone
 * (its float32 size over a target partition size), so that the same job has the same partitions,
 * and therefore the same bits, on a laptop and on a cluster of any size.
 *
 * @param fixed       a count given by the user; 0 = derive it
 * @param targetBytes the float32 bytes a derived partition holds at most
 */
public record PartitionSizing(int fixed, long targetBytes) implements Serializable {

  public PartitionSizing {
    if (fixed < 0) throw new IllegalArgumentException("a partition count must be >= 0, got " + fixed);
    if (targetBytes < 1) throw new IllegalArgumentException("a target partition size must be >= 1 byte, got " + targetBytes);
  }

  /** Exactly {@code count} partitions (fewer only when there are fewer rows). */
  public static PartitionSizing fixed(int count) {
    if (count < 1) throw new IllegalArgumentException("a fixed partition count must be >= 1, got " + count);
    return new PartitionSizing(count, Long.MAX_VALUE);
  }

  public boolean derived() {
    return fixed == 0;
  }

  /**
   * The partition count for {@code rows} rows of {@code floatsPerRow} float32 values each
   * (features and target): the fixed count, or ceil(rows x floatsPerRow x 4 / targetBytes); never
   * more than the rows, never less than one.
   */
  public int count(long rows, int floatsPerRow) {
    long wanted = fixed > 0 ? fixed : ceilDiv(bytes(rows, floatsPerRow), targetBytes);
    return (int) Math.max(1, Math.min(Math.min(wanted, rows), Integer.MAX_VALUE));
  }

  /** How the count of {@code count(rows, floatsPerRow)} came about, for the job's log. */
  public String explain(long rows, int floatsPerRow) {
    int n = count(rows, floatsPerRow);
    if (fixed > 0) return String.format(Locale.ROOT, "%d partitions (spark.partitions)", n);
    return String.format(Locale.ROOT, "%d partitions, derived from the data: %,d rows x %d floats x 4 bytes over"
        + " spark.partitionBytes = %,d", n, rows, floatsPerRow, targetBytes);
  }

  private static long bytes(long rows, int floatsPerRow) {
    try {
      return Math.multiplyExact(rows, 4L * floatsPerRow);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long ceilDiv(long a, long b) {
    return a / b + (a % b == 0 ? 0 : 1);
  }
}
