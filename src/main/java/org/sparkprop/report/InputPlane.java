package org.sparkprop.report;

import org.sparkprop.data.Playground;

/**
 * How a point (x1, x2) of a two-dimensional picture becomes one input row of the network: the two
 * coordinates themselves, plus any features derived from them (the Playground's x1², sin x1 ...).
 * The first two features of every data row are its (x1, x2).
 */
public interface InputPlane {

  /** Width of the input row. */
  int inputs();

  /** Writes the input row of (x1, x2) into row[offset .. offset + inputs()). */
  void fill(double x1, double x2, float[] row, int offset);

  /** A Playground data set: x1, x2 and the derived features it was generated with. */
  static InputPlane playground(Playground source) {
    return new InputPlane() {
      @Override
      public int inputs() {
        return source.features();
      }

      @Override
      public void fill(double x1, double x2, float[] row, int offset) {
        source.inputsAt(x1, x2, row, offset);
      }
    };
  }

  /** Data whose only two features are the coordinates. */
  static InputPlane twoFeatures() {
    return new InputPlane() {
      @Override
      public int inputs() {
        return 2;
      }

      @Override
      public void fill(double x1, double x2, float[] row, int offset) {
        row[offset] = (float) x1;
        row[offset + 1] = (float) x2;
      }
    };
  }
}
