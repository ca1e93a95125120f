package org.sparkprop.data;

/** Reading a regression target written as text. */
public final class LabelValues {
  private LabelValues() {
  }

  /** The value of {@code text}, or 0 with a problem recorded in {@code row}. */
  public static float parse(String text, String what, ParsedRow row) {
    switch (NumberText.check(text, 0, text.length())) {
      case NUMBER: {
        float v = NumberText.parse(text, 0, text.length());
        if (!Float.isFinite(v)) {
          row.fail(RowProblem.NOT_FINITE, what + " holds " + ParsedRow.quote(text)
              + ", beyond the float32 range; expected a finite number");
        }
        return v;
      }
      case EMPTY:
        row.fail(RowProblem.MISSING_VALUE, what + " is empty; expected a number (regression target)");
        return 0;
      case NOT_FINITE_WORD:
        row.fail(RowProblem.NOT_FINITE, what + " holds " + ParsedRow.quote(text) + "; expected a finite number");
        return 0;
      default:
        row.fail(RowProblem.NON_NUMERIC, what + " holds " + ParsedRow.quote(text)
            + "; expected a number (regression target; class names need model.loss cross_entropy or bce)");
        return 0;
    }
  }
}
