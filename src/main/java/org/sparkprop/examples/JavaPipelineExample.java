package org.sparkprop.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.ml.SparkpropClassificationModel;
import org.sparkprop.spark.ml.SparkpropClassifier;

/**
 * Sparkprop as a stage of a Spark ML Pipeline, from Java: two raw columns are assembled into a
 * vector and standardised, a {@link SparkpropClassifier} is fitted on them, the test accuracy is
 * measured with Spark's evaluator, and the fitted pipeline is saved and loaded back.
 *
 * <pre>
 * java -cp "target/classes:$(cat cp.txt)" org.sparkprop.examples.JavaPipelineExample out/pipeline
 * spark-submit --class org.sparkprop.examples.JavaPipelineExample target/sparkprop-*-cluster.jar out/pipeline
 * </pre>
 */
public final class JavaPipelineExample {
  private JavaPipelineExample() {
  }

  public static void main(String[] args) throws IOException {
    String modelPath = args.length > 0 ? args[0] : "out/pipeline-example";
    // Sparkprop's session settings (Kryo with every class registered); spark-submit's master wins.
    SparkSession spark = SparkSessions.create("local[2]", Map.of("spark.ui.enabled", "false"));
    try {
      System.out.printf("test accuracy %.3f; the fitted pipeline is in %s%n", run(spark, modelPath), modelPath);
    } finally {
      spark.stop();
    }
  }

  /** Fits, evaluates, saves and reloads the pipeline; returns the accuracy on the held-out rows. */
  public static double run(SparkSession spark, String modelPath) throws IOException {
    // 1,000 points in a square, label 1 inside a circle: a boundary no linear model can draw.
    Dataset<Row> points = spark.range(1000)
        .select(rand(1).multiply(10).minus(5).as("x1"), rand(2).multiply(10).minus(5).as("x2"))
        .withColumn("label", when(col("x1").multiply(col("x1")).plus(col("x2").multiply(col("x2"))).lt(9), 1.0)
            .otherwise(0.0));
    Dataset<Row>[] split = points.randomSplit(new double[] {0.8, 0.2}, 7);
    Dataset<Row> training = split[0].cache();
    Dataset<Row> test = split[1].cache();

    SparkpropClassifier classifier = new SparkpropClassifier()
        .setHiddenLayers(16, 16)
        .setActivation("relu")
        .setOptimizer("adam")
        .setLearningRate(0.02)
        .setBatchSize(64)
        .setEpochs(10)
        .setSeed(42);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
        classifier});
    PipelineModel model = pipeline.fit(training);

    SparkpropClassificationModel network = (SparkpropClassificationModel) model.stages()[2];
    System.out.println(network.network());
    System.out.println("loss per epoch: " + Arrays.toString(network.summary().lossHistory()));

    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(model.transform(test));

    model.write().overwrite().save(modelPath);
    PipelineModel reloaded = PipelineModel.load(modelPath);
    reloaded.transform(test).select("x1", "x2", "probability", "prediction").show(5, false);
    return accuracy;
  }
}
