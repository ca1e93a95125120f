package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.cli.Main;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.GeneratedRange;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.io.onnx.OnnxExport;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Workspace;
import org.sparkprop.spark.RowStore;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.input.InputLoader;
import org.sparkprop.spark.input.InputOpener;
import org.sparkprop.spark.input.OpenedInput;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.train.Predictions;

/**
 * The export command's ONNX files against Sparkprop itself: for the example jobs in conf/ (scaled
 * down to a few dozen rounds) and variants that cover every activation, output layer, feature
 * scaling and a standardised regression target, ONNX Runtime runs the exported graph on the job's
 * raw test rows and gives the class, class name and probabilities, or the value, that Sparkprop's
 * predict computation gives.
 *
 * <p>Tolerance 1e-5 (relative to the value for a regression in the target's units, whose float32
 * ulp alone is 1.5e-5 near 300): both run the same float32 graph, but the matrix products sum in
 * another order (Sparkprop's blocked GEMM, ONNX Runtime's MLAS) and exp and tanh come from other
 * approximations (Java's Math in double, rounded; MLAS's float polynomials). Each step costs a
 * few units of float32's 6e-8 relative rounding, which stays near 1e-6 after a few layers; a wrong
 * operator, weight layout, scaling or output rule moves the numbers by far more than 1e-5.
 */
