package org.sparkprop.data;

import java.io.Serializable;

/**
 * Rows packed as dense float32 matrices: the unit in which training data is cached (one block
 * per Spark partition) and handed to the forward/backward kernels. Rows carry consecutive global
 * indices starting at {@link #firstIndex}; the batch sampler selects rows by global index.
 */
public final class PackedBlock implements RowBlock, Serializable {
  private static final long serialVersionUID = 1L;

  public final long firstIndex;
  public final int rows;
  public final int features;
  public final int targetWidth;
  public final float[] x; // (rows, features) row-major
  public final float[] y; // (rows, targetWidth) row-major
  /** (rows) sample weights, or null when the input has no weight column: every row then weighs 1. */
  public final float[] w;

  public PackedBlock(long firstIndex, int rows, int features, int targetWidth, float[] x, float[] y) {
    this(firstIndex, rows, features, targetWidth, x, y, null);
  }

  /** @param w the rows' sample weights, or null for unweighted rows (today's layout and bits) */
  public PackedBlock(long firstIndex, int rows, int features, int targetWidth, float[] x, float[] y, float[] w) {
    if (w != null && w.length != rows) {
      throw new IllegalArgumentException("block of " + rows + " rows has " + w.length + " weights");
    }
    if ((long) rows * features != x.length || (long) rows * targetWidth != y.length) {
      throw new IllegalArgumentException("block arrays do not match " + rows + " rows x "
          + features + " features / " + targetWidth + " targets: x has " + x.length
          + " values, y has " + y.length);
    }
    this.firstIndex = firstIndex;
    this.rows = rows;
    this.features = features;
    this.targetWidth = targetWidth;
    this.x = x;
    this.y = y;
    this.w = w;
  }

  @Override
  public long firstIndex() {
    return firstIndex;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int targetWidth() {
    return targetWidth;
  }

  @Override
  public void copyRows(int local, int count, float[] xOut, int xAt, float[] yOut, int yAt) {
    System.arraycopy(x, local * features, xOut, xAt, count * features);
    System.arraycopy(y, local * targetWidth, yOut, yAt, count * targetWidth);
  }

  @Override
  public boolean weighted() {
    return w != null;
  }

  @Override
  public void copyWeights(int local, int count, float[] out, int at) {
    System.arraycopy(w, local, out, at, count);
  }

  /** Bytes of float data held, the figure compared with Spark's cached size. */
  public long payloadBytes() {
    return 4L * ((long) x.length + y.length + (w == null ? 0 : w.length));
  }
}
