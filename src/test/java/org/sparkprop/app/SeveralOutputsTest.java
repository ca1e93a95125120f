package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
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
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.FeatureStats;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.LocalGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * Several outputs through files: a multi-target regression (several label columns, each target
 * standardised on its own) and a multi-label classifier (independent sigmoid outputs with bce)
 * trained by the train job on Spark follow the single-JVM reference trainer on the same rows, and
 * evaluate reports each output's metrics, computed here by hand from the model's predictions.
 */
class SeveralOutputsTest {
  static JavaSparkContext sc;
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  /** Rows of (a, b) with three targets of very different scales, and three 0/1 labels. */
  static final int ROWS = 600;

  static double a(int r) {
    return (r % 23) / 5.0 - 2.2;
  }

  static double b(int r) {
    return (r * 7 % 17) / 4.0 - 2;
  }

  static double[] targets(int r) {
    double noise = ((r * 31 % 11) - 5) / 100.0;
    return new double[] {3 * a(r) - 2 * b(r) + 100 + noise, 0.05 * a(r) + noise / 10, -400 * b(r) + 7 * a(r) * b(r)};
  }

  static int[] labels(int r) {
    return new int[] {a(r) > 0 ? 1 : 0, a(r) + b(r) > 0.5 ? 1 : 0, b(r) < -1 ? 1 : 0};
  }

  static Path csv(String name, boolean multiLabel) throws Exception {
    Path file = tmp.resolve(name + ".csv");
    List<String> lines = new ArrayList<>(List.of(multiLabel ? "id,a,l1,b,l2,l3" : "id,y1,a,y2,b,y3"));
    for (int r = 0; r < ROWS; r++) {
      double[] t = targets(r);
      int[] l = labels(r);
      lines.add(multiLabel
          ? String.format(Locale.ROOT, "r%d,%s,%d,%s,%d,%d", r, a(r), l[0], b(r), l[1], l[2])
          : String.format(Locale.ROOT, "r%d,%s,%s,%s,%s,%s", r, t[0], a(r), t[1], b(r), t[2]));
    }
    Files.write(file, lines);
    return file;
  }

  /** The rows as the reference trainer takes them: one block, features (a, b), the targets in output order. */
  static PackedBlock block(boolean multiLabel) {
    float[] x = new float[ROWS * 2];
    float[] y = new float[ROWS * 3];
    for (int r = 0; r < ROWS; r++) {
      // The job parses the CSV text; the same text parsed here gives the same floats.
      x[2 * r] = Float.parseFloat(Double.toString(a(r)));
      x[2 * r + 1] = Float.parseFloat(Double.toString(b(r)));
      for (int k = 0; k < 3; k++) {
        y[3 * r + k] = multiLabel ? labels(r)[k] : Float.parseFloat(Double.toString(targets(r)[k]));
      }
    }
    return new PackedBlock(0, ROWS, 2, 3, x, y);
  }

