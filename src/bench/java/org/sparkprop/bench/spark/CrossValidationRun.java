package org.sparkprop.bench.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.mllib.util.MLUtils;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.spark.ml.SparkpropClassificationModel;
import org.sparkprop.spark.ml.SparkpropClassifier;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * The cross-validation half of the {@code small} workload in a JVM of its own, timed from the
 * JVM's start: the digits training CSV read as a DataFrame, a 3-fold cross-validation over two
 * learning rates of a {@link SparkpropClassifier} (one hidden layer, a fixed epoch count, the given
 * {@code execution}), and the chosen model's test accuracy. Two ways of running it:
 * <ul>
 *   <li>{@code oneByOne}: Spark's {@link CrossValidator} over a pipeline, which fits every fold and
 *       setting with its own {@code fit(dataset, paramMap)} (so each fit reads and packs its fold);
 *   <li>{@code packOnce}: the same folds ({@code MLUtils.kFold} with the CrossValidator's seed, as
 *       Spark's CrossValidator draws them), each fold's settings fitted by one
 *       {@code fit(dataset, paramMaps)}, which packs the fold once for both (what pyspark's
 *       CrossValidator does through {@code fitMultiple}), then the best setting refitted on every
 *       row, as the CrossValidator does.
 * </ul>
 * Both give the same mean fold accuracies when they fit the same weights.
 *
 * <p>Arguments: master partitions dataDir execution epochs batch hiddenWidth way.
 */
public final class CrossValidationRun {
  private static final int FOLDS = 3;
  private static final long SEED = 7;

  private CrossValidationRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int partitions = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    String way = args[7];
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
      VectorAssembler assembler = new VectorAssembler().setInputCols(features).setOutputCol("features");
      SparkpropClassifier classifier = new SparkpropClassifier().setHiddenLayers(Integer.parseInt(args[6]))
          .setEpochs(Integer.parseInt(args[4])).setBatchSize(Integer.parseInt(args[5])).setValidationFraction(0)
          .setExecution(args[3]).setPartitions(partitions).setLogEveryRounds(100000);
      ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.learningRate(), new double[] {0.01, 0.003}).build();
      MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
      double start = FmnistRun.sinceJvmStart();
      double[] meanFoldAccuracy;
      double testAccuracy;
      if (way.equals("oneByOne")) {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, classifier});
        CrossValidatorModel model = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
            .setEvaluator(accuracy).setNumFolds(FOLDS).setSeed(SEED).fit(train);
        out.put("crossValidationSeconds", Bench.round(FmnistRun.sinceJvmStart() - start, 2));
        meanFoldAccuracy = model.avgMetrics();
        testAccuracy = accuracy.evaluate(model.transform(test));
      } else if (way.equals("packOnce")) {
        meanFoldAccuracy = new double[grid.length];
        Tuple2<RDD<Row>, RDD<Row>>[] folds = MLUtils.kFold(train.toDF().rdd(), FOLDS, SEED, ClassTag$.MODULE$.apply(Row.class));
        for (Tuple2<RDD<Row>, RDD<Row>> fold : folds) {
          Dataset<Row> fit = assembler.transform(spark.createDataFrame(fold._1(), train.schema())).cache();
          Dataset<Row> validation = assembler.transform(spark.createDataFrame(fold._2(), train.schema())).cache();
          List<SparkpropClassificationModel> models = SparkLine.asJava(classifier.fit(fit, SparkLine.asScala(List.of(grid))));
          for (int i = 0; i < grid.length; i++) {
            meanFoldAccuracy[i] += accuracy.evaluate(models.get(i).transform(validation, grid[i]));
          }
          fit.unpersist();
          validation.unpersist();
        }
        // Summed over the folds in order, then divided, as Spark's CrossValidator averages them.
        for (int i = 0; i < grid.length; i++) meanFoldAccuracy[i] /= FOLDS;
        int best = meanFoldAccuracy[0] >= meanFoldAccuracy[1] ? 0 : 1;
        SparkpropClassificationModel model = classifier.fit(assembler.transform(train), grid[best]);
        out.put("crossValidationSeconds", Bench.round(FmnistRun.sinceJvmStart() - start, 2));
        testAccuracy = accuracy.evaluate(model.transform(assembler.transform(test)));
      } else {
        throw new IllegalArgumentException("way: oneByOne or packOnce, not " + way);
      }
      out.put("way", way);
      out.put("execution", args[3]);
      out.put("folds", FOLDS);
      out.put("settings", grid.length);
      out.put("fits", FOLDS * grid.length + 1);
      out.put("sparkReadySeconds", Bench.round(sparkReady, 2));
      out.put("wallSecondsFromJvmStart", Bench.round(FmnistRun.sinceJvmStart(), 2));
      out.put("meanFoldAccuracy", meanFoldAccuracy);
      out.put("testAccuracy", Bench.round(testAccuracy, 4));
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }
}
