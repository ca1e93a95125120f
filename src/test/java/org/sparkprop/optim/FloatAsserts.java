package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.fail;

/** Comparison of float32 results with golden values derived in double. */
final class FloatAsserts {

  /**
   * The optimizers compute in float32: each operation rounds to within 2^-24 (6e-8) relative, and
   * a parameter after two steps has gone through about ten operations whose errors add up to a
   * few ulps. 1e-6 relative allows that, yet is far below any mistake in an update rule (the
   * smallest effect tested, Adam's epsilon in the large-epsilon case, moves values by 1e-2).
   */
  static final double FLOAT32_RELATIVE_TOLERANCE = 1e-6;

  private FloatAsserts() {
  }

  static void assertCloseRelative(double[] expected, float[] actual, String what) {
    if (expected.length != actual.length) {
      fail(what + ": expected " + expected.length + " values but got " + actual.length);
    }
    for (int i = 0; i < expected.length; i++) {
      double allowed = FLOAT32_RELATIVE_TOLERANCE * Math.abs(expected[i]);
      if (!(Math.abs(actual[i] - expected[i]) <= allowed)) {
        fail(what + "[" + i + "]: expected " + expected[i] + " within " + allowed + " but got "
            + actual[i]);
      }
    }
  }
}
