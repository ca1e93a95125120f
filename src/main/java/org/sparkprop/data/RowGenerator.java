package org.sparkprop.data;

import java.io.Serializable;

/**
 * A data set addressed by global row index, so that any executor can produce any row without
 * producing the rows before it or reading them from the driver.
 *
 * <p>Contract for implementations: {@link #fill} is a pure function of the source's parameters
 * and {@code index} (the same row, bit for bit, on every call, in every JVM and after Java
 * serialisation); it is safe to call from several threads at once, because Spark runs several
 * tasks in one executor JVM on one deserialised object; and it allocates nothing, because it
 * runs once per row for up to 10^7 rows. Serialised forms stay small (parameters only): Spark
 * ships the source inside every task.
 */
public interface RowGenerator extends Serializable {

  long rows();

  int features();

  /** Always 1 here: a class index (as float) for classification, the value for regression. */
  int targetWidth();

  /** 0 for regression, otherwise the number of classes (2 for binary). */
  int classes();

  /**
   * Writes row {@code index} (0 <= index < rows()) into x[xOffset .. xOffset+features) and
   * y[yOffset .. yOffset+targetWidth). No allocation.
   *
   * @throws IndexOutOfBoundsException if index is outside [0, rows())
   */
  void fill(long index, float[] x, int xOffset, float[] y, int yOffset);

  /**
   * Writes rows [firstIndex, firstIndex + count) one after another: row firstIndex + r goes to
   * x[xOffset + r*features() ..) and y[yOffset + r*targetWidth() ..). The values are exactly
   * those {@link #fill} writes; a source overrides this when computing rows together is
   * cheaper. No allocation.
   *
   * @throws IndexOutOfBoundsException if some row is outside [0, rows())
   */
  default void fillRows(long firstIndex, int count, float[] x, int xOffset, float[] y,
                        int yOffset) {
    int features = features();
    int targetWidth = targetWidth();
    for (int r = 0; r < count; r++) {
      fill(firstIndex + r, x, xOffset + r * features, y, yOffset + r * targetWidth);
    }
  }

  /** One line for logs and reports, e.g. "playground spiral, 1000 rows, noise 0.1, seed 7". */
  String describe();
}
