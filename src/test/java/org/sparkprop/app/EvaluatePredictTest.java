package org.sparkprop.app;

import org.sparkprop.testing.LocalSpark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.io.CheckpointStore;
import org.sparkprop.io.PreprocessingJson;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.Predictions;

/**
 * Train, then evaluate and predict with the saved model on Spark: the metrics agree with the
 * train job's test metrics and with the written predictions; a standardised regression target
 * comes back in its own units; checkpoints carry the preprocessing, and resuming on changed data
 * is refused.
 */
class EvaluatePredictTest {
  static JavaSparkContext sc;
  static SparkSession spark;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
    spark = SparkSession.active();
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  static ObjectNode train(Path out, String... overrides) throws Exception {
    return TrainJob.run(TrainConfig.load(null, List.of(overrides)), out.toString(), false, QUIET);
  }

  static ModelData request(Path model, String data) {
    return new ModelData(model.toString(), data, null, null, null, null, null, null, null, false, 0, "local[2]", 2);
  }

  @Test
  void evaluateAgreesWithTrainingAndPredictionsOnTheCsvExample() throws Exception {
    Path out = tmp.resolve("moons");
    ObjectNode summary = train(out, "data.format=csv", "data.train=data/examples/moons.csv",
        "data.test=data/examples/moons-test.csv", "model.hidden=8", "model.activation=tanh", "train.epochs=4",
        "train.learningRate=0.02", "train.batchSize=32", "train.seed=5", "spark.partitions=2");
    Path json = tmp.resolve("moons-metrics.json");
    ObjectNode metrics = EvaluateJob.run(request(out.resolve("model"), "data/examples/moons-test.csv"), json.toString(), QUIET);
    assertEquals(JSON.readTree(JSON.writeValueAsString(metrics)), JSON.readTree(json.toFile()));
    // The same rows, weights and evaluation code as the train job's test pass: equal to the bit.
    assertEquals(summary.path("testMetrics").path("accuracy").asDouble(), metrics.path("accuracy").asDouble());
    assertEquals(summary.path("testMetrics").path("loss").asDouble(), metrics.path("logLoss").asDouble());
    JsonNode counts = metrics.path("confusionMatrix").path("counts");
    assertEquals(List.of("lower", "upper"), JSON.convertValue(metrics.path("confusionMatrix").path("labels"), List.class));
    long total = 0;
    for (int t = 0; t < 2; t++) {
      for (int p = 0; p < 2; p++) total += counts.get(t).get(p).asLong();
    }
    assertEquals(200, total);
    for (int c = 0; c < 2; c++) {
      double tp = counts.get(c).get(c).asDouble();
      double precision = tp / (counts.get(0).get(c).asDouble() + counts.get(1).get(c).asDouble());
      double recall = tp / (counts.get(c).get(0).asDouble() + counts.get(c).get(1).asDouble());
      JsonNode reported = metrics.path("perClass").get(c);
      assertEquals(precision, reported.path("precision").asDouble(), 1e-12);
      assertEquals(recall, reported.path("recall").asDouble(), 1e-12);
      assertEquals(2 * precision * recall / (precision + recall), reported.path("f1").asDouble(), 1e-12);
    }

    Path predictions = tmp.resolve("moons-predictions");
    assertEquals(200, PredictJob.run(request(out.resolve("model"), "data/examples/moons-test.csv"), predictions.toString(),
        "csv", QUIET));
    List<Row> rows = spark.read().option("header", "true").csv(predictions.toString()).orderBy(
        org.apache.spark.sql.functions.col("row").cast("long")).collectAsList();
    List<String> truth = Files.readAllLines(Path.of("data/examples/moons-test.csv"));
    assertEquals(List.of("id", "row", "prediction", "probability_lower", "probability_upper"),
        List.of(spark.read().option("header", "true").csv(predictions.toString()).columns()));
    long correct = 0;
    for (int r = 0; r < 200; r++) {
      Row row = rows.get(r);
      String[] line = truth.get(r + 1).split(",");
      assertEquals(line[0], row.getString(0), "the id column is kept, in input order");
      assertEquals(r, Long.parseLong(row.getString(1)));
      double sum = Double.parseDouble(row.getString(3)) + Double.parseDouble(row.getString(4));
      assertEquals(1, sum, 1e-6, "softmax probabilities in float32 sum to 1 within rounding");
      if (row.getString(2).equals(line[3])) correct++;
    }
    assertEquals(metrics.path("accuracy").asDouble(), correct / 200.0, "predictions agree with the metrics");
  }

