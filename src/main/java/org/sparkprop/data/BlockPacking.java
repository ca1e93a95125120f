package org.sparkprop.data;

import java.io.IOException;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Turning parsed rows into {@link PackedBlock}s and reshaping blocks: the steps of loading a data
 * set that do not depend on where the rows come from. Every method keeps rows in order, so a block
 * keeps covering a contiguous range of global row indices.
 */
public final class BlockPacking {
  private BlockPacking() {
  }

  /**
   * Packs the good rows of {@code cursor} (bad ones are skipped: the scan before has decided that
   * they may be) into one block of exactly {@code rows} rows, the count the scan found, and closes
   * the cursor. A row narrower than {@code width} (sparse input) is padded with zeros.
   */
  public static PackedBlock pack(PartitionReader cursor, RowRules rules, long firstIndex, int rows, int width, String input)
      throws IOException {
    float[] x = new float[Math.multiplyExact(rows, width)]; // (rows, width)
    float[] y = new float[rows];                             // (rows, 1) class index or value
    float[] w = rules.weighted() ? new float[rows] : null;  // (rows) sample weights, only with a weight column
    int r = 0;
    try (cursor) {
      while (cursor.next()) {
        ParsedRow row = cursor.row();
        rules.check(row);
        if (!row.ok()) continue;
        if (r == rows) throw changed(input, rows);
        System.arraycopy(row.features(), 0, x, r * width, Math.min(row.width(), width));
        y[r] = rules.target(row);
        if (w != null) w[r] = row.weight();
        r++;
      }
    }
    if (r != rows) throw changed(input, rows);
    return new PackedBlock(firstIndex, rows, width, 1, x, y, w);
  }

  private static DataException changed(String input, int rows) {
    return new DataException(input + " changed while it was being read: a partition that held " + rows
        + " good rows when counted holds a different number now");
  }

  /** Counts the rows of {@code block} that {@code keep} accepts (by global index). */
  public static int count(PackedBlock block, LongPredicate keep) {
    int n = 0;
    for (int r = 0; r < block.rows; r++) {
      if (keep.test(block.firstIndex + r)) n++;
    }
    return n;
  }

  /** The rows of {@code block} that {@code keep} accepts, renumbered from {@code newFirstIndex}. */
  public static PackedBlock select(PackedBlock block, LongPredicate keep, long newFirstIndex) {
    int n = count(block, keep);
    if (n == block.rows) {
      return new PackedBlock(newFirstIndex, n, block.features, block.targetWidth, block.x.clone(), block.y.clone(),
          block.w == null ? null : block.w.clone());
    }
    int w = block.features;
    int tw = block.targetWidth;
    float[] x = new float[n * w];  // (n, features)
    float[] y = new float[n * tw]; // (n, targetWidth)
    float[] wt = block.w == null ? null : new float[n]; // (n) sample weights
    int k = 0;
    for (int r = 0; r < block.rows; r++) {
      if (!keep.test(block.firstIndex + r)) continue;
      System.arraycopy(block.x, r * w, x, k * w, w);
      System.arraycopy(block.y, r * tw, y, k * tw, tw);
      if (wt != null) wt[k] = block.w[r];
      k++;
    }
    return new PackedBlock(newFirstIndex, n, w, tw, x, y, wt);
  }

  /** Rows [from, from + count) of {@code block} as a new block (copied), keeping their global indices. */
  public static PackedBlock slice(PackedBlock block, int from, int count) {
    int w = block.features;
    int tw = block.targetWidth;
    float[] x = java.util.Arrays.copyOfRange(block.x, from * w, (from + count) * w);
    float[] y = java.util.Arrays.copyOfRange(block.y, from * tw, (from + count) * tw);
    float[] wt = block.w == null ? null : java.util.Arrays.copyOfRange(block.w, from, from + count);
    return new PackedBlock(block.firstIndex + from, count, w, tw, x, y, wt);
  }

  /** Joins blocks that follow each other (sorted by first index, no gaps) into one block. */
  public static PackedBlock concat(List<PackedBlock> parts, long firstIndex, int rows, int features, int targetWidth) {
    if (parts.size() == 1 && parts.get(0).firstIndex == firstIndex && parts.get(0).rows == rows) return parts.get(0);
    float[] x = new float[Math.multiplyExact(rows, features)]; // (rows, features)
    float[] y = new float[rows * targetWidth];                  // (rows, targetWidth)
    float[] w = parts.isEmpty() || parts.get(0).w == null ? null : new float[rows]; // (rows) sample weights
    long next = firstIndex;
    for (PackedBlock p : parts) {
      if (p.firstIndex != next) {
        throw new IllegalStateException("blocks do not follow each other: expected row " + next + ", got " + p.firstIndex);
      }
      int at = (int) (p.firstIndex - firstIndex);
      System.arraycopy(p.x, 0, x, at * features, p.x.length);
      System.arraycopy(p.y, 0, y, at * targetWidth, p.y.length);
      if ((p.w != null) != (w != null)) throw new IllegalStateException("weighted and unweighted blocks cannot be joined");
      if (w != null) System.arraycopy(p.w, 0, w, at, p.w.length);
      next = p.endIndex();
    }
    if (next != firstIndex + rows) {
      throw new IllegalStateException("blocks cover rows up to " + next + ", expected up to " + (firstIndex + rows));
    }
    return new PackedBlock(firstIndex, rows, features, targetWidth, x, y, w);
  }

  /**
   * {@code block} with each row's weight (1 when it has none) multiplied by its class's weight,
   * {@code classWeights[class index]}: how {@code train.classWeights} weighs the training rows.
   * The arrays of features and targets are shared, not copied.
   */
  public static PackedBlock weighByClass(PackedBlock block, float[] classWeights) {
    float[] w = new float[block.rows]; // (rows) sample weight x class weight
    for (int r = 0; r < block.rows; r++) {
      float sample = block.w == null ? 1f : block.w[r];
      w[r] = sample * classWeights[(int) block.y[r * block.targetWidth]];
    }
    return new PackedBlock(block.firstIndex, block.rows, block.features, block.targetWidth, block.x, block.y, w);
  }
}
