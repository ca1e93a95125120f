package org.sparkprop.spark.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.spark.SparkSessions;

/** Spark sessions and small DataFrames for the Spark ML tests. */
final class MlTestData {
  private MlTestData() {
  }

  /** local[2] on loopback with Sparkprop's settings (Kryo with registration required), no UI. */
  static SparkSession start() {
    return SparkSessions.create("local[2]", Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false",
        "spark.sql.shuffle.partitions", "4"));
  }

  static void stop(SparkSession spark) {
    if (spark != null) spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /**
   * The rows of a TensorFlow Playground set (as the {@code train} command generates them) as
   * columns id, x1, x2, label, in row order: raw inputs for a VectorAssembler.
   */
  static Dataset<Row> columns(SparkSession spark, String name, int rows, double noise, long seed) {
    PackedBlock b = RowGenerators.pack(new Playground(name, rows, noise, seed), 0, rows);
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) out.add(RowFactory.create((long) i, (double) b.x[2 * i], (double) b.x[2 * i + 1], (double) b.y[i]));
    StructType schema = new StructType().add("id", DataTypes.LongType).add("x1", DataTypes.DoubleType)
        .add("x2", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
    return spark.createDataFrame(out, schema);
  }

  /** The same rows as columns id, features (a vector), label. */
  static Dataset<Row> vectors(SparkSession spark, String name, int rows, double noise, long seed) {
    PackedBlock b = RowGenerators.pack(new Playground(name, rows, noise, seed), 0, rows);
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      out.add(RowFactory.create((long) i, Vectors.dense(b.x[2 * i], b.x[2 * i + 1]), (double) b.y[i]));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType).add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType);
    return spark.createDataFrame(out, schema);
  }
}
