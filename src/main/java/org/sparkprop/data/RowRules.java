package org.sparkprop.data;

import java.io.Serializable;

/**
 * The checks a parsed row must pass beyond its own syntax: its width, and for classification
 * that its label is one of the known classes. While a training set is scanned the classes and
 * (for LibSVM) the width are still being learnt; then {@code mapping} is null and {@code width} 0.
 */
public final class RowRules implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LabelMode labels;
  private final LabelMapping mapping; // null while fitting, and for regression
  private final int width;            // 0 = not known yet
  private final boolean exactWidth;   // rows must have exactly width features (vectors), not at most (sparse)
  private final String widthOrigin;   // for messages: where the expected width comes from
  private final boolean weighted;     // rows carry a sample weight (the input has a weight column)

  public RowRules(LabelMode labels, LabelMapping mapping, int width, boolean exactWidth, String widthOrigin) {
    this(labels, mapping, width, exactWidth, widthOrigin, false);
  }

  private RowRules(LabelMode labels, LabelMapping mapping, int width, boolean exactWidth, String widthOrigin,
                   boolean weighted) {
    this.weighted = weighted;
    this.labels = labels;
    this.mapping = mapping;
    this.width = width;
    this.exactWidth = exactWidth;
    this.widthOrigin = widthOrigin;
  }

  public RowRules withMapping(LabelMapping m) {
    return new RowRules(labels, m, width, exactWidth, widthOrigin, weighted);
  }

  public RowRules withWidth(int w, String origin) {
    return new RowRules(labels, mapping, w, exactWidth, origin, weighted);
  }

  /** These rules for rows that carry a sample weight, packed beside the targets. */
  public RowRules withWeights(boolean w) {
    return new RowRules(labels, mapping, width, exactWidth, widthOrigin, w);
  }

  /** Whether rows carry a sample weight (the input has a weight column). */
  public boolean weighted() {
    return weighted;
  }

  public LabelMode labels() {
    return labels;
  }

  public LabelMapping mapping() {
    return mapping;
  }

  public int width() {
    return width;
  }

  /** Records in {@code row} the first rule it breaks. */
  public void check(ParsedRow row) {
    if (!row.ok()) return;
    if (width > 0 && (row.width() > width || (exactWidth && row.width() != width))) {
      row.fail(exactWidth ? RowProblem.COLUMN_COUNT : RowProblem.FEATURE_INDEX,
          exactWidth ? "the row has " + row.width() + " features; expected " + width + " (" + widthOrigin + ")"
              : "the row has a feature at index " + row.width() + "; expected at most " + width + " (" + widthOrigin + ")");
      return;
    }
    if (labels == LabelMode.CLASSES && mapping != null && mapping.indexOf(row.label()) < 0) {
      row.fail(RowProblem.UNKNOWN_LABEL, "label " + ParsedRow.quote(row.label())
          + " is not one of the classes seen in training (" + mapping.describe() + ")");
    } else if (labels == LabelMode.CLASS_INDICES) {
      int index = LabelMapping.classIndex(row.label());
      if (index < 0) {
        row.fail(RowProblem.UNKNOWN_LABEL, "label " + ParsedRow.quote(row.label()) + " is not a class index: a classifier"
            + " needs class indices 0, 1, ..., k-1 (below " + LabelMapping.MAX_CLASSES + "); index other labels with"
            + " StringIndexer");
      } else if (mapping != null && index >= mapping.classes()) {
        row.fail(RowProblem.UNKNOWN_LABEL, "label " + ParsedRow.quote(row.label()) + " is not a class index below "
            + mapping.classes() + ", the number of classes given for this input");
      }
    }
  }

  /** The target value stored for a good row: the class index, or the regression value. */
  public float target(ParsedRow row) {
    return labels.classes() ? mapping.indexOf(row.label()) : row.target();
  }
}
