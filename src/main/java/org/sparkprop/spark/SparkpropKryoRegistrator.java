package org.sparkprop.spark;

import com.esotericsoftware.kryo.Kryo;
import java.util.List;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkprop.data.FeatureStats;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.ScanStats;
import org.sparkprop.data.StagedCounts;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.GradientAccumulator;
import scala.reflect.ClassTag$;

/**
 * Registers every class Sparkprop sends through Kryo (broadcasts, task results, cached blocks
 * spilled to disk, shuffled tree nodes, block copies between executors), so runs can use {@code spark.kryo.registrationRequired}.
 */
public final class SparkpropKryoRegistrator implements KryoRegistrator {
  /** Schema types a Parquet read or write may carry in task results (Spark registers only some itself). */
  private static final String[] SQL_TYPES = {
      "BooleanType$", "ByteType$", "ShortType$", "IntegerType$", "LongType$", "FloatType$", "DoubleType$",
      "StringType", "StringType$", "BinaryType$", "DateType$", "TimestampType$", "TimestampNTZType$", "NullType$",
      "DecimalType", "ArrayType", "MapType", "StructType", "StructField", "Metadata"};

  /**
   * Classes that Spark ML's own stages send through Kryo in the pipelines Sparkprop's estimators
   * join (StandardScaler's and RegressionEvaluator's summaries; vector column types inside the task
   * results of a model save), found by running those pipelines with unregistered-class warnings.
   * Registered by name, only when Spark ML is on the class path; every JVM of one application has
   * the same Spark, so the registration order, hence the ids, agree.
   */
  static final List<String> SPARK_ML_CLASSES = List.of(
      "org.apache.spark.ml.linalg.MatrixUDT",
      "org.apache.spark.ml.stat.SummarizerBuffer",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeWeightSum$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMean$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2n$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeL1$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMax$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMin$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeNNZ$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$Mean$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$Sum$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$Variance$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$Std$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$Count$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$NumNonZeros$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$Max$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$Min$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL2$",
      "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL1$");

  /**
   * What Spark's parallel listing of input files sends through Kryo (by name: arrays included)
   * besides the file statuses themselves, which {@link PlainFileStatusSerializer} sends.
   */
  static final List<String> FILE_LISTING_CLASSES = List.of(
      "org.apache.hadoop.fs.Path", "[Lorg.apache.hadoop.fs.Path;",
      "[Lorg.apache.hadoop.fs.FileStatus;", "[Lorg.apache.hadoop.fs.LocatedFileStatus;");

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
    // Local-step rounds (train.localSteps > 1): the broadcast start, partition models, group averages.
    kryo.register(org.sparkprop.train.LocalStart.class);
    kryo.register(org.sparkprop.train.PartitionModel.class);
    kryo.register(org.sparkprop.train.ModelAverage.class);
    kryo.register(double[][].class);
    // Loading data: per-partition scan results, staging counts and feature statistics.
    kryo.register(ScanStats.class);
    kryo.register(ScanStats[].class);
    kryo.register(org.sparkprop.data.ScannedPartition.class);
    kryo.register(org.sparkprop.data.ScannedPartition[].class);
    kryo.register(StagedCounts.class);
    kryo.register(StagedCounts[].class);
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
    ClassLoader loader = SparkpropKryoRegistrator.class.getClassLoader();
    for (String name : SPARK_ML_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, loader));
      } catch (ClassNotFoundException e) {
        // Spark ML is not on the class path (or this Spark lacks the class): nothing of it to ship.
      }
    }
    // Spark lists an input of more paths than spark.sql.sources.parallelPartitionDiscovery.threshold
    // (32) with a job of its own: its tasks carry Hadoop paths, its results the files' statuses.
    for (String name : FILE_LISTING_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, loader));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("class " + name + " of Spark's file listing is missing from the class path", e);
      }
    }
    PlainFileStatusSerializer statuses = new PlainFileStatusSerializer();
    for (String name : PlainFileStatusSerializer.STATUS_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, loader), statuses);
      } catch (ClassNotFoundException e) {
        // That file system's connector is not on the class path: none of its statuses to send.
      }
    }
    // Copying a cached block to another executor (replicated storage levels, migration off a
    // decommissioned executor) sends its class tag through Kryo: AnyRef for the Java RDD API,
    // a class tag for Scala-side RDDs of our blocks.
    kryo.register(ClassTag$.MODULE$.AnyRef().getClass());
    kryo.register(ClassTag$.MODULE$.apply(PackedBlock.class).getClass());
  }
}
