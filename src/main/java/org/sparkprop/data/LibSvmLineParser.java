package org.sparkprop.data;

import java.io.Serializable;

/**
 * Parses LibSVM lines, {@code label index:value index:value ...} with 1-based, strictly
 * increasing indices, into dense rows: feature {@code index} lands at position {@code index - 1},
 * features not listed are 0. Text after '#' is a comment. The row's width is its largest index;
 * with {@code features > 0} a larger index is refused, with 0 the width is being inferred.
 */
public final class LibSvmLineParser implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int features; // 0 = infer
  private final LabelMode labels;

  public LibSvmLineParser(int features, LabelMode labels) {
    this.features = features;
    this.labels = labels;
  }

  /** Whether a line holds no row: blank, or only a comment. */
  public static boolean isEmpty(String line) {
    int n = line.indexOf('#');
    if (n < 0) n = line.length();
    return skipBlanks(line, 0, n) == n;
  }

  public void parse(String line, ParsedRow row) {
    int n = line.indexOf('#');
    if (n < 0) n = line.length();
    int i = skipBlanks(line, 0, n);
    int labelEnd = tokenEnd(line, i, n);
    String labelText = line.substring(i, labelEnd);
    if (labelText.indexOf(':') >= 0) {
      row.fail(RowProblem.MALFORMED, "the line starts with " + ParsedRow.quote(labelText)
          + "; expected a label before the first index:value pair");
      return;
    }
    switch (labels) {
      case CLASSES:
        row.setLabel(LabelMapping.canonical(labelText));
        break;
      case VALUES:
        row.setTarget(LabelValues.parse(labelText, "the label", row));
        break;
      default:
        break;
    }
    int width = 0;
    long previous = 0;
    i = skipBlanks(line, labelEnd, n);
    while (i < n) {
      int end = tokenEnd(line, i, n);
      int colon = line.indexOf(':', i);
      if (colon < 0 || colon >= end) {
        row.fail(RowProblem.MALFORMED, "token " + ParsedRow.quote(line.substring(i, end)) + " is not index:value");
        return;
      }
      if (colon - i == 3 && line.startsWith("qid", i)) { // ranking query id: not a feature
        i = skipBlanks(line, end, n);
        continue;
      }
      long index = parseIndex(line, i, colon);
      if (index < 1) {
        row.fail(index == 0 ? RowProblem.FEATURE_INDEX : RowProblem.MALFORMED, "index "
            + ParsedRow.quote(line.substring(i, colon)) + " is not a whole number from 1 (indices are 1-based)");
        return;
      }
      if (index <= previous) {
        row.fail(RowProblem.MALFORMED, "index " + index + " follows index " + previous
            + "; expected strictly increasing indices");
        return;
      }
      if (features > 0 && index > features) {
        row.fail(RowProblem.FEATURE_INDEX, "index " + index + " exceeds data.features = " + features);
        return;
      }
      if (index > Integer.MAX_VALUE - 16) {
        row.fail(RowProblem.FEATURE_INDEX, "index " + index + " is too large for a dense row");
        return;
      }
      float[] x = row.featuresFor((int) index);
      for (long k = previous; k < index - 1; k++) x[(int) k] = 0;
      switch (NumberText.check(line, colon + 1, end)) {
        case NUMBER: {
          float v = NumberText.parse(line, colon + 1, end);
          if (!Float.isFinite(v)) {
            row.fail(RowProblem.NOT_FINITE, "feature " + index + " holds " + ParsedRow.quote(line.substring(colon + 1, end))
                + ", beyond the float32 range; expected a finite number");
          }
          x[(int) index - 1] = v;
          break;
        }
        case NOT_FINITE_WORD:
          row.fail(RowProblem.NOT_FINITE, "feature " + index + " holds "
              + ParsedRow.quote(line.substring(colon + 1, end)) + "; expected a finite number");
          return;
        case EMPTY:
          row.fail(RowProblem.MISSING_VALUE, "feature " + index + " has no value after ':'");
          return;
        default:
          row.fail(RowProblem.NON_NUMERIC, "feature " + index + " holds "
              + ParsedRow.quote(line.substring(colon + 1, end)) + "; expected a number");
          return;
      }
      previous = index;
      width = (int) index;
      i = skipBlanks(line, end, n);
    }
    if (labels == LabelMode.CLASSES && row.label() == null) {
      row.fail(RowProblem.MISSING_VALUE, "the line has no label");
    }
    row.setWidth(width);
  }

  private static long parseIndex(String s, int from, int to) {
    if (from == to || to - from > 12) return -1;
    long v = 0;
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int skipBlanks(String s, int i, int n) {
    while (i < n && Character.isWhitespace(s.charAt(i))) i++;
    return i;
  }

  private static int tokenEnd(String s, int i, int n) {
    while (i < n && !Character.isWhitespace(s.charAt(i))) i++;
    return i;
  }
}
