package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.spark.compat.SparkLine;

/** The estimators under Spark's tuning: ParamGridBuilder, CrossValidator, TrainValidationSplit and evaluators. */
class SparkpropTuningTest {
  private static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = MlTestData.start();
  }

  @AfterAll
  static void stop() {
    MlTestData.stop(spark);
  }

  @Test
  void crossValidatorOverTwoShapesAndTwoLearningRatesPicksTheBestModel() throws Exception {
    Dataset<Row> data = MlTestData.vectors(spark, "circle", 480, 0.05, 21).cache();
    SparkpropClassifier classifier = new SparkpropClassifier().setActivation("tanh").setBatchSize(40).setEpochs(3)
        .setSeed(3).setPartitions(2);
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(classifier.hiddenLayers(), SparkLine.asScala(List.of(new int[] {4}, new int[] {8, 8})))
        .addGrid(classifier.learningRate(), new double[] {0.0005, 0.1})
        .build();
    assertEquals(4, grid.length);
    CrossValidator cv = new CrossValidator().setEstimator(classifier).setEstimatorParamMaps(grid)
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
        .setNumFolds(2).setSeed(5).setParallelism(2);
    CrossValidatorModel fitted = cv.fit(data);

    double[] metrics = fitted.avgMetrics();
    assertEquals(4, metrics.length);
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      if (metrics[i] > metrics[best]) best = i;
    }
    SparkpropClassificationModel chosen = assertInstanceOf(SparkpropClassificationModel.class, fitted.bestModel());
    assertArrayEquals(grid[best].apply(classifier.hiddenLayers()), chosen.getHiddenLayers());
    assertEquals((Double) grid[best].apply(classifier.learningRate()), chosen.getLearningRate());
    // Three short epochs at learning rate 0.0005 leave a network near its random start (about half
    // right); at 0.1 the same shape learns much of the circle.
    for (int i = 0; i < grid.length; i++) {
      for (int j = 0; j < grid.length; j++) {
        boolean sameShape = Arrays.equals(grid[i].apply(classifier.hiddenLayers()),
            grid[j].apply(classifier.hiddenLayers()));
        if (sameShape && (Double) grid[i].apply(classifier.learningRate()) == 0.1
            && (Double) grid[j].apply(classifier.learningRate()) == 0.0005) {
          assertTrue(metrics[i] > metrics[j] + 0.15, Arrays.toString(metrics));
        }
      }
    }
    assertEquals(0.1, chosen.getLearningRate());

    // The tuned model saves and loads with the estimator, the grid and the best network.
    String path = tmp.resolve("cv").toString();
    fitted.write().overwrite().save(path);
    CrossValidatorModel reloaded = CrossValidatorModel.load(path);
    assertArrayEquals(metrics, reloaded.avgMetrics());
    assertEquals(chosen.summary().weightsSha256(),
        ((SparkpropClassificationModel) reloaded.bestModel()).summary().weightsSha256());
    SparkpropPipelineTest.assertSameRows(fitted.transform(data), reloaded.transform(data), "probability", "prediction");
  }

  @Test
  void trainValidationSplitTunesTheRegressorWithRegressionEvaluator() {
    Dataset<Row> data = MlTestData.vectors(spark, "plane", 400, 0.0, 22).cache();
    SparkpropRegressor regressor = new SparkpropRegressor().setHiddenLayers(8).setActivation("tanh").setBatchSize(40)
        .setEpochs(5).setSeed(4).setPartitions(2);
    ParamMap[] grid = new ParamGridBuilder().addGrid(regressor.learningRate(), new double[] {0.0005, 0.03}).build();
    TrainValidationSplitModel fitted = new TrainValidationSplit().setEstimator(regressor).setEstimatorParamMaps(grid)
        .setEvaluator(new RegressionEvaluator().setMetricName("rmse")).setTrainRatio(0.75).setSeed(6)
        .fit(data);
    double[] rmse = fitted.validationMetrics();
    assertEquals(2, rmse.length);
    assertTrue(rmse[1] < rmse[0], "learning rate 0.03 should fit the plane better than 0.0005: " + rmse[0] + " vs " + rmse[1]);
    SparkpropRegressionModel chosen = assertInstanceOf(SparkpropRegressionModel.class, fitted.bestModel());
    assertEquals(0.03, chosen.getLearningRate());
    double r2 = new RegressionEvaluator().setMetricName("r2").evaluate(fitted.transform(data));
    assertTrue(r2 > 0.9, "r2 " + r2);
  }

  /**
   * Spark ML's fit(dataset, paramMaps) over a grid of four settings, two of which hold out a
   * validation set (so the rows are packed two ways): each model has the weights of its own
   * fit(dataset, paramMap), and the DataFrame is packed once per way, not once per setting.
   */
  @Test
  void fitOverAGridPacksTheDataOncePerWayOfPackingWithEachSettingsOwnWeights() {
    Dataset<Row> data = MlTestData.vectors(spark, "plane", 400, 0.0, 22).cache();
    SparkpropRegressor regressor = new SparkpropRegressor().setHiddenLayers(8).setActivation("tanh").setBatchSize(40)
        .setEpochs(3).setSeed(4).setPartitions(2).setExecution("spark");
    ParamMap[] grid = new ParamGridBuilder().addGrid(regressor.learningRate(), new double[] {0.003, 0.03})
        .addGrid(regressor.validationFraction(), SparkLine.asScala(List.of("0", "0.2"))).build();
    assertEquals(4, grid.length);
    PackingJobs packing = new PackingJobs();
    spark.sparkContext().addSparkListener(packing);
    try {
      int[] alone = new int[grid.length];
      float[][] weights = new float[grid.length][];
      for (int i = 0; i < grid.length; i++) {
        int before = packing.count();
        weights[i] = regressor.fit(data, grid[i]).weights();
        alone[i] = packing.count() - before;
      }
      int before = packing.count();
      List<SparkpropRegressionModel> together = SparkLine.asJava(regressor.fit(data, SparkLine.asScala(List.of(grid))));
      int shared = packing.count() - before;

      assertEquals(grid.length, together.size());
      java.util.Map<String, Integer> firstOfEachWay = new java.util.HashMap<>();
      for (int i = 0; i < grid.length; i++) {
        SparkpropRegressionModel m = together.get(i);
        assertEquals((Double) grid[i].apply(regressor.learningRate()), m.getLearningRate());
        assertEquals(grid[i].apply(regressor.validationFraction()), m.getValidationFraction());
        assertArrayEquals(weights[i], m.weights(), "setting " + i + ": " + grid[i]);
        firstOfEachWay.putIfAbsent(m.getValidationFraction(), alone[i]);
      }
      assertEquals(2, firstOfEachWay.size());
      assertTrue(alone[0] > 0, "a fit packs its DataFrame in Spark jobs");
      assertEquals(firstOfEachWay.values().stream().mapToInt(Integer::intValue).sum(), shared,
          "packing jobs of the grid's fit, against " + Arrays.toString(alone) + " for each setting alone");
    } finally {
      spark.sparkContext().removeSparkListener(packing);
    }
  }

  /** Counts the Spark jobs a fit runs to pack its DataFrame (by their description). */
  private static final class PackingJobs extends org.apache.spark.scheduler.SparkListener {
    private final java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
      String description = start.properties().getProperty("spark.job.description");
      if (description != null && description.endsWith("packing the DataFrame")) jobs.incrementAndGet();
    }

    int count() {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Spark's listener bus did not drain", e);
      }
      return jobs.get();
    }
  }
}