class OnnxExportTest {
  private static final double TOLERANCE = 1e-5;
  private static final int CHUNK = 512;
  private static JavaSparkContext sc;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop(sc);
  }

  @Test
  void softmaxNetworksOfEveryHiddenActivationAgree() throws Exception {
    for (String activation : List.of("relu", "sigmoid", "tanh", "leaky_relu", "identity")) {
      Checked c = check("conf/spiral.conf", "model.activation=" + activation, "model.hidden=[16,8]");
      assertTrue(c.network.contains(activation + " hidden") && c.network.contains("softmax output"), c.network);
    }
  }

  @Test
  void theFileExamplesAgreeWithTheirScalingInsideTheGraph() throws Exception {
    Checked moons = check("conf/moons-csv.conf"); // tanh hidden, softmax, standard scaling, CSV with an id column
    assertEquals("standard", moons.scaling);
    Checked blobs = check("conf/blobs-libsvm.conf"); // LibSVM, classes named 1..3, relu hidden
    assertEquals(List.of("1", "2", "3"), blobs.classNames);
    Checked minmax = check("conf/moons-csv.conf", "data.scaling=minmax");
    assertEquals("minmax", minmax.scaling);
  }

  @Test
  void singleOutputClassifiersAgree() throws Exception {
    Checked logistic = check("conf/logistic-regression.conf"); // one sigmoid output: probability (1 - p, p)
    assertTrue(logistic.network.contains("sigmoid output"), logistic.network);
    Checked perceptron = check("conf/perceptron.conf"); // one step output: label only
    assertTrue(perceptron.network.contains("step output"), perceptron.network);
    assertFalse(perceptron.outputs.contains(OnnxExport.PROBABILITY), perceptron.outputs.toString());
  }

  @Test
  void regressionsAgreeInTheTargetsUnits() throws Exception {
    Checked linear = check("conf/linear-regression.conf");
    assertEquals(List.of(OnnxExport.PREDICTION), linear.outputs);
    // Diabetes progression (25..346) from 10 features: min-max features and a standardised target.
    Path conf = tmp.resolve("diabetes.conf");
    Files.writeString(conf, String.join("\n",
        "data { format = csv, train = \"data/public/diabetes-train.csv\", test = \"data/public/diabetes-test.csv\",",
        "  header = true, labelColumn = target, scaling = minmax, scaleTarget = true }",
        "model { hidden = [8], activation = tanh, loss = mse }",
        "train { optimizer = adam, learningRate = 0.01, batchSize = 32, epochs = 3, seed = 3 }",
        "spark { partitions = 2 }"));
    Checked diabetes = check(conf.toString());
    assertTrue(diabetes.maxValue > 100, "values in the target's units, not standardised: " + diabetes.maxValue);
  }

  @Test
  void severalOutputsAgreeEachWithItsOwnTargetScaling() throws Exception {
    // Three targets of very different scales, each standardised on its own; three 0/1 labels of the same features.
    Path targetsCsv = tmp.resolve("targets.csv");
    Path labelsCsv = tmp.resolve("labels.csv");
    List<String> targetLines = new ArrayList<>(List.of("a,b,y1,y2,y3"));
    List<String> labelLines = new ArrayList<>(List.of("a,b,l1,l2,l3"));
    for (int r = 0; r < 300; r++) {
      double a = (r % 23) / 5.0 - 2.2;
      double b = (r * 7 % 17) / 4.0 - 2;
      targetLines.add(a + "," + b + "," + (3 * a - 2 * b + 100) + "," + 0.05 * a + "," + (-400 * b + 7 * a * b));
      labelLines.add(a + "," + b + "," + (a > 0 ? 1 : 0) + "," + (a + b > 0.5 ? 1 : 0) + "," + (b < -1 ? 1 : 0));
    }
    Files.write(targetsCsv, targetLines);
    Files.write(labelsCsv, labelLines);
    Path conf = tmp.resolve("several.conf");
    Files.writeString(conf, String.join("\n", "data { format = csv }", "model { hidden = [6], activation = tanh }",
        "train { optimizer = adam, learningRate = 0.02, batchSize = 32, epochs = 2, seed = 3 }", "spark { partitions = 2 }"));
    Checked targets = check(conf.toString(), "data.train=" + targetsCsv.toUri(), "data.test=" + targetsCsv.toUri(),
        "data.labelColumns=y1,y2,y3", "model.loss=mse");
    assertEquals(List.of(OnnxExport.PREDICTION), targets.outputs);
    assertTrue(targets.maxValue > 100, "values in each target's units: " + targets.maxValue);
    Checked labels = check(conf.toString(), "data.train=" + labelsCsv.toUri(), "data.test=" + labelsCsv.toUri(),
        "data.labelColumns=l1,l2,l3", "model.loss=bce");
    assertEquals(List.of(OnnxExport.LABEL, OnnxExport.PROBABILITY), labels.outputs);
  }

  @Test
  void aWideGeneratedJobAgrees() throws Exception {
    check("conf/synthetic-large.conf", "data.synthetic.rows=2000", "train.maxRounds=5");
  }

  /**
   * The Fashion-MNIST example jobs (784-256-128-10 ReLU, pixels / 255 inside the graph): 40 rounds of each shipped
   * conf, then all 10,000 test images through ONNX Runtime against Sparkprop. Skipped, with the reason shown, where
   * Debian's dataset-fashion-mnist package is not installed.
   */
  @Test
  void theFashionMnistJobsAgree() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(FashionMnistTest.DIR.resolve("t10k-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed under " + FashionMnistTest.DIR
            + " (apt-get install dataset-fashion-mnist): skipping its ONNX check");
    for (String conf : List.of("conf/fashion-mnist.conf", "conf/fashion-mnist-fast.conf")) {
      Checked c = check(conf);
      assertTrue(c.network.startsWith("784-256-128-10") && c.network.contains("softmax output"), c.network);
      assertEquals("divide_by_255", c.scaling, conf + ": the pixels' scaling is part of the graph");
      assertEquals(10, c.classNames.size(), conf);
    }
  }

  @Test
  void exportRefusesAnUnknownFormatAndAnExistingFile() throws Exception {
    Path model = train("conf/perceptron.conf", List.of("train.maxRounds=2")).resolve("model");
    Path onnx = tmp.resolve("p.onnx");
    assertEquals(0, Main.execute("export", "--model", model.toString(), "--output", onnx.toString()));
    assertEquals(2, Main.execute("export", "--model", model.toString(), "--output", onnx.toString()),
        "an existing file is kept unless --overwrite is given");
    assertEquals(0, Main.execute("export", "--model", model.toString(), "--output", onnx.toString(), "--overwrite"));
    assertNotEquals(0, Main.execute("export", "--model", model.toString(), "--format", "pmml", "--output",
        tmp.resolve("p.pmml").toString()));
  }

  /** What one job's check saw. */
  record Checked(String network, String scaling, List<String> outputs, List<String> classNames, double maxValue) {
  }

  private Path train(String conf, List<String> overrides) throws Exception {
    TrainConfig cfg = TrainConfig.load(Path.of(conf), overrides);
    Path out = Files.createTempDirectory(tmp, "job");
    TrainJob.run(cfg, out.toString(), false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return out;
  }

  /** Trains the job a few dozen rounds, exports it with the command line and compares on its test rows. */
  private Checked check(String conf, String... extra) throws Exception {
    List<String> overrides = new ArrayList<>(List.of("train.maxRounds=40", "data.playground.rows=1000"));
    overrides.addAll(List.of(extra));
    TrainConfig cfg = TrainConfig.load(Path.of(conf), overrides);
    Path out = train(conf, overrides);
    Path onnx = out.resolve("model.onnx");
    assertEquals(0, Main.execute("export", "--model", out.resolve("model").toString(), "--format", "onnx", "--output",
        onnx.toString()), conf);
    LoadedModel model = LoadedModel.load(out.resolve("model").toString(), new Configuration());
    float[] x = rawTestRows(cfg, model); // (rows, inputs)
    int inputs = model.spec().inputs();
    int rows = x.length / inputs;
    assertTrue(rows > 0, conf);
    Expected expected = sparkprop(model, x, rows);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(Files.readAllBytes(onnx), options);
           OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, inputs});
           OrtSession.Result result = session.run(Map.of(OnnxExport.FEATURES, input))) {
        List<String> outputs = new ArrayList<>(session.getOutputNames());
        String where = conf + " " + List.of(extra);
        double maxValue = Double.NEGATIVE_INFINITY;
        if (model.preprocessing().classification()) {
          long[] labels = longs(result, OnnxExport.LABEL);
          String[] names = (String[]) result.get(OnnxExport.CLASS).orElseThrow().getValue();
          for (int r = 0; r < rows; r++) {
            // The class may differ only where Sparkprop's deciding outputs are within the tolerance of a tie.
            if (labels[r] != expected.classes[r]) {
              assertTrue(expected.margins[r] < TOLERANCE, where + " row " + r + ": ONNX class " + labels[r]
                  + ", Sparkprop " + expected.classes[r] + " with margin " + expected.margins[r]);
            } else {
              assertEquals(model.preprocessing().labels().name(expected.classes[r]), names[r], where + " row " + r);
            }
          }
          if (expected.probabilities != null) {
            float[] p = floats(result, OnnxExport.PROBABILITY);
            assertEquals(expected.probabilities.length, p.length, where);
            for (int i = 0; i < p.length; i++) {
              assertEquals(expected.probabilities[i], p[i], TOLERANCE, where + " probability " + i);
            }
          } else {
            assertFalse(outputs.contains(OnnxExport.PROBABILITY), where);
          }
        } else if (org.sparkprop.train.EvaluationAccumulator.multiLabel(model.spec(), 0)) {
          // Several 0/1 labels: each output's probability, and its label where the probability is not within
          // the tolerance of 0.5.
          float[] p = floats(result, OnnxExport.PROBABILITY);
          OnnxTensor labelTensor = (OnnxTensor) result.get(OnnxExport.LABEL).orElseThrow();
          assertArrayEquals(new long[] {rows, model.spec().outputs()}, labelTensor.getInfo().getShape(), where);
          LongBuffer labelBuffer = labelTensor.getLongBuffer();
          long[] labels = new long[labelBuffer.remaining()];
          labelBuffer.get(labels);
          assertEquals(expected.values.length, p.length, where);
          assertEquals(expected.values.length, labels.length, where);
          for (int i = 0; i < p.length; i++) {
            assertEquals(expected.values[i], p[i], TOLERANCE, where + " probability " + i);
            if (labels[i] != (expected.values[i] >= 0.5 ? 1 : 0)) {
              assertTrue(Math.abs(expected.values[i] - 0.5) < TOLERANCE, where + " label " + i);
            }
          }
        } else {
          float[] v = floats(result, OnnxExport.PREDICTION);
          assertEquals(expected.values.length, v.length, where);
          for (int i = 0; i < v.length; i++) {
            assertEquals(expected.values[i], v[i], TOLERANCE * Math.max(1, Math.abs(expected.values[i])), where + " value " + i);
            maxValue = Math.max(maxValue, expected.values[i]);
          }
        }
        return new Checked(model.spec().describe(), model.preprocessing().features().method().configName(), outputs,
            model.preprocessing().classification() ? model.preprocessing().labels().names() : List.of(), maxValue);
      }
    }
  }

  /** Sparkprop's answers, from the computation the predict command runs on each partition. */
  record Expected(int[] classes, double[] margins, double[] probabilities, double[] values) {
  }

  private static Expected sparkprop(LoadedModel model, float[] raw, int rows) {
    var spec = model.spec();
    Preprocessing prep = model.preprocessing();
    int inputs = spec.inputs();
    int outputs = spec.outputs();
    Workspace ws = new Workspace(spec, 1, CHUNK);
    Predictions p = new Predictions(new DenseNetwork(spec, Kernels.gemm()), model.weights(), prep, ws);
    boolean classification = prep.classification();
    boolean withProbabilities = Predictions.hasProbabilities(spec, prep);
    int[] classes = new int[rows];
    double[] margins = new double[rows];
    double[] probabilities = withProbabilities ? new double[rows * p.probabilityWidth()] : null;
    double[] values = classification ? null : new double[rows * outputs];
    float[] chunk = new float[CHUNK * inputs];
    for (int start = 0; start < rows; start += CHUNK) {
      int n = Math.min(CHUNK, rows - start);
      System.arraycopy(raw, start * inputs, chunk, 0, n * inputs);
      prep.features().apply(chunk, 0, n);
      p.run(chunk, n);
      for (int r = 0; r < n; r++) {
        int row = start + r;
        if (classification) {
          classes[row] = p.predictedClass(r);
          margins[row] = margin(ws, spec.outputActivation(), r, outputs);
          if (withProbabilities) {
            for (int c = 0; c < p.probabilityWidth(); c++) probabilities[row * p.probabilityWidth() + c] = p.probability(r, c);
          }
        } else {
          for (int j = 0; j < outputs; j++) values[row * outputs + j] = p.value(r, j);
        }
      }
    }
    return new Expected(classes, margins, probabilities, values);
  }

  /** How far row r's outputs are from changing its class: the gap to the runner-up, or to 0.5 (to 0 before a step). */
  private static double margin(Workspace ws, Activation output, int r, int outputs) {
    if (outputs == 1) {
      return output == Activation.STEP ? Math.abs(ws.outputPreActivation()[r]) : Math.abs(ws.output()[r] - 0.5);
    }
    float[] a = ws.output();
    float best = Float.NEGATIVE_INFINITY;
    float second = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < outputs; j++) {
      float v = a[r * outputs + j];
      if (v > best) {
        second = best;
        best = v;
      } else if (v > second) {
        second = v;
      }
    }
    return best - second;
  }

  /** The job's test rows as written in its data, before any scaling: generated ones, or the test file's. */
  private static float[] rawTestRows(TrainConfig cfg, LoadedModel model) {
    TrainConfig.Data data = cfg.data();
    if (data.format().generated()) {
      RowGenerator all = DataSets.generator(cfg); // split as DataSets does: the test rows come last
      long n = all.rows();
      long test = Math.round(n * data.testFraction());
      return RowGenerators.pack(new GeneratedRange(all, n - test, test), 0, Math.toIntExact(test)).x;
    }
    int inputs = model.spec().inputs();
    OpenedInput input = DataSets.expecting(InputOpener.open(SparkSession.active(), "data.test", data.test(),
        "data.testLabels", data.testLabels(), DataSets.settings(data), DataSets.labelMode(cfg), 2), inputs,
        model.preprocessing().labels(), "the model");
    Preprocessing none = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, inputs),
        TargetScaling.IDENTITY, model.preprocessing().labels());
    InputLoader.Plan plan = new InputLoader.Plan(false, 0, none, FeatureScaling.Method.NONE, false, ValidationSplit.none(),
        PartitionSizing.fixed(2), RowStore.memory(StorageLevel.MEMORY_ONLY()), InputLoader.CONFIG_BAD_ROW_ADVICE);
    var loaded = InputLoader.load(input, plan, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      List<float[]> parts = new ArrayList<>();
      int total = 0;
      for (List<PackedBlock> partition : loaded.main().collectByPartition()) {
        for (PackedBlock b : partition) {
          parts.add(java.util.Arrays.copyOf(b.x, b.rows * inputs));
          total += b.rows * inputs;
        }
      }
      float[] x = new float[total];
      int at = 0;
      for (float[] part : parts) {
        System.arraycopy(part, 0, x, at, part.length);
        at += part.length;
      }
      return x;
    } finally {
      loaded.main().unpersist();
    }
  }

  private static float[] floats(OrtSession.Result result, String name) throws OrtException {
    OnnxValue v = result.get(name).orElseThrow(() -> new AssertionError("no output " + name));
    FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  private static long[] longs(OrtSession.Result result, String name) throws OrtException {
    OnnxValue v = result.get(name).orElseThrow(() -> new AssertionError("no output " + name));
    LongBuffer b = ((OnnxTensor) v).getLongBuffer();
    long[] out = new long[b.remaining()];
    b.get(out);
    assertArrayEquals(new long[] {out.length}, ((OnnxTensor) v).getInfo().getShape());
    return out;
  }
}
