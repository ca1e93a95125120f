package org.sparkprop.data;

/** What the label column holds for the job at hand. */
public enum LabelMode {
  /** Class names (integers or strings), mapped to class indices by a {@link LabelMapping}. */
  CLASSES,
  /** A real-valued regression target. */
  VALUES,
  /** Not read (prediction): a label column, if present, is neither a feature nor checked. */
  NONE
}