  @Test
  void aStandardisedRegressionTargetComesBackInItsOwnUnits() throws Exception {
    Path data = tmp.resolve("plane/train.csv");
    Files.createDirectories(data.getParent());
    List<String> lines = new ArrayList<>(List.of("key,a,b,y"));
    for (int r = 0; r < 400; r++) {
      double a = (r % 20) / 4.0 - 2.5;
      double b = (r * 7 % 13) / 3.0 - 2;
      lines.add("k" + r + "," + a + "," + b + "," + (3 * a - 2 * b + 100 + ((r * 31 % 11) - 5) / 50.0));
    }
    Files.write(data, lines);
    Path out = tmp.resolve("plane");
    ObjectNode summary = train(out, "data.format=csv", "data.train=" + data.toUri(), "data.test=" + data.toUri(),
        "data.idColumn=key", "data.labelColumn=y", "data.scaleTarget=true", "model.loss=mse", "model.hidden=", "train.optimizer=adam",
        "train.learningRate=0.1", "train.batchSize=100", "train.epochs=20", "train.seed=2", "spark.partitions=2");
    LoadedModel model = LoadedModel.load(out.resolve("model").toString(), new Configuration());
    assertEquals(100, model.preprocessing().target().shift(), 1, "the target's mean is about 100");
    assertTrue(model.preprocessing().target().scale() > 1, "and it has a spread");
    // A linear model on a linear target with noise of at most 0.1: the test MSE in target units is small.
    assertTrue(summary.path("testMetrics").path("mse").asDouble() < 0.05, summary.path("testMetrics").toString());

    Path predictions = tmp.resolve("plane-predictions");
    PredictJob.run(request(out.resolve("model"), data.toUri().toString()), predictions.toString(), "parquet", QUIET);
    List<Row> rows = spark.read().parquet(predictions.toString()).orderBy("row").collectAsList();
    assertEquals(400, rows.size());
    float[] x = new float[400 * 2];
    Map<String, Double> truth = new HashMap<>();
    for (int r = 0; r < 400; r++) {
      String[] f = lines.get(r + 1).split(",");
      x[2 * r] = Float.parseFloat(f[1]);
      x[2 * r + 1] = Float.parseFloat(f[2]);
      truth.put(f[0], Double.parseDouble(f[3]));
    }
    model.preprocessing().features().apply(x, 0, 400);
    Predictions local = new Predictions(new DenseNetwork(model.spec(), Kernels.gemm()), model.weights(),
        model.preprocessing(), new Workspace(model.spec(), 1, 400));
    local.run(x, 400);
    double sse = 0;
    for (int r = 0; r < 400; r++) {
      Row row = rows.get(r);
      assertEquals("k" + r, row.getString(0));
      assertEquals(local.value(r, 0), row.getDouble(2), 0.0, "the executors' prediction equals the driver's");
      double e = row.getDouble(2) - truth.get(row.getString(0));
      sse += e * e;
    }
    ObjectNode metrics = EvaluateJob.run(request(out.resolve("model"), data.toUri().toString()), null, QUIET);
    // The evaluator compares outputs with targets that went through (y - shift) / scale in float32
    // and back, so its MSE differs from this one by the rounding of y (about 1e-5 at 100).
    assertEquals(sse / 400, metrics.path("mse").asDouble(), 1e-3 * sse / 400 + 1e-8);
  }

  @Test
  void checkpointsCarryThePreprocessingAndResumingOnChangedDataIsRefused() throws Exception {
    Path data = tmp.resolve("resume/train.csv");
    Files.createDirectories(data.getParent());
    Files.copy(Path.of("data/examples/moons.csv"), data);
    String ckpt = tmp.resolve("resume/ckpt").toUri().toString();
    String[] cfg = {"data.format=csv", "data.train=" + data.toUri(), "model.hidden=4", "train.epochs=1",
        "train.batchSize=100", "checkpoint.dir=" + ckpt, "spark.partitions=2"};
    train(tmp.resolve("resume/out1"), cfg);
    LoadedModel model = LoadedModel.load(tmp.resolve("resume/out1/model").toString(), new Configuration());
    CheckpointStore store = new CheckpointStore(ckpt, new Configuration(), 3);
    JsonNode saved = JSON.readTree(store.latest().orElseThrow().metadataJson());
    assertEquals(model.preprocessing(), PreprocessingJson.read(saved, "checkpoint", 2));

    List<String> lines = new ArrayList<>(Files.readAllLines(data));
    lines.add("extra,9.5,9.5,upper");
    Files.write(data, lines);
    List<String> more = new ArrayList<>(List.of(cfg));
    more.set(3, "train.epochs=2");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(
        TrainConfig.load(null, more), tmp.resolve("resume/out2").toString(), true, QUIET));
    // The added row is a training row (the seeded validation draw keeps it), so the count grows by one.
    java.util.regex.Matcher rows = java.util.regex.Pattern.compile("data.trainRows: checkpoint (\\d+), this run (\\d+)")
        .matcher(e.getMessage());
    assertTrue(rows.find(), e.getMessage());
    assertEquals(Long.parseLong(rows.group(1)) + 1, Long.parseLong(rows.group(2)), e.getMessage());
    assertTrue(e.getMessage().contains("data.preprocessing: checkpoint"), e.getMessage());
  }
  @Test
  void aBadRowInEvaluateOrPredictNamesTheLineAndTheOptionThatSkipsIt() throws Exception {
    Path out = tmp.resolve("moons-bad-row");
    train(out, "data.format=csv", "data.train=data/examples/moons.csv", "model.hidden=4", "train.epochs=1",
        "train.seed=3", "spark.partitions=2");
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("data/examples/moons-test.csv")));
    lines.set(3, "m802,0.5,not-a-number,lower");
    Path bad = tmp.resolve("moons-test-bad.csv");
    Files.write(bad, lines);
    // evaluate and predict take the policy as command-line options, so their advice names the
    // options, not the configuration keys a train job would set.
    for (boolean evaluate : new boolean[] {true, false}) {
      Exception e = assertThrows(Exception.class, () -> {
        if (evaluate) EvaluateJob.run(request(out.resolve("model"), bad.toString()), null, QUIET);
        else PredictJob.run(request(out.resolve("model"), bad.toString()), tmp.resolve("bad-predictions").toString(),
            "csv", QUIET);
      });
      String m = e.getMessage();
      assertTrue(m.contains("moons-test-bad.csv, line 4") && m.contains("'not-a-number'"), m);
      assertTrue(m.contains("pass --on-bad-row skip"), m);
      assertTrue(!m.contains("data.onBadRow"), m);
    }
  }
}
