package org.sparkprop.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerators;

/**
 * A small DataFrame under {@code execution = auto} is collected in one query and packed, scaled,
 * regrouped and trained in the driver process; the weights, metrics and a CrossValidator's choice
 * must be those of {@code execution = spark}, where every step and round is a Spark job. The
 * DataFrames have one partition more than the fit (so the Spark path regroups with a shuffle),
 * sample weights and a validation split.
 */
class SmallFrameFitTest {
  private static final int ROWS = 300;
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
   * Rows of the circle set in {@code partitions} DataFrame partitions: features, a class label, a
   * regression value in the hundreds (so target scaling matters) and a sample weight 0.5, 1 or 2.
   */
  private static Dataset<Row> frame(int partitions) {
    PackedBlock b = RowGenerators.pack(new Playground("circle", ROWS, 0.05, 17), 0, ROWS);
    List<Row> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      double x1 = b.x[2 * i];
      double x2 = b.x[2 * i + 1];
      rows.add(RowFactory.create(Vectors.dense(x1, x2), (double) b.y[i], 300 + 40 * x1 - 25 * x2 * x2, 0.5 * (1 << (i % 3))));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType)
        .add("value", DataTypes.DoubleType).add("w", DataTypes.DoubleType);
    // Cached and counted: the partitions (a round-robin repartition) are fixed before any fit reads them.
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(partitions)
        .withColumn("features", col("features"), new AttributeGroup("features", 2).toMetadata()).cache();
    assertEquals(ROWS, df.count());
    assertEquals(partitions, df.rdd().getNumPartitions());
    return df;
  }

  /** The Spark jobs {@code fit} runs, and its result. */
  private static <T> T countingJobs(AtomicInteger jobs, Supplier<T> fit) {
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      T result = fit.get();
      // Job events reach listeners asynchronously: without the wait a fit's last job may be counted after it.
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      return result;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("Spark's listener bus did not drain in 10 s", e);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 8})
  void classifierOnTheDriverGivesTheWeightsOfSparkJobs(int partitions) {
    Dataset<Row> df = frame(partitions + 1);
    SparkpropClassifier base = new SparkpropClassifier().setHiddenLayers(6).setBatchSize(16).setEpochs(3).setSeed(5)
        .setPartitions(partitions).setWeightCol("w").setValidationFraction(0.2);
    AtomicInteger autoJobs = new AtomicInteger();
    AtomicInteger sparkJobs = new AtomicInteger();
    SparkpropTrainingSummary auto = countingJobs(autoJobs, () -> base.copy(ParamMap.empty()).setExecution("auto").fit(df))
        .summary();
    SparkpropTrainingSummary jobs = countingJobs(sparkJobs, () -> base.copy(ParamMap.empty()).setExecution("spark").fit(df))
        .summary();
    assertSame(auto, jobs, partitions);
    assertTrue(auto.validationRows() > 0 && auto.validationRows() < ROWS / 2, "a validation split: " + auto.validationRows());
    // The features' ML attributes give their width and one job counts and collects the rows; the Spark path
    // runs one per round.
    assertEquals(1, autoJobs.get(), "jobs of the driver fit");
    assertTrue(sparkJobs.get() > auto.rounds(), "jobs of the Spark fit: " + sparkJobs.get() + ", " + auto.rounds() + " rounds");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 8})
  void regressorOnTheDriverGivesTheWeightsOfSparkJobs(int partitions) {
    Dataset<Row> df = frame(partitions + 1);
    SparkpropRegressor base = new SparkpropRegressor().setLabelCol("value").setHiddenLayers(8).setBatchSize(16)
        .setEpochs(3).setSeed(6).setPartitions(partitions).setWeightCol("w").setValidationFraction(0.25);
    SparkpropTrainingSummary auto = base.copy(ParamMap.empty()).setExecution("auto").fit(df).summary();
    SparkpropTrainingSummary jobs = base.copy(ParamMap.empty()).setExecution("spark").fit(df).summary();
    assertSame(auto, jobs, partitions);
  }

  /**
   * Without ML attributes the width comes from the first row (one job more); a partition holding more than its
   * share of the rows the driver may take makes the rows come by a second query. Same weights either way.
   */
  @Test
  void widthFromTheFirstRowAndAnUnevenTableGiveTheSameWeights() {
    Dataset<Row> declared = frame(3);
    // The same rows under a schema without metadata (Spark 3.5's withColumn with empty metadata keeps the old).
    StructType bare = new StructType(java.util.Arrays.stream(declared.schema().fields())
        .map(f -> new StructField(f.name(), f.dataType(), f.nullable(), Metadata.empty())).toArray(StructField[]::new));
    Dataset<Row> plain = spark.createDataFrame(declared.javaRDD(), bare).cache();
    assertEquals(Metadata.empty(), plain.schema().apply("features").metadata());
    // 290 rows in one partition, 10 in the other: the first is over its share of the rows driverMaxBytes holds.
    List<Row> rows = declared.collectAsList();
    List<Row> keyed = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      Row r = rows.get(i);
      keyed.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), i < 290 ? 0 : 1));
    }
    Dataset<Row> uneven = spark.createDataFrame(keyed, declared.schema().add("k", DataTypes.IntegerType))
        .repartitionByRange(2, col("k")).drop("k").cache();
    assertEquals(List.of(290, 10), uneven.javaRDD().glom().map(List::size).collect());
    SparkpropClassifier base = new SparkpropClassifier().setHiddenLayers(6).setBatchSize(16).setEpochs(2).setSeed(5)
        .setPartitions(2).setValidationFraction(0.0).setExecution("auto");
    AtomicInteger declaredJobs = new AtomicInteger();
    AtomicInteger plainJobs = new AtomicInteger();
    String a = countingJobs(declaredJobs, () -> base.copy(ParamMap.empty()).fit(declared)).summary().weightsSha256();
    String b = countingJobs(plainJobs, () -> base.copy(ParamMap.empty()).fit(plain)).summary().weightsSha256();
    assertEquals(a, b);
    assertEquals(1, declaredJobs.get(), "jobs with the width declared");
    assertTrue(plainJobs.get() >= 2 && plainJobs.get() <= 5, "jobs reading the first row's width: " + plainJobs.get());
    SparkpropClassifier tight = base.copy(ParamMap.empty()).setDriverMaxBytes(300 * 12);
    SparkpropClassifier spark = base.copy(ParamMap.empty()).setExecution("spark");
    AtomicInteger unevenJobs = new AtomicInteger();
    SparkpropTrainingSummary held = countingJobs(unevenJobs, () -> tight.fit(uneven)).summary();
    assertTrue(held.execution().startsWith("driver (packed rows"), held.execution());
    assertEquals(2, unevenJobs.get(), "a partition over its share: counted, then collected");
    assertEquals(spark.fit(uneven).summary().weightsSha256(), held.weightsSha256());
  }

  /**
   * Over driverMaxBytes, auto leaves packing to Spark jobs (in local mode the rounds then run on the
   * driver's threads over the cached blocks), and says why; the weights do not change.
   */
  @Test
  void aDataFrameOverTheLimitIsPackedBySparkJobs() {
    Dataset<Row> df = frame(3);
    SparkpropClassifier base = new SparkpropClassifier().setHiddenLayers(6).setBatchSize(16).setEpochs(2).setSeed(5)
        .setPartitions(2).setValidationFraction(0.0);
    SparkpropTrainingSummary over = base.copy(ParamMap.empty()).setExecution("auto").setDriverMaxBytes(1000).fit(df)
        .summary();
    SparkpropTrainingSummary driver = base.copy(ParamMap.empty()).setExecution("driver").fit(df).summary();
    assertTrue(over.execution().startsWith("driver (Spark's local mode (local["), over.execution());
    assertTrue(driver.execution().startsWith("driver (train.execution = driver: the DataFrame's 300 rows collected"),
        driver.execution());
    assertEquals(over.weightsSha256(), driver.weightsSha256());
  }

  @Test
  void aCrossValidatorChoosesTheSameModelWithTheSameMetrics() {
    Dataset<Row> df = frame(2);
    SparkpropClassifier base = new SparkpropClassifier().setHiddenLayers(6).setBatchSize(16).setEpochs(2).setSeed(8)
        .setPartitions(2).setWeightCol("w").setValidationFraction(0.1);
    CrossValidatorModel auto = crossValidate(base.copy(ParamMap.empty()).setExecution("auto"), df);
    CrossValidatorModel jobs = crossValidate(base.copy(ParamMap.empty()).setExecution("spark"), df);
    assertArrayEquals(jobs.avgMetrics(), auto.avgMetrics());
    assertNotEquals(auto.avgMetrics()[0], auto.avgMetrics()[1], "two learning rates give two models");
    SparkpropClassificationModel autoBest = assertInstanceOf(SparkpropClassificationModel.class, auto.bestModel());
    SparkpropClassificationModel jobsBest = assertInstanceOf(SparkpropClassificationModel.class, jobs.bestModel());
    assertEquals(jobsBest.getLearningRate(), autoBest.getLearningRate());
    assertEquals(jobsBest.summary().weightsSha256(), autoBest.summary().weightsSha256());
    assertTrue(autoBest.summary().execution().startsWith("driver (packed rows"), autoBest.summary().execution());
  }

  private static CrossValidatorModel crossValidate(SparkpropClassifier classifier, Dataset<Row> df) {
    ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.learningRate(), new double[] {0.05, 0.002}).build();
    return new CrossValidator().setEstimator(classifier).setEstimatorParamMaps(grid)
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(3).setSeed(11)
        .fit(df);
  }

  private static void assertSame(SparkpropTrainingSummary auto, SparkpropTrainingSummary jobs, int partitions) {
    assertTrue(auto.execution().startsWith("driver (packed rows "), auto.execution());
    assertTrue(auto.execution().contains("collected in one query, then packed, scaled and trained in the driver process"),
        auto.execution());
    assertEquals("spark (train.execution = spark)", jobs.execution());
    assertEquals(partitions, auto.partitions());
    assertEquals(jobs.partitions(), auto.partitions());
    assertEquals(jobs.trainingRows(), auto.trainingRows());
    assertEquals(jobs.validationRows(), auto.validationRows());
    assertEquals(jobs.weightsSha256(), auto.weightsSha256());
    assertArrayEquals(jobs.lossHistory(), auto.lossHistory());
    assertEquals(jobs.trainingMetrics(), auto.trainingMetrics());
    assertEquals(jobs.validationMetrics(), auto.validationMetrics());
  }
}
