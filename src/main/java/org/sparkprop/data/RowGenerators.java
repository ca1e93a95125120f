package org.sparkprop.data;

/** Helpers over {@link RowGenerator}. */
public final class RowGenerators {

  // Largest array length HotSpot allows; new float[Integer.MAX_VALUE] fails.
  private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private RowGenerators() {}

  /**
   * Packs rows [firstIndex, firstIndex + rows) of {@code src} into a new block. Because rows are
   * addressed by global index, packing a range in pieces and concatenating equals packing it
   * whole.
   *
   * @throws IllegalArgumentException if the range is not inside [0, src.rows()) or the block
   *     would exceed the largest Java array
   */
  public static PackedBlock pack(RowGenerator src, long firstIndex, int rows) {
    if (rows < 0 || firstIndex < 0 || firstIndex > src.rows() - rows) {
      throw new IllegalArgumentException("cannot pack rows [" + firstIndex + ", "
          + (firstIndex + rows) + ") of a source with " + src.rows() + " rows ("
          + src.describe() + ")");
    }
    int features = src.features();
    int targetWidth = src.targetWidth();
    long xLength = (long) rows * features;
    long yLength = (long) rows * targetWidth;
    if (xLength > MAX_ARRAY_LENGTH || yLength > MAX_ARRAY_LENGTH) {
      throw new IllegalArgumentException("a block of " + rows + " rows x " + features
          + " features has " + xLength + " values, more than one Java array holds ("
          + MAX_ARRAY_LENGTH + "); use more, smaller blocks");
    }
    float[] x = new float[(int) xLength]; // (rows, features)
    float[] y = new float[(int) yLength]; // (rows, targetWidth)
    src.fillRows(firstIndex, rows, x, 0, y, 0);
    return new PackedBlock(firstIndex, rows, features, targetWidth, x, y);
  }

  /** Throws the exception {@link RowGenerator#fill} documents when index is outside [0, rows). */
  static void checkIndex(long index, long rows) {
    if (index < 0 || index >= rows) {
      throw new IndexOutOfBoundsException("row " + index + " is outside [0, " + rows + ")");
    }
  }

  /** Likewise for {@link RowGenerator#fillRows}: every row of [first, first + count) must exist. */
  static void checkRange(long first, int count, long rows) {
    if (count < 0 || first < 0 || first > rows - count) {
      throw new IndexOutOfBoundsException("rows [" + first + ", " + (first + count)
          + ") are not inside [0, " + rows + ")");
    }
  }
}
