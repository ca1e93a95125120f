package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.examples.JavaPipelineExample;
import org.sparkprop.math.Kernels;
import org.sparkprop.app.TrainJob;

/**
 * The estimators in Spark ML Pipelines on local[2]: fit, predict, save and reload (identical
 * predictions), the same weights as the {@code train} command, resumption, validation split,
 * thresholds and the single-row API.
 */
class SparkpropPipelineTest {
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

  static Pipeline pipeline(PipelineStage model) {
    return new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
        model});
  }

  static SparkpropClassifier smallClassifier() {
    return new SparkpropClassifier().setHiddenLayers(8).setActivation("tanh").setOptimizer("adam")
        .setLearningRate(0.05).setBatchSize(50).setEpochs(8).setSeed(11).setPartitions(3).setValidationFraction(0);
  }

  @Test
  void classifierPipelineIsFittedSavedReloadedAndPredictsIdentically() throws Exception {
    Dataset<Row> data = MlTestData.columns(spark, "circle", 600, 0.05, 3);
    Pipeline pipeline = pipeline(smallClassifier());
    PipelineModel fitted = pipeline.fit(data);
    Dataset<Row> predicted = fitted.transform(data);
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predicted);
    assertTrue(accuracy > 0.9, "the circle is easy for a 2-8-2 tanh network; accuracy " + accuracy);

    SparkpropClassificationModel model = (SparkpropClassificationModel) fitted.stages()[2];
    SparkpropTrainingSummary summary = model.summary();
    assertEquals(8, summary.lossHistory().length);
    assertTrue(summary.lossHistory()[7] < summary.lossHistory()[0], "loss should fall: " + summary);
    // The summary's training accuracy comes from the command line's evaluator; transform's
    // predictions follow the same rule, so the two agree exactly on the same rows.
    assertEquals(accuracy, summary.trainingMetrics().get("accuracy"), 0.0);

    String path = tmp.resolve("classifier-pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel reloaded = PipelineModel.load(path);
    SparkpropClassificationModel again = assertInstanceOf(SparkpropClassificationModel.class, reloaded.stages()[2]);
    assertEquals(model.uid(), again.uid());
    assertArrayEquals(new int[] {8}, again.getHiddenLayers());
    assertEquals("tanh", again.getActivation());
    assertEquals(0.05, again.getLearningRate());
    assertEquals(summary.weightsSha256(), again.summary().weightsSha256());
    assertArrayEquals(summary.lossHistory(), again.summary().lossHistory());
    assertArrayEquals(model.weights(), again.weights());
    assertSameRows(predicted, reloaded.transform(data), "rawPrediction", "probability", "prediction");

    // The unfitted pipeline saves and loads too, with the estimator's params.
    String unfitted = tmp.resolve("classifier-estimator").toString();
    pipeline.write().overwrite().save(unfitted);
    SparkpropClassifier estimator = assertInstanceOf(SparkpropClassifier.class, Pipeline.load(unfitted).getStages()[2]);
    assertEquals(8, estimator.getEpochs());
    assertEquals(11L, estimator.getSeed());
  }

  @Test
  void regressorPipelineIsFittedSavedReloadedAndPredictsIdentically() throws Exception {
    Dataset<Row> data = MlTestData.columns(spark, "plane", 600, 0.0, 4);
    SparkpropRegressor regressor = new SparkpropRegressor().setHiddenLayers(8).setActivation("tanh")
        .setLearningRate(0.02).setBatchSize(100).setEpochs(5).setSeed(2).setPartitions(2).setValidationFraction(0);
    assertEquals("mse", regressor.getLoss());
    PipelineModel fitted = pipeline(regressor).fit(data);
    Dataset<Row> predicted = fitted.transform(data);
    double r2 = new RegressionEvaluator().setMetricName("r2").evaluate(predicted);
    assertTrue(r2 > 0.95, "y = (x1 + x2) / 10 is nearly linear in the scaled inputs; r2 " + r2);
    SparkpropRegressionModel model = (SparkpropRegressionModel) fitted.stages()[2];
    // Spark's evaluator (double) and the trainer's (float outputs, double sums) on the same rows.
    assertEquals(r2, model.summary().trainingMetrics().get("r2"), 1e-6);

    String path = tmp.resolve("regressor-pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel reloaded = PipelineModel.load(path);
    SparkpropRegressionModel again = assertInstanceOf(SparkpropRegressionModel.class, reloaded.stages()[2]);
    assertEquals("mse", again.getLoss());
    assertArrayEquals(model.weights(), again.weights());
    assertSameRows(predicted, reloaded.transform(data), "prediction");
  }

  @Test
  void stopAtEndsTheFitAtTheFirstEpochWhoseValidationAccuracyReachesIt() {
    Dataset<Row> data = MlTestData.vectors(spark, "circle", 600, 0.05, 3);
    SparkpropClassificationModel model = smallClassifier().setEpochs(40).setValidationFraction(0.25)
        .setStopAt("accuracy=0.9").fit(data);
    SparkpropTrainingSummary summary = model.summary();
    assertEquals("target", summary.stopReason(), summary.toString());
    assertTrue(summary.stoppedEarly() && summary.epochs() < 40, summary.toString());
    IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new SparkpropClassifier().setStopAt("f1=0.9"));
    assertTrue(refused.getMessage().contains("METRIC=VALUE with METRIC one of accuracy, loss, mse"), refused.getMessage());
  }

  @Test
  void fitGivesTheSameBitsAsTheTrainCommand() throws Exception {
    TrainConfig cfg = TrainConfig.load(null, List.of("data.format=playground", "data.playground.name=circle",
        "data.playground.rows=900", "data.playground.noise=0.1", "data.testFraction=0", "model.hidden=8",
        "model.activation=tanh", "train.optimizer=momentum", "train.learningRate=0.05", "train.batchSize=100",
        "train.epochs=2", "train.seed=5", "spark.partitions=3", "train.logEveryRounds=1000",
        "data.validationFraction=0"));
    ObjectNode cli = TrainJob.run(cfg, tmp.resolve("cli").toString(), false,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    // The same rows as a DataFrame in 2 input partitions, repacked into 3.
    Dataset<Row> data = MlTestData.vectors(spark, "circle", 900, 0.1, 5);
    assertEquals(2, data.javaRDD().getNumPartitions());
    SparkpropClassificationModel model = new SparkpropClassifier().setHiddenLayers(8).setActivation("tanh")
        .setOptimizer("momentum").setLearningRate(0.05).setBatchSize(100).setEpochs(2).setSeed(5).setPartitions(3)
        .setValidationFraction(0).fit(data);
    assertEquals(cli.path("weightsSha256").asText(), model.summary().weightsSha256());
    assertEquals(cli.path("rounds").asLong(), model.summary().rounds());
    assertEquals(cli.path("trainLoss").asDouble(), model.summary().lossHistory()[1], 0.0);
    assertEquals(3, model.summary().partitions());
  }

  @Test
  void aResumedFitEndsWithTheSameBitsAsAnUninterruptedOne() {
    Dataset<Row> data = MlTestData.vectors(spark, "xor", 600, 0.0, 8);
    SparkpropClassifier base = new SparkpropClassifier().setHiddenLayers(6).setActivation("relu")
        .setLearningRate(0.02).setBatchSize(100).setEpochs(2).setSeed(9).setPartitions(2);
    String uninterrupted = base.fit(data).summary().weightsSha256();
    String dir = tmp.resolve("checkpoints").toUri().toString();
    // 6 rounds per epoch: stop after 8 rounds, in the middle of the second epoch.
    SparkpropClassifier stopped = base.copy(new ParamMap()).setCheckpointDir(dir)
        .setCheckpointEveryRounds(4).setMaxRounds(8);
    SparkpropClassificationModel partial = stopped.fit(data);
    assertEquals(8, partial.summary().rounds());
    assertNotEquals(uninterrupted, partial.summary().weightsSha256());
    SparkpropClassificationModel resumed = stopped.copy(new ParamMap()).setMaxRounds(0)
        .setResumeFromCheckpoint(true).fit(data);
    assertTrue(resumed.summary().resumed());
    assertEquals(12, resumed.summary().rounds());
    assertEquals(uninterrupted, resumed.summary().weightsSha256());
  }

  @Test
  void aResumeWithChangedParamsIsRefusedUnlessResumeWithChangesAcceptsThemAndTheSummaryListsThem() throws Exception {
    Dataset<Row> data = MlTestData.vectors(spark, "xor", 600, 0.0, 8);
    // 6 rounds per epoch: stop after 8 rounds, in the middle of the second epoch.
    SparkpropClassifier stopped = new SparkpropClassifier().setHiddenLayers(6).setActivation("relu")
        .setLearningRate(0.02).setBatchSize(100).setEpochs(2).setSeed(9).setPartitions(2)
        .setCheckpointDir(tmp.resolve("changed").toUri().toString()).setCheckpointEveryRounds(4).setMaxRounds(8);
    SparkpropTrainingSummary first = stopped.fit(data).summary();
    assertEquals(List.of(), first.resumeChanges());
    assertTrue(first.bitIdenticalToUninterrupted());
    SparkpropClassifier changed = stopped.copy(new ParamMap()).setMaxRounds(0).setLearningRate(0.05);

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> changed.copy(new ParamMap()).setResumeFromCheckpoint(true).fit(data));
    assertTrue(refused.getMessage().contains("train.learningRate"), refused.getMessage());

    // resumeWithChanges alone resumes, as --resume-with-changes does without --resume.
    SparkpropClassificationModel resumed = changed.copy(new ParamMap()).setResumeWithChanges(true).fit(data);
    SparkpropTrainingSummary s = resumed.summary();
    assertTrue(s.resumed());
    assertEquals(12, s.rounds());
    assertEquals(1, s.resumeChanges().size(), s.resumeChanges().toString());
    JobRecipe.Change change = s.resumeChanges().get(0);
    assertEquals("train.learningRate", change.key());
    assertEquals(0.02, Double.parseDouble(change.checkpoint()), 0.0);
    assertEquals(0.05, Double.parseDouble(change.run()), 0.0);
    assertFalse(s.bitIdenticalToUninterrupted());
    assertTrue(s.toString().contains("resumed with changes"), s.toString());

    String path = tmp.resolve("resumed-model").toString();
    resumed.write().overwrite().save(path);
    SparkpropTrainingSummary loaded = SparkpropClassificationModel.load(path).summary();
    assertEquals(s.resumeChanges(), loaded.resumeChanges());
    assertFalse(loaded.bitIdenticalToUninterrupted());
  }

  @Test
  void theSummaryNamesTheKernelTheFitComputedWithAndTheSavedModelKeepsIt() throws Exception {
    Dataset<Row> data = MlTestData.vectors(spark, "gauss", 300, 0.1, 6);
    SparkpropClassificationModel auto = smallClassifier().setEpochs(1).fit(data);
    assertEquals(Kernels.loadedKernel(), auto.summary().kernel());
    SparkpropClassificationModel portable = smallClassifier().setEpochs(1).setKernel("portable").fit(data);
    assertEquals("portable", portable.summary().kernel());
    assertTrue(portable.summary().toString().contains("kernel portable"), portable.summary().toString());
    String path = tmp.resolve("portable-model").toString();
    portable.write().overwrite().save(path);
    assertEquals("portable", SparkpropClassificationModel.load(path).summary().kernel());
  }

  @Test
  void validationRowsAreHeldOutAndReportedEveryEpoch() {
    Dataset<Row> data = MlTestData.vectors(spark, "gauss", 800, 0.1, 6);
    SparkpropClassificationModel model = smallClassifier().setEpochs(3).setValidationFraction(0.25)
        .setEarlyStoppingMetric("accuracy").setEarlyStoppingPatience(5).fit(data);
    SparkpropTrainingSummary s = model.summary();
    assertEquals(800, s.trainingRows() + s.validationRows());
    // Each row is held out with probability 1/4: 200 expected, standard deviation ~12; exactly
    // the rows the split names by their position in the DataFrame.
    assertTrue(s.validationRows() > 140 && s.validationRows() < 260, "validation rows " + s.validationRows());
    assertEquals(heldOut(new ValidationSplit(11, 0.25), 800), s.validationRows());
    assertEquals(3, s.validationHistory().size());
    assertTrue(s.validationMetrics().get("accuracy") > 0.9, s.toString());
    assertEquals(s.validationHistory().get(2).get("accuracy"), s.validationMetrics().get("accuracy"));
  }

  /** How many of rows 0..rows-1 the split holds out. */
  static long heldOut(ValidationSplit split, int rows) {
    return LongStream.range(0, rows).filter(split::isValidation).count();
  }

  /** The rows of {@code data} in their order (by id), in {@code partitions} input partitions of consecutive ids. */
  static Dataset<Row> inPartitions(Dataset<Row> data, int partitions) {
    return data.coalesce(1).repartitionByRange(partitions, functions.col("id")).sortWithinPartitions("id");
  }

  @Test
  void heldOutRowsFollowTheRowOrderNotTheDataFramesPartitioning() throws Exception {
    Dataset<Row> data = MlTestData.vectors(spark, "gauss", 800, 0.1, 6);
    SparkpropClassifier classifier = smallClassifier().setEpochs(2).setValidationFraction(0.25);
    List<SparkpropTrainingSummary> fits = new ArrayList<>();
    for (int partitions : new int[] {1, 2, 3}) {
      Dataset<Row> rows = inPartitions(data, partitions);
      assertEquals(partitions, rows.javaRDD().getNumPartitions());
      fits.add(classifier.fit(rows).summary());
    }
    SparkpropTrainingSummary first = fits.get(0);
    for (SparkpropTrainingSummary s : fits) {
      assertEquals(heldOut(new ValidationSplit(11, 0.25), 800), s.validationRows());
      assertEquals(first.validationMetrics(), s.validationMetrics());
      assertEquals(first.weightsSha256(), s.weightsSha256());
    }

    // The train command holds out the same rows of a file with the same rows: the same bits.
    List<String> lines = new ArrayList<>(List.of("x1,x2,label"));
    for (Row r : data.orderBy("id").collectAsList()) {
      Vector x = r.getAs(1);
      lines.add((float) x.apply(0) + "," + (float) x.apply(1) + "," + (int) r.getDouble(2));
    }
    Path csv = tmp.resolve("gauss.csv");
    Files.write(csv, lines);
    TrainConfig cfg = TrainConfig.load(null, List.of("data.format=csv", "data.train=" + csv.toUri(), "data.scaling=none",
        "data.validationFraction=0.25", "model.hidden=8", "model.activation=tanh", "train.optimizer=adam",
        "train.learningRate=0.05", "train.batchSize=50", "train.epochs=2", "train.seed=11", "spark.partitions=3",
        "train.logEveryRounds=1000"));
    ObjectNode cli = TrainJob.run(cfg, tmp.resolve("cli").toString(), false,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(cli.path("weightsSha256").asText(), first.weightsSha256());
  }

  @Test
  void thresholdsAndTheSingleRowApiFollowSparksRules() {
    Dataset<Row> data = MlTestData.vectors(spark, "gauss", 400, 0.3, 12);
    SparkpropClassificationModel model = smallClassifier().setEpochs(2).fit(data);
    List<Row> plain = model.transform(data).select("features", "probability", "prediction").collectAsList();
    double[] thresholds = {0.8, 0.2};
    List<Row> weighted = model.copy(new ParamMap()).setThresholds(thresholds)
        .transform(data).select("probability", "prediction").collectAsList();
    int changed = 0;
    for (int i = 0; i < plain.size(); i++) {
      Vector p = weighted.get(i).getAs(0);
      double expected = p.apply(1) / 0.2 > p.apply(0) / 0.8 ? 1 : 0;
      assertEquals(expected, weighted.get(i).getDouble(1), "row " + i);
      if (expected != plain.get(i).getDouble(2)) changed++;
    }
    assertTrue(changed > 0, "thresholds 0.8 / 0.2 should move some predictions to class 1");

    for (Row r : plain.subList(0, 20)) {
      Vector features = r.getAs(0);
      assertEquals(r.getDouble(2), model.predict(features));
      // One row through GEMM versus a chunk of rows: the kernel may sum in another order.
      assertArrayEquals(((Vector) r.getAs(1)).toArray(), model.predictProbability(features).toArray(), 1e-6);
    }
    // Spark's setter checks the length against numClasses; a ParamMap given to transform does not.
    IllegalArgumentException atSet = assertThrows(IllegalArgumentException.class,
        () -> model.copy(new ParamMap()).setThresholds(new double[] {0.5, 0.3, 0.2}));
    assertTrue(atSet.getMessage().contains("numClasses=2"), atSet.getMessage());
    ParamMap three = new ParamMap().put(model.thresholds().w(new double[] {0.5, 0.3, 0.2}));
    IllegalArgumentException atTransform = assertThrows(IllegalArgumentException.class,
        () -> model.transform(data, three));
    assertTrue(atTransform.getMessage().contains("thresholds has 3 values but the model has 2 classes"),
        atTransform.getMessage());
  }

  @Test
  void theJavaExampleLearnsTheCircleAndLeavesALoadablePipeline() throws Exception {
    String path = tmp.resolve("example").toString();
    double accuracy = JavaPipelineExample.run(spark, path);
    assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    assertInstanceOf(SparkpropClassificationModel.class, PipelineModel.load(path).stages()[2]);
  }

  /** Rows in id order; vectors compared value by value, bit for bit. */
  static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, String... columns) {
    List<Row> a = expected.orderBy("id").select("id", columns).collectAsList();
    List<Row> b = actual.orderBy("id").select("id", columns).collectAsList();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      for (int c = 0; c <= columns.length; c++) {
        Object x = a.get(i).get(c);
        Object y = b.get(i).get(c);
        if (x instanceof Vector v) assertArrayEquals(v.toArray(), ((Vector) y).toArray(), "row " + i);
        else assertEquals(x, y, "row " + i + ", column " + c);
      }
    }
  }
}