  /** The reference: the single-JVM loop over one block, with the job's recipe (network, init, options, seed). */
  static float[] reference(TrainConfig cfg, PackedBlock data, NetworkSpec spec) {
    TrainingRecipe recipe = TrainingRecipe.of(cfg);
    float[] init = recipe.initializer().initialise(spec, cfg.train().seed());
    try (LocalGradientSource source = new LocalGradientSource(new DenseNetwork(spec, Kernels.gemm()), data,
        cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS)) {
      TrainingLoop loop = new TrainingLoop(source, recipe.options(), null, null);
      return loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot())).params();
    }
  }

  static double worstDifference(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double worst = 0;
    for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
  }

  static double largest(float[] a) {
    double m = 0;
    for (float v : a) m = Math.max(m, Math.abs(v));
    return m;
  }

  static ModelData request(Path model, Path data) {
    return new ModelData(model.toString(), data.toUri().toString(), null, null, null, null, null, null, null, false, 0,
        "local[2]", 2);
  }

  @Test
  void multiTargetRegressionFromCsvMatchesTheLocalTrainerAndReportsEachTarget() throws Exception {
    Path data = csv("targets", false);
    Path out = tmp.resolve("regression");
    List<String> settings = List.of("data.format=csv", "data.train=" + data.toUri(), "data.test=" + data.toUri(),
        "data.labelColumns=y1, y2 ,y3", "data.validationFraction=0", "model.loss=mse", "model.hidden=6",
        "model.activation=tanh", "train.optimizer=adam", "train.learningRate=0.02", "train.batchSize=64",
        "train.epochs=6", "train.seed=4", "train.execution=spark", "spark.partitions=3");
    TrainConfig cfg = TrainConfig.load(null, settings);
    ObjectNode summary = TrainJob.run(cfg, out.toString(), false, QUIET);
    LoadedModel model = LoadedModel.load(out.resolve("model").toString(), new Configuration());
    assertEquals(3, model.spec().outputs(), "one output per label column");
    assertEquals(List.of("y1", "y2", "y3"), model.input().labelColumns());
    assertEquals(2, model.spec().inputs(), "a and b are the features; the id and the three labels are not");

    // The reference on the same rows, preprocessed as the job fits it: features and each target standardised.
    PackedBlock block = block(false);
    FeatureStats stats = FeatureStats.of(block, i -> true);
    Preprocessing prep = new Preprocessing(FeatureScaling.fit(FeatureScaling.Method.STANDARD, stats),
        TargetScaling.fit(stats), null);
    TargetScaling saved = model.preprocessing().target();
    assertEquals(3, saved.targets(), "each target has its own shift and scale");
    for (int k = 0; k < 3; k++) {
      // The job merges per-partition statistics (Chan's update) where the reference sums once: equal to float rounding.
      assertEquals(prep.target().shift(k), saved.shift(k), 1e-5 * Math.max(1, Math.abs(saved.shift(k))));
      assertEquals(prep.target().scale(k), saved.scale(k), 1e-5 * saved.scale(k));
    }
    assertTrue(saved.scale(2) > 100 * saved.scale(1), "the targets' spreads differ by orders of magnitude");
    prep = model.preprocessing(); // the job's own statistics, so that the only difference left is the sum order
    prep.applyTo(block);
    float[] local = reference(cfg, block, model.spec());
    double worst = worstDifference(local, model.weights());
    // Three partitions only reorder the float sums of each round's gradient (a few ulps); 6 epochs
    // of Adam carry that to well under 1e-4 of the largest weight, as in DistributedTrainingTest.
    assertTrue(worst <= 1e-4 * largest(local), "max difference " + worst + " vs largest weight " + largest(local));

    // Per-target metrics, recomputed here from the model's own outputs in target units.
    EvaluationAccumulator byHand = new EvaluationAccumulator(0).inTargetUnits(model.preprocessing().target());
    byHand.add(new DenseNetwork(model.spec(), Kernels.gemm()), model.weights(), block,
        new org.sparkprop.nn.Workspace(model.spec(), 3, 128));
    ObjectNode metrics = EvaluateJob.run(request(out.resolve("model"), data), null, QUIET);
    assertEquals("regression", metrics.path("task").asText());
    JsonNode perOutput = metrics.path("perOutput");
    assertEquals(3, perOutput.size());
    double meanR2 = 0;
    float[] out1 = predictions(model, block);
    for (int k = 0; k < 3; k++) {
      JsonNode o = perOutput.get(k);
      assertEquals("y" + (k + 1), o.path("output").asText());
      double mse = 0;
      double sum = 0;
      double sumSq = 0;
      for (int r = 0; r < ROWS; r++) {
        double truth = targets(r)[k];
        double e = out1[3 * r + k] - truth;
        mse += e * e;
        sum += truth;
        sumSq += truth * truth;
      }
      mse /= ROWS;
      double variance = sumSq / ROWS - (sum / ROWS) * (sum / ROWS);
      double r2 = 1 - mse / variance;
      // The job compares float32 outputs in double as here; its sums run in another order: 1e-6 relative.
      assertEquals(mse, o.path("mse").asDouble(), 1e-6 * Math.max(mse, 1e-12) + 1e-9, "mse of y" + (k + 1));
      assertEquals(r2, o.path("r2").asDouble(), 1e-6, "r2 of y" + (k + 1));
      assertEquals(byHand.metrics().get("r2[" + k + "]"), o.path("r2").asDouble(), 1e-9);
      meanR2 += r2 / 3;
    }
    assertEquals(meanR2, metrics.path("r2").asDouble(), 1e-6, "overall r2 is the mean of the targets' r2 (scikit-learn)");
    assertTrue(metrics.path("r2").asDouble() > 0.5, "a network with a hidden layer learns these targets: r2 "
        + metrics.path("r2").asDouble());
    // The report draws each target's R² per epoch beside the overall curves.
    assertTrue(Files.size(out.resolve("report/r2-per-output.png")) > 0);
    assertTrue(Files.readString(out.resolve("report/index.html")).contains("r2-per-output.png"));

    // predict writes one column per target, named after it, in the targets' units.
    Path written = tmp.resolve("regression-predictions");
    assertEquals(ROWS, PredictJob.run(request(out.resolve("model"), data), written.toString(), "parquet", QUIET));
    SparkSession spark = SparkSession.active();
    Dataset<Row> predicted = spark.read().parquet(written.toString()).orderBy("row");
    assertEquals(List.of("id", "row", "prediction_y1", "prediction_y2", "prediction_y3"), List.of(predicted.columns()));
    List<Row> rows = predicted.collectAsList();
    for (int r = 0; r < ROWS; r++) {
      assertEquals("r" + r, rows.get(r).getString(0));
      for (int k = 0; k < 3; k++) {
        // predict computes output * scale + shift in double from the same float32 outputs as out1 (rounded to float).
        assertEquals(out1[3 * r + k], rows.get(r).getDouble(2 + k), 1e-6 * Math.max(1, Math.abs(out1[3 * r + k])));
      }
    }
    // The summary's test metrics are the same evaluation (same rows, weights and code), by output name.
    assertEquals(List.of("y1", "y2", "y3"), List.of(summary.path("outputs").get(0).asText(),
        summary.path("outputs").get(1).asText(), summary.path("outputs").get(2).asText()));
    for (int k = 0; k < 3; k++) {
      assertEquals(perOutput.get(k).path("mse").asDouble(),
          summary.path("testMetricsPerOutput").path("y" + (k + 1)).path("mse").asDouble(), 1e-12);
    }
  }

  /** The model's outputs in target units for every row of a preprocessed block, (rows, 3). */
  static float[] predictions(LoadedModel model, PackedBlock block) {
    NetworkSpec spec = model.spec();
    org.sparkprop.nn.Workspace ws = new org.sparkprop.nn.Workspace(spec, 3, ROWS);
    System.arraycopy(block.x, 0, ws.input, 0, block.x.length);
    new DenseNetwork(spec, Kernels.gemm()).forward(model.weights(), ROWS, ws);
    float[] out = new float[ROWS * 3];
    TargetScaling t = model.preprocessing().target();
    for (int i = 0; i < out.length; i++) out[i] = (float) ((double) ws.output()[i] * t.scale(i % 3) + t.shift(i % 3));
    return out;
  }

  @Test
  void multiLabelBceFromCsvMatchesTheLocalTrainerAndReportsEachLabel() throws Exception {
    Path data = csv("labels", true);
    Path out = tmp.resolve("multilabel");
    List<String> settings = List.of("data.format=csv", "data.train=" + data.toUri(), "data.test=" + data.toUri(),
        "data.labelColumns=l1,l2,l3", "data.validationFraction=0", "model.loss=bce", "model.hidden=8",
        "model.activation=tanh", "train.optimizer=adam", "train.learningRate=0.05", "train.batchSize=50",
        "train.epochs=8", "train.seed=9", "train.execution=spark", "spark.partitions=3");
    TrainConfig cfg = TrainConfig.load(null, settings);
    ObjectNode summary = TrainJob.run(cfg, out.toString(), false, QUIET);
    LoadedModel model = LoadedModel.load(out.resolve("model").toString(), new Configuration());
    assertEquals(3, model.spec().outputs(), "one sigmoid output per label column");
    assertEquals(org.sparkprop.nn.Activation.SIGMOID, model.spec().outputActivation());
    assertTrue(model.preprocessing().target().identity(), "0/1 labels are not standardised");

    PackedBlock block = block(true);
    model.preprocessing().applyTo(block);
    float[] local = reference(cfg, block, model.spec());
    double worst = worstDifference(local, model.weights());
    // As for regression: only the order of float additions differs between 3 partitions and one block.
    assertTrue(worst <= 1e-4 * largest(local), "max difference " + worst + " vs largest weight " + largest(local));

    // Subset accuracy, Hamming loss and F1s recomputed from the model's probabilities.
    org.sparkprop.nn.Workspace ws = new org.sparkprop.nn.Workspace(model.spec(), 3, ROWS);
    System.arraycopy(block.x, 0, ws.input, 0, block.x.length);
    new DenseNetwork(model.spec(), Kernels.gemm()).forward(model.weights(), ROWS, ws);
    long subset = 0;
    long wrong = 0;
    long[] tp = new long[3];
    long[] fp = new long[3];
    long[] fn = new long[3];
    for (int r = 0; r < ROWS; r++) {
      boolean all = true;
      for (int k = 0; k < 3; k++) {
        boolean truth = labels(r)[k] == 1;
        boolean predicted = ws.output()[3 * r + k] >= 0.5f;
        if (truth != predicted) {
          all = false;
          wrong++;
        }
        if (truth && predicted) tp[k]++;
        if (!truth && predicted) fp[k]++;
        if (truth && !predicted) fn[k]++;
      }
      if (all) subset++;
    }
    ObjectNode metrics = EvaluateJob.run(request(out.resolve("model"), data), null, QUIET);
    assertEquals("multi-label classification", metrics.path("task").asText());
    assertEquals((double) subset / ROWS, metrics.path("accuracy").asDouble(), 1e-12);
    assertEquals((double) wrong / (3 * ROWS), metrics.path("hammingLoss").asDouble(), 1e-12);
    long tpAll = tp[0] + tp[1] + tp[2];
    long fpAll = fp[0] + fp[1] + fp[2];
    long fnAll = fn[0] + fn[1] + fn[2];
    assertEquals(2.0 * tpAll / (2.0 * tpAll + fpAll + fnAll), metrics.path("microF1").asDouble(), 1e-12);
    double macro = 0;
    for (int k = 0; k < 3; k++) {
      double f1 = 2.0 * tp[k] / (2.0 * tp[k] + fp[k] + fn[k]);
      macro += f1 / 3;
      JsonNode o = metrics.path("perOutput").get(k);
      assertEquals("l" + (k + 1), o.path("output").asText());
      assertEquals(f1, o.path("f1").asDouble(), 1e-12);
    }
    assertEquals(macro, metrics.path("macroF1").asDouble(), 1e-12);
    assertTrue(metrics.path("hammingLoss").asDouble() < 0.15, "three separable labels are mostly learnt: Hamming loss "
        + metrics.path("hammingLoss").asDouble());
    assertEquals(metrics.path("accuracy").asDouble(), summary.path("testMetrics").path("accuracy").asDouble(), 1e-12);

    // The report scores labels by accuracy, and draws each label's F1 per epoch.
    assertTrue(Files.size(out.resolve("report/accuracy.png")) > 0);
    assertTrue(Files.size(out.resolve("report/f1-per-output.png")) > 0);

    // predict: each label's 0/1 prediction and probability, named after its column.
    Path written = tmp.resolve("multilabel-predictions");
    PredictJob.run(request(out.resolve("model"), data), written.toString(), "parquet", QUIET);
    List<Row> rows = SparkSession.active().read().parquet(written.toString()).orderBy("row").collectAsList();
    assertEquals(List.of("id", "row", "prediction_l1", "prediction_l2", "prediction_l3", "probability_l1",
        "probability_l2", "probability_l3"), List.of(rows.get(0).schema().fieldNames()));
    for (int r = 0; r < ROWS; r++) {
      for (int k = 0; k < 3; k++) {
        float p = ws.output()[3 * r + k];
        assertEquals(p, rows.get(r).getDouble(5 + k), 0, "the probability is the float32 sigmoid output");
        assertEquals(p >= 0.5f ? 1 : 0, rows.get(r).getInt(2 + k));
      }
    }
  }

  @Test
  void sampleWeightsApplyToEveryOutputAsRepeatedRowsWould() throws Exception {
    // Weight 2 on every third row against a file holding that row twice, with full-batch gradient descent and
    // no fitted scaling (statistics do not take weights): both jobs take the same mean gradient every round.
    Path weighted = tmp.resolve("weighted.csv");
    Path repeated = tmp.resolve("repeated.csv");
    List<String> w = new ArrayList<>(List.of("a,b,y1,y2,y3,w"));
    List<String> d = new ArrayList<>(List.of("a,b,y1,y2,y3"));
    int rows = 0;
    for (int r = 0; r < 120; r++) {
      double[] t = targets(r);
      String line = String.format(Locale.ROOT, "%s,%s,%s,%s,%s", a(r), b(r), t[0] / 100, t[1] * 10, t[2] / 300);
      int weight = r % 3 == 0 ? 2 : 1;
      w.add(line + "," + weight);
      for (int k = 0; k < weight; k++) d.add(line);
      rows += weight;
    }
    Files.write(weighted, w);
    Files.write(repeated, d);
    List<String> common = List.of("data.format=csv", "data.idColumn=", "data.labelColumns=y1,y2,y3", "data.scaling=none",
        "data.scaleTarget=false", "data.validationFraction=0", "model.loss=mse", "model.hidden=4", "model.activation=tanh",
        "train.optimizer=sgd", "train.learningRate=0.1", "train.batchSize=" + rows, "train.epochs=15", "train.seed=2",
        "spark.partitions=2");
    List<String> a = new ArrayList<>(common);
    a.addAll(List.of("data.train=" + weighted.toUri(), "data.weightColumn=w"));
    List<String> b = new ArrayList<>(common);
    b.add("data.train=" + repeated.toUri());
    TrainJob.run(TrainConfig.load(null, a), tmp.resolve("weighted").toString(), false, QUIET);
    TrainJob.run(TrainConfig.load(null, b), tmp.resolve("repeated").toString(), false, QUIET);
    LoadedModel fromWeights = LoadedModel.load(tmp.resolve("weighted/model").toString(), new Configuration());
    LoadedModel fromRepeats = LoadedModel.load(tmp.resolve("repeated/model").toString(), new Configuration());
    assertEquals(3, fromWeights.spec().outputs());
    double worst = worstDifference(fromRepeats.weights(), fromWeights.weights());
    // The same mean gradient summed in another order (weight x gradient vs gradient + gradient): float rounding
    // only, carried through 15 steps of plain SGD.
    assertTrue(worst <= 1e-4 * largest(fromRepeats.weights()), "max difference " + worst);
  }

  @Test
  void parquetLabelColumnsAndAVectorLabelColumnTrainAlike() throws Exception {
    // The same rows as numeric label columns and as one vector label column: the same packed rows, the same bits.
    SparkSession spark = SparkSession.active();
    List<Row> columns = new ArrayList<>();
    List<Row> vectors = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      double[] t = targets(r);
      columns.add(RowFactory.create(a(r), b(r), t[0], t[1], t[2]));
      vectors.add(RowFactory.create(a(r), b(r), Vectors.dense(t)));
    }
    StructType byColumns = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
        .add("y1", DataTypes.DoubleType).add("y2", DataTypes.DoubleType).add("y3", DataTypes.DoubleType);
    StructType byVector = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
        .add("targets", SQLDataTypes.VectorType());
    Path columnsDir = tmp.resolve("columns.parquet");
    Path vectorDir = tmp.resolve("vector.parquet");
    spark.createDataFrame(columns, byColumns).coalesce(1).write().parquet(columnsDir.toString());
    spark.createDataFrame(vectors, byVector).coalesce(1).write().parquet(vectorDir.toString());
    List<String> common = List.of("data.format=parquet", "data.validationFraction=0", "model.loss=mse", "model.hidden=4",
        "model.activation=tanh", "train.optimizer=adam", "train.learningRate=0.02", "train.batchSize=64",
        "train.epochs=2", "train.seed=4", "spark.partitions=3");
    List<String> a = new ArrayList<>(common);
    a.addAll(List.of("data.train=" + columnsDir.toUri(), "data.labelColumns=y1,y2,y3"));
    List<String> b = new ArrayList<>(common);
    b.addAll(List.of("data.train=" + vectorDir.toUri(), "data.labelColumn=targets"));
    ObjectNode fromColumns = TrainJob.run(TrainConfig.load(null, a), tmp.resolve("pq-columns").toString(), false, QUIET);
    ObjectNode fromVector = TrainJob.run(TrainConfig.load(null, b), tmp.resolve("pq-vector").toString(), false, QUIET);
    assertTrue(fromColumns.path("network").asText().startsWith("2-4-3"), fromColumns.path("network").asText());
    assertEquals(fromColumns.path("weightsSha256").asText(), fromVector.path("weightsSha256").asText());
    assertEquals(List.of("targets_0", "targets_1", "targets_2"), List.of(fromVector.path("outputs").get(0).asText(),
        fromVector.path("outputs").get(1).asText(), fromVector.path("outputs").get(2).asText()));
  }
}
