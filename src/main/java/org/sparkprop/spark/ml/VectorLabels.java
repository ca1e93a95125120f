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
 * it to double), and the vector {@code predictionCol} its model appends.
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
    if (!java.util.List.of(schema.fieldNames()).contains(featuresCol)) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' does not exist; the columns are "
          + java.util.List.of(schema.fieldNames()));
    }
    if (!(schema.apply(featuresCol).dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' must be an ML vector, found "
          + schema.apply(featuresCol).dataType().simpleString());
    }
    if (predictionCol.isEmpty()) return schema;
    if (java.util.List.of(schema.fieldNames()).contains(predictionCol)) {
      throw new IllegalArgumentException("prediction column '" + predictionCol + "' already exists");
    }
    return schema.add(new StructField(predictionCol, new VectorUDT(), false, Metadata.empty()));
  }
}
