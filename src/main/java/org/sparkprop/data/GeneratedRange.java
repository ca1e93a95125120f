package org.sparkprop.data;

/**
 * A contiguous range of another source's rows, renumbered from 0: how a generated data set is
 * split into training, validation and test parts without materialising it. Generators produce
 * independent rows per index, so a contiguous range is a random sample.
 */
public final class GeneratedRange implements RowGenerator {
  private static final long serialVersionUID = 1L;

  private final RowGenerator source;
  private final long offset;
  private final long rows;

  public GeneratedRange(RowGenerator source, long offset, long rows) {
    if (offset < 0 || rows < 0 || offset + rows > source.rows()) {
      throw new IllegalArgumentException("rows [" + offset + ", " + (offset + rows) + ") are outside "
          + source.describe());
    }
    this.source = source;
    this.offset = offset;
    this.rows = rows;
  }

  @Override public long rows() { return rows; }
  @Override public int features() { return source.features(); }
  @Override public int targetWidth() { return source.targetWidth(); }
  @Override public int classes() { return source.classes(); }

  @Override
  public void fill(long index, float[] x, int xOffset, float[] y, int yOffset) {
    RowGenerators.checkIndex(index, rows);
    source.fill(offset + index, x, xOffset, y, yOffset);
  }

  @Override
  public void fillRows(long firstIndex, int count, float[] x, int xOffset, float[] y, int yOffset) {
    RowGenerators.checkIndex(firstIndex, rows);
    if (count > 0) RowGenerators.checkIndex(firstIndex + count - 1, rows);
    source.fillRows(offset + firstIndex, count, x, xOffset, y, yOffset);
  }

  @Override
  public String describe() {
    return "rows " + offset + ".." + (offset + rows - 1) + " of " + source.describe();
  }
}
