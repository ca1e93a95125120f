package org.sparkprop.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkprop.data.FeatureStats;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.ScanStats;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.GradientAccumulator;

/**
 * Registers every class Sparkprop sends through Kryo (broadcasts, task results, cached blocks
 * spilled to disk, shuffled tree nodes), so runs can use {@code spark.kryo.registrationRequired}.
 */
public final class SparkpropKryoRegistrator implements KryoRegistrator {
  /** Schema types a Parquet read or write may carry in task results (Spark registers only some itself). */
  private static final String[] SQL_TYPES = {
      "BooleanType$", "ByteType$", "ShortType$", "IntegerType$", "LongType$", "FloatType$", "DoubleType$",
      "StringType", "StringType$", "BinaryType$", "DateType$", "TimestampType$", "TimestampNTZType$", "NullType$",
      "DecimalType", "ArrayType", "MapType", "StructType", "StructField", "Metadata"};

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(PackedBlock.class);
    kryo.register(GradientAccumulator.class);
    kryo.register(EvaluationAccumulator.class);
    kryo.register(float[][].class);
    kryo.register(long[][].class);
    kryo.register(scala.Tuple2[].class);
    kryo.register(GradientAccumulator[].class);
    kryo.register(EvaluationAccumulator[].class);
    kryo.register(PackedBlock[].class);
    // Loading data: per-partition scan results, staging counts and feature statistics.
    kryo.register(ScanStats.class);
    kryo.register(ScanStats[].class);
    kryo.register(RowLoader.StagedCounts.class);
    kryo.register(RowLoader.StagedCounts[].class);
    kryo.register(FeatureStats.class);
    kryo.register(String[].class);
    // Spark SQL ships a table's schema in task results (e.g. of a Parquet write); ML vectors have their own type.
    kryo.register(org.apache.spark.ml.linalg.VectorUDT.class);
    for (String type : SQL_TYPES) {
      try {
        kryo.register(Class.forName("org.apache.spark.sql.types." + type));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Spark SQL type " + type + " is missing from the class path", e);
      }
    }
  }
}
