package org.sparkprop.data;

/**
 * Why an input row was refused. The {@link #key()} is how the reason is counted in logs and in
 * {@code summary.json}; the {@link #description()} is how a person reads it.
 */
public enum RowProblem {
  MALFORMED("malformed", "malformed row"),
  COLUMN_COUNT("columnCount", "wrong number of columns"),
  NON_NUMERIC("nonNumeric", "value not a number"),
  NOT_FINITE("notFinite", "NaN or infinite value"),
  MISSING_VALUE("missingValue", "missing value"),
  UNKNOWN_LABEL("unknownLabel", "label outside the known classes"),
  FEATURE_INDEX("featureIndex", "feature index out of range"),
  BAD_WEIGHT("badWeight", "sample weight missing, negative or not finite");

  private final String key;
  private final String description;

  RowProblem(String key, String description) {
    this.key = key;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String description() {
    return description;
  }
}
