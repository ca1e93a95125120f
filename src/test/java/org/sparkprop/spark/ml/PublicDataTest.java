package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The estimators with their defaults on small public data sets (data/public, made by its
 * make-public-data.py from the copies scikit-learn ships), against what users compare them with.
 */
class PublicDataTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = MlTestData.start();
  }

  @AfterAll
  static void stop() {
    MlTestData.stop(spark);
  }

  /**
   * Spark's documented multilayer perceptron example: iris scaled to [-1, 1] in libsvm format, a
   * 60/40 randomSplit with seed 1234, MLlib's MultilayerPerceptronClassifier with layers 4-5-4-3,
   * maxIter 100 (L-BFGS), seed 1234. Sparkprop with only the same hidden layers and seed, all else
   * default, must classify the test rows at least as well, on the same split in the same run.
   */
  @Test
  void irisWithDefaultsIsAtLeastAsAccurateAsSparksDocumentedMlpExample() {
    Dataset<Row> data = spark.read().format("libsvm").option("numFeatures", "4").load("data/public/iris.libsvm");
    Dataset<Row>[] splits = data.randomSplit(new double[] {0.6, 0.4}, 1234L);
    Dataset<Row> train = splits[0].cache();
    Dataset<Row> test = splits[1].cache();
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");

    double mllib = accuracy.evaluate(new MultilayerPerceptronClassifier().setLayers(new int[] {4, 5, 4, 3})
        .setBlockSize(128).setSeed(1234L).setMaxIter(100).fit(train).transform(test));
    SparkpropClassificationModel model = new SparkpropClassifier().setHiddenLayers(5, 4).setSeed(1234).fit(train);
    double ours = accuracy.evaluate(model.transform(test));

    assertTrue(ours >= mllib, "Sparkprop " + ours + " vs MLlib " + mllib + "; " + model.summary());
    assertTrue(mllib > 0.85, "the comparison means something only if MLlib learns iris: " + mllib);
    assertEquals("driver", model.summary().execution().split(" ")[0], "150 rows train on the driver by default");
  }

  /**
   * scikit-learn's diabetes data (442 rows, 10 features, a disease-progression target between 25
   * and 346) split 331 / 111 by train_test_split(test_size=0.25, random_state=0), features
   * standardised on the training rows. Sparkprop's regressor with one hidden layer of 64 and every
   * other setting default, mean test R² over seeds 0 to 4, must reach the mean test R² of
   * scikit-learn's MLPRegressor(hidden_layer_sizes=(64,)) over random_state 0 to 4 on the same
   * split, and do better than this project's earlier defaults (the target in its own units, a fixed
   * 20 epochs, no validation rows, he initialisation, learning rate 0.01) in the same run.
   *
   * <p>scikit-learn's figure, measured once with scikit-learn 1.9.1 on Python 3.11 (features
   * through StandardScaler fitted on the training rows, as here; {@code r2_score} on the test
   * rows), is the best of three ways of running it: {@code MLPRegressor(hidden_layer_sizes=(64,),
   * random_state=s, max_iter=2000)}, mean 0.2955 (0.302, 0.295, 0.289, 0.300, 0.292). With its
   * defaults (max_iter=200) it stops unconverged at -2.17, the output still far from targets in the
   * hundreds; with early_stopping=True, max_iter=2000 (the counterpart of Sparkprop's defaults: 10%
   * validation rows, patience 10, tol 1e-4) 0.2916. For context, not asserted: ordinary least
   * squares reaches 0.36, a small, noisy set on which a network gains little over a line. Sparkprop
   * reached 0.307 when this was written (0.366, 0.348, 0.322, 0.206, 0.293); with the earlier he
   * initialisation and learning rate 0.01 as defaults, 0.245. The runs are repeatable bit for bit
   * (driver execution, fixed seeds), so the comparison does not flake; a GEMM kernel that sums in
   * another order moves each figure a little.
   */
  @Test
  void diabetesWithDefaultsReachesScikitLearnsMlpRegressor() {
    double scikitLearnMeanR2 = 0.2955;
    Dataset<Row> train = csv("data/public/diabetes-train.csv").cache();
    Dataset<Row> test = csv("data/public/diabetes-test.csv").cache();
    double[] defaults = new double[5];
    for (int seed = 0; seed < defaults.length; seed++) {
      defaults[seed] = diabetesR2(new SparkpropRegressor().setHiddenLayers(64).setSeed(seed), train, test);
    }
    double mean = Arrays.stream(defaults).average().orElseThrow();
    double earlier = diabetesR2(new SparkpropRegressor().setHiddenLayers(64).setScaleTarget(false).setEpochs(20)
        .setValidationFraction(0).setWeightInit("he").setLearningRate(0.01), train, test);
    String seen = Arrays.toString(defaults);
    assertTrue(mean >= scikitLearnMeanR2, "mean test R² " + mean + " " + seen + " vs scikit-learn's " + scikitLearnMeanR2);
    assertTrue(mean > earlier, "mean test R² " + mean + " with today's defaults vs " + earlier + " with the earlier ones");
  }

  private static double diabetesR2(SparkpropRegressor regressor, Dataset<Row> train, Dataset<Row> test) {
    String[] features = {"age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"};
    regressor.setLabelCol("target");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(features).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
        regressor}).fit(train);
    return new RegressionEvaluator().setLabelCol("target").setMetricName("r2").evaluate(fitted.transform(test));
  }

  private static Dataset<Row> csv(String path) {
    return spark.read().option("header", "true")
        .schema("age DOUBLE, sex DOUBLE, bmi DOUBLE, bp DOUBLE, s1 DOUBLE, s2 DOUBLE, s3 DOUBLE, s4 DOUBLE, s5 DOUBLE,"
            + " s6 DOUBLE, target DOUBLE").csv(path);
  }
}
