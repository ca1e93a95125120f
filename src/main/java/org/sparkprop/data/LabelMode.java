package org.sparkprop.data;

/** What the label column holds for the job at hand. */
public enum LabelMode {
  /** Class names (integers or strings), mapped to class indices by a {@link LabelMapping}. */
  CLASSES,
  /**
   * Class indices 0, 1, ..., k-1 themselves, as Spark ML's classifiers take them (StringIndexer
   * writes them): k is one more than the largest index seen, at least 2, unless the classes are
   * given; another label (1.5, -1) is a bad row.
   */
  CLASS_INDICES,
  /** A real-valued regression target. */
  VALUES,
  /**
   * Several 0/1 labels per row (one per label column, or a vector label), each an independent
   * sigmoid output trained with bce: multi-label classification. Another value is a bad row.
   */
  MULTI_LABEL,
  /** Not read (prediction): a label column, if present, is neither a feature nor checked. */
  NONE;

  /** Whether labels are classes (names or indices) rather than values. */
  public boolean classes() {
    return this == CLASSES || this == CLASS_INDICES;
  }
}
