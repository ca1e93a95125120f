package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.DataException;

/**
 * {@code weightCol} and {@code classWeights} on the estimators: a fit on rows of weight k follows
 * the fit on the same rows written k times (Spark ML's meaning of an instance weight), and class
 * weights w_c follow the fit with each row of class c written w_c times. Every fit here runs one
 * global batch per epoch (the batch holds every row of either set), so both fits take the
 * full-batch step of the same weighted objective; only the order of float additions differs.
 */
class SparkpropWeightsTest {
  private static final int ROWS = 160;
  private static SparkSession spark;
  private static final double[][] X = new double[ROWS][2];
  private static final double[] LABEL = new double[ROWS];
  private static final double[] VALUE = new double[ROWS];
  private static final int[] WEIGHT = new int[ROWS];

  static {
    SplittableRandom rng = new SplittableRandom(21);
    for (int r = 0; r < ROWS; r++) {
      X[r][0] = rng.nextDouble() * 2 - 1;
      X[r][1] = rng.nextDouble() * 2 - 1;
      // Class 1 is the rarer one (about a quarter of the rows): what class weights are for.
      LABEL[r] = X[r][0] * X[r][0] + X[r][1] * X[r][1] < 0.3 ? 1 : 0;
      VALUE[r] = 1.5 * X[r][0] - 0.5 * X[r][1] + 0.1 * rng.nextGaussian();
      WEIGHT[r] = rng.nextInt(4);
    }
  }

  @BeforeAll
  static void start() {
    spark = MlTestData.start();
  }

  @AfterAll
  static void stop() {
    MlTestData.stop(spark);
  }

  private static final StructType SCHEMA = new StructType().add("features", SQLDataTypes.VectorType())
      .add("label", DataTypes.DoubleType).add("value", DataTypes.DoubleType).add("w", DataTypes.IntegerType);

