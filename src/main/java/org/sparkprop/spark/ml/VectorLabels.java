package org.sparkprop.spark.ml;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Several targets in one label column (an ML vector or an array of numbers): the schema checks of a
 * multi-target fit, which Spark's {@code Predictor} would refuse (it takes a numeric label and casts
 * it to double), and the vector columns its model appends: a multi-target regression's
 * {@code predictionCol}, a multi-label classifier's {@code rawPredictionCol}, {@code probabilityCol}
 * and {@code predictionCol}.
 */
final class VectorLabels {
  private VectorLabels() {
  }

  /** Whether {@code labelCol} of the schema holds several values per row: a vector or an array of numbers. */
  static boolean severalTargets(StructType schema, String labelCol) {
    if (!java.util.List.of(schema.fieldNames()).contains(labelCol)) return false;
    DataType t = schema.apply(labelCol).dataType();
    return t instanceof VectorUDT || (t instanceof ArrayType a && a.elementType() instanceof NumericType);
  }

  /** The schema with a vector {@code predictionCol}, after checking that the features are a vector column. */
  static StructType withVectorPrediction(StructType schema, String featuresCol, String predictionCol) {
    return withVectorColumns(schema, featuresCol, "prediction", predictionCol);
  }

  /**
   * The schema of a multi-label model's output: {@code rawPredictionCol}, {@code probabilityCol} and
   * {@code predictionCol} each a vector with one element per label (a column named "" is left out).
   */
  static StructType withMultiLabelColumns(StructType schema, String featuresCol, String rawPredictionCol,
                                          String probabilityCol, String predictionCol) {
    return withVectorColumns(schema, featuresCol, "rawPrediction", rawPredictionCol, "probability", probabilityCol,
        "prediction", predictionCol);
  }

  /** Appends vector columns given as (param name, column name) pairs, after checking the features column. */
  private static StructType withVectorColumns(StructType schema, String featuresCol, String... paramAndColumn) {
    if (!java.util.List.of(schema.fieldNames()).contains(featuresCol)) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' does not exist; the columns are "
          + java.util.List.of(schema.fieldNames()));
    }
    if (!(schema.apply(featuresCol).dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' must be an ML vector, found "
          + schema.apply(featuresCol).dataType().simpleString());
    }
    StructType out = schema;
    for (int i = 0; i < paramAndColumn.length; i += 2) {
      String column = paramAndColumn[i + 1];
      if (column.isEmpty()) continue;
      if (java.util.List.of(out.fieldNames()).contains(column)) {
        throw new IllegalArgumentException(paramAndColumn[i] + " column '" + column + "' already exists");
      }
      out = out.add(new StructField(column, new VectorUDT(), false, Metadata.empty()));
    }
    return out;
  }
}
