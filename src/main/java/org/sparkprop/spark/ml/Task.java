package org.sparkprop.spark.ml;

/** What the label column means: a class index, or a real-valued target. */
enum Task {
  CLASSIFICATION,
  REGRESSION;

  String configName() {
    return this == CLASSIFICATION ? "classification" : "regression";
  }
}