  /** Every row once, with its weight in "w"; or each row {@code copies(r)} times with weight 1. */
  private static Dataset<Row> frame(java.util.function.IntUnaryOperator copies, boolean weightColumn) {
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      int n = weightColumn ? 1 : copies.applyAsInt(r);
      for (int c = 0; c < n; c++) {
        rows.add(RowFactory.create(Vectors.dense(X[r]), LABEL[r], VALUE[r], weightColumn ? WEIGHT[r] : 1));
      }
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static int total(java.util.function.IntUnaryOperator copies) {
    int n = 0;
    for (int r = 0; r < ROWS; r++) n += copies.applyAsInt(r);
    return n;
  }

  private static <S extends SparkpropParamSetters<S>> S common(S e, int batch) {
    return e.setHiddenLayers(6).setActivation("tanh").setOptimizer("momentum").setLearningRate(0.1)
        .setBatchSize(batch).setEpochs(25).setSeed(3).setValidationFraction(0.0).setPartitions(2)
        .setExecution("spark");
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    // Summation order only (other rows per partition, other positions in the shuffle): a few ulps
    // per round, far under 1e-4 of the largest weight after 25 momentum steps. Ignoring the weights
    // (or dividing by the row count) changes the objective and the weights by percents.
    assertTrue(worst <= 1e-4 * scale, what + ": max difference " + worst + " at scale " + scale);
  }

  @Test
  void theClassifiersWeightColTrainsAsRowsWrittenThatManyTimes() {
    java.util.function.IntUnaryOperator byWeight = r -> WEIGHT[r];
    int batch = total(byWeight);
    SparkpropClassificationModel weighted = common(new SparkpropClassifier(), batch).setWeightCol("w")
        .fit(frame(byWeight, true));
    SparkpropClassificationModel duplicated = common(new SparkpropClassifier(), batch).fit(frame(byWeight, false));
    assertClose(duplicated.weights(), weighted.weights(), "classifier");
    assertEquals(2, weighted.numFeatures(), "the weight column is not a feature");
    // The summary's metrics are weighted means, as Spark ML's summaries with a weightCol.
    double dupLoss = duplicated.summary().trainingMetrics().get("loss");
    assertEquals(dupLoss, weighted.summary().trainingMetrics().get("loss"), 1e-5 * dupLoss);
    assertEquals(duplicated.summary().trainingMetrics().get("accuracy"),
        weighted.summary().trainingMetrics().get("accuracy"), 1e-9);
  }

  @Test
  void theRegressorsWeightColTrainsAsRowsWrittenThatManyTimes() {
    java.util.function.IntUnaryOperator byWeight = r -> WEIGHT[r];
    int batch = total(byWeight);
    // Target standardisation is fitted on the rows unweighted (as Spark ML's StandardScaler), so it
    // is off here: it would see other rows in the two sets.
    SparkpropRegressionModel weighted = common(new SparkpropRegressor(), batch).setLabelCol("value")
        .setScaleTarget(false).setWeightCol("w").fit(frame(byWeight, true));
    SparkpropRegressionModel duplicated = common(new SparkpropRegressor(), batch).setLabelCol("value")
        .setScaleTarget(false).fit(frame(byWeight, false));
    assertClose(duplicated.weights(), weighted.weights(), "regressor");
    double dupMse = duplicated.summary().trainingMetrics().get("mse");
    assertEquals(dupMse, weighted.summary().trainingMetrics().get("mse"), 1e-5 * dupMse);
  }

  @Test
  void classWeightsTrainAsEachClassWrittenThatManyTimes() {
    // Class 1 weighs 3: as if each class-1 row were written three times.
    java.util.function.IntUnaryOperator byClass = r -> LABEL[r] == 1 ? 3 : 1;
    int batch = total(byClass);
    SparkpropClassificationModel listed = common(new SparkpropClassifier(), batch).setClassWeights("1,3")
        .fit(frame(r -> 1, false).drop("w"));
    SparkpropClassificationModel duplicated = common(new SparkpropClassifier(), batch).fit(frame(byClass, false));
    assertClose(duplicated.weights(), listed.weights(), "classWeights 1,3");
    // balanced is n / (k n_c): the same ratio between the classes as 1 : n_0 / n_1, and the mean
    // gradient does not change when every weight is scaled by one factor.
    long ones = java.util.Arrays.stream(LABEL).filter(v -> v == 1).count();
    long zeros = ROWS - ones;
    java.util.function.IntUnaryOperator ratio = r -> 1;
    SparkpropClassificationModel balanced = common(new SparkpropClassifier(), batch).setClassWeights("balanced")
        .fit(frame(ratio, false));
    SparkpropClassificationModel byRatio = common(new SparkpropClassifier(), batch)
        .setClassWeights("1," + ((double) zeros / ones)).fit(frame(ratio, false));
    assertClose(byRatio.weights(), balanced.weights(), "balanced vs 1:n0/n1");
  }

  @Test
  void aWeightColOfOnesGivesTheUnweightedWeightsBitForBit() {
    // x * 1 is exact and the weight sum of n ones is n: the same float operations, the same bits.
    Dataset<Row> ones = frame(r -> 1, false);
    SparkpropClassificationModel plain = common(new SparkpropClassifier(), 32).fit(ones);
    SparkpropClassificationModel weighted = common(new SparkpropClassifier(), 32).setWeightCol("w").fit(ones);
    assertEquals(plain.summary().weightsSha256(), weighted.summary().weightsSha256());
    org.junit.jupiter.api.Assertions.assertArrayEquals(plain.weights(), weighted.weights());
  }

  @Test
  void aMissingWeightColumnOrAWrongClassWeightCountIsRefused() {
    String missing = assertThrows(DataException.class, () -> common(new SparkpropClassifier(), 64)
        .setWeightCol("nope").fit(frame(r -> 1, true))).getMessage();
    assertTrue(missing.contains("'nope'") && missing.contains("weight"), missing);
    String count = assertThrows(DataException.class, () -> common(new SparkpropClassifier(), 64)
        .setClassWeights("1,2,3").fit(frame(r -> 1, false))).getMessage();
    assertTrue(count.contains("3 weights") && count.contains("2 classes"), count);
    assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setClassWeights("1,-2"));
  }
}
