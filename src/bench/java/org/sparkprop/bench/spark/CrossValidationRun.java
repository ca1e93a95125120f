package org.sparkprop.bench.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.ml.SparkpropClassifier;

/**
 * The cross-validation half of the {@code small} workload in a JVM of its own, timed from the
 * JVM's start: the digits training CSV read as a DataFrame, a 3-fold {@code CrossValidator} over
 * two learning rates of a {@link SparkpropClassifier} (one hidden layer, a fixed epoch count,
 * the given {@code execution}), and the chosen model's test accuracy.
 *
 * <p>Arguments: master partitions dataDir execution epochs batch hiddenWidth.
 */
public final class CrossValidationRun {
  private CrossValidationRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int partitions = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    BenchSpark.start(master);
    SparkSession spark = SparkSession.active();
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      double sparkReady = FmnistRun.sinceJvmStart();
      StringBuilder schema = new StringBuilder();
      String[] features = new String[64];
      for (int i = 0; i < 64; i++) {
        features[i] = "p" + i;
        schema.append(features[i]).append(" DOUBLE, ");
      }
      schema.append("label DOUBLE");
      Dataset<Row> train = spark.read().option("header", "true").schema(schema.toString())
          .csv(dir.resolve("digits-train.csv").toAbsolutePath().toString()).cache();
      Dataset<Row> test = spark.read().option("header", "true").schema(schema.toString())
          .csv(dir.resolve("digits-test.csv").toAbsolutePath().toString()).cache();
      SparkpropClassifier classifier = new SparkpropClassifier().setHiddenLayers(Integer.parseInt(args[6]))
          .setEpochs(Integer.parseInt(args[4])).setBatchSize(Integer.parseInt(args[5])).setValidationFraction(0)
          .setExecution(args[3]).setPartitions(partitions).setLogEveryRounds(100000);
      Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
          new VectorAssembler().setInputCols(features).setOutputCol("features"), classifier});
      ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.learningRate(), new double[] {0.01, 0.003}).build();
      MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
      CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setEvaluator(accuracy)
          .setNumFolds(3).setSeed(7);
      double start = FmnistRun.sinceJvmStart();
      CrossValidatorModel model = cv.fit(train);
      double fitted = FmnistRun.sinceJvmStart();
      double testAccuracy = accuracy.evaluate(model.transform(test));
      out.put("execution", args[3]);
      out.put("folds", 3);
      out.put("settings", grid.length);
      out.put("fits", 3 * grid.length + 1);
      out.put("sparkReadySeconds", Bench.round(sparkReady, 2));
      out.put("crossValidationSeconds", Bench.round(fitted - start, 2));
      out.put("wallSecondsFromJvmStart", Bench.round(FmnistRun.sinceJvmStart(), 2));
      out.put("meanFoldAccuracy", model.avgMetrics());
      out.put("testAccuracy", Bench.round(testAccuracy, 4));
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }
}
