package org.sparkprop.spark;

import com.esotericsoftware.kryo.Kryo;
import java.util.List;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.GradientAccumulator;

/**
 * Registers every class Sparkprop sends through Kryo (broadcasts, task results, cached blocks
 * spilled to disk, shuffled tree nodes), so runs can use {@code spark.kryo.registrationRequired}.
 */
public final class SparkpropKryoRegistrator implements KryoRegistrator {
  /**
   * Classes that Spark ML's own stages send through Kryo in the pipelines Sparkprop's estimators
   * join (StandardScaler's and RegressionEvaluator's summaries; vector column types inside the task
   * results of a model save), found by running those pipelines with unregistered-class warnings.
   * Registered by name, only when Spark ML is on the class path; every JVM of one application has
   * the same Spark, so the registration order, hence the ids, agree.
   */
  static final List<String> SPARK_ML_CLASSES = List.of(
      "org.apache.spark.ml.linalg.VectorUDT",
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
    ClassLoader loader = SparkpropKryoRegistrator.class.getClassLoader();
    for (String name : SPARK_ML_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, loader));
      } catch (ClassNotFoundException e) {
        // Spark ML is not on the class path (or this Spark lacks the class): nothing of it to ship.
      }
    }
  }
}
