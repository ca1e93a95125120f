package org.sparkprop.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.io.onnx.schema.Onnx.ModelProto;
import org.sparkprop.io.onnx.schema.Onnx.NodeProto;
import org.sparkprop.io.onnx.schema.Onnx.StringStringEntryProto;
import org.sparkprop.io.onnx.schema.Onnx.TensorShapeProto;
import org.sparkprop.io.onnx.schema.Onnx.ValueInfoProto;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;

/**
 * The exported graph of small networks, run by ONNX Runtime, against the same networks worked out
 * in double precision here from the documented weight layout: every activation, every output kind
 * (regression with and without target scaling; arg-max, threshold and step classes; softmax, one
 * and several sigmoid probabilities; score outputs with none) and every feature scaling.
 */
class ExportedGraphTest {

  /** ONNX Runtime computes in float32 and may reorder sums; values here are of order 1 to 20. */
  private static final double TOLERANCE = 1e-5;

  @TempDir
  Path dir;

  // ---- the reference: the network in double, from the layout "per layer W (out, in) row-major, then b (out)"

  private static double[] forward(NetworkSpec spec, float[] w, double[] input) {
    double[] a = input;
    int at = 0;
    for (int l = 0; l < spec.layout().layers(); l++) {
      int in = spec.layout().in(l);
      int out = spec.layout().out(l);
      double[] z = new double[out];
      for (int j = 0; j < out; j++) {
        double s = w[at + out * in + j];
        for (int i = 0; i < in; i++) s += w[at + j * in + i] * a[i];
        z[j] = s;
      }
      at += out * in + out;
      a = activate(spec.activation(l), z);
    }
    return a;
  }

  private static double[] activate(Activation f, double[] z) {
    double[] a = new double[z.length];
    double sum = 0;
    for (int j = 0; j < z.length; j++) {
      switch (f) {
        case IDENTITY -> a[j] = z[j];
        case SIGMOID -> a[j] = 1 / (1 + Math.exp(-z[j]));
        case TANH -> a[j] = Math.tanh(z[j]);
        case RELU -> a[j] = Math.max(z[j], 0);
        case LEAKY_RELU -> a[j] = z[j] > 0 ? z[j] : 0.01 * z[j];
        case STEP -> a[j] = z[j] >= 0 ? 1 : 0;
        case SOFTMAX -> {
          a[j] = Math.exp(z[j]);
          sum += a[j];
        }
        default -> throw new AssertionError(f);
      }
    }
    if (f == Activation.SOFTMAX) {
      for (int j = 0; j < a.length; j++) a[j] /= sum;
    }
    return a;
  }

  private static double[] scale(FeatureScaling s, float[] x) {
    double[] out = new double[x.length];
    float[] shift = s.shift();
    float[] scale = s.scale();
    for (int j = 0; j < x.length; j++) out[j] = s.identity() ? x[j] : (x[j] - shift[j]) / scale[j];
    return out;
  }

  // ---- running the export

  /** The graph's outputs by name for rows x (rows, inputs). */
  private static Map<String, Object> run(byte[] model, float[][] rows) throws OrtException {
    int inputs = rows[0].length;
    float[] flat = new float[rows.length * inputs];
    for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, flat, r * inputs, inputs);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, Object> out = new HashMap<>();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model, options);
           OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {rows.length, inputs});
           OrtSession.Result result = session.run(Map.of(OnnxExport.FEATURES, input))) {
        for (Map.Entry<String, OnnxValue> e : result) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          long[] shape = t.getInfo().getShape();
          Object value;
          if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
            FloatBuffer b = t.getFloatBuffer();
            float[] v = new float[b.remaining()];
            b.get(v);
            value = v;
          } else if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
            LongBuffer b = t.getLongBuffer();
            long[] v = new long[b.remaining()];
            b.get(v);
            value = v;
          } else {
            value = t.getValue();
          }
          out.put(e.getKey(), value);
          out.put(e.getKey() + ".shape", shape);
        }
      }
    }
    return out;
  }

  private static float[] weights(float... w) {
    return w;
  }

  private static final float[][] ROWS = {{3, 3}, {-1, 7}, {0, 0}, {2.5f, -4}};

  @Test
  void regressionScalesFeaturesRunsTheLayersAndUnscalesTheTarget() throws OrtException {
    NetworkSpec spec = new NetworkSpec(2, new int[] {2}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
    float[] w = weights(0.5f, -1, 2, 0.25f, 0.1f, -0.2f, 1.5f, -0.5f, 0.3f);
    FeatureScaling features = new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {1, -1}, new float[] {2, 4});
    Preprocessing prep = new Preprocessing(features, new TargetScaling(10, 3), null);
    Map<String, Object> out = run(OnnxExport.bytes(spec, w, prep, Map.of()), ROWS);
    float[] prediction = (float[]) out.get(OnnxExport.PREDICTION);
    assertArrayEquals(new long[] {ROWS.length, 1}, (long[]) out.get(OnnxExport.PREDICTION + ".shape"));
    for (int r = 0; r < ROWS.length; r++) {
      double y = forward(spec, w, scale(features, ROWS[r]))[0] * 3 + 10;
      assertEquals(y, prediction[r], TOLERANCE, "row " + r);
    }
    assertEquals(List.of(OnnxExport.PREDICTION), new ArrayList<>(new java.util.TreeSet<>(outputs(out))));
  }

  @Test
  void anUnscaledRegressionWithSeveralOutputsIsTheNetworkItself() throws Exception {
    NetworkSpec spec = new NetworkSpec(2, new int[] {3}, Activation.SIGMOID, 2, Activation.IDENTITY, Loss.MSE);
    float[] w = weights(1, -2, 0.5f, 0.5f, -1, 3, 0, 0.5f, -0.25f, 2, -1, 0.5f, 1, 1, 1, -3, 0.125f);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY, null);
    byte[] bytes = OnnxExport.bytes(spec, w, prep, Map.of());
    Map<String, Object> out = run(bytes, ROWS);
    float[] prediction = (float[]) out.get(OnnxExport.PREDICTION);
    assertArrayEquals(new long[] {ROWS.length, 2}, (long[]) out.get(OnnxExport.PREDICTION + ".shape"));
    for (int r = 0; r < ROWS.length; r++) {
      double[] y = forward(spec, w, scale(prep.features(), ROWS[r]));
      assertEquals(y[0], prediction[2 * r], TOLERANCE, "row " + r);
      assertEquals(y[1], prediction[2 * r + 1], TOLERANCE, "row " + r);
    }
    // Nothing to undo: no scaling operators, the prediction is the last layer's output.
    assertEquals(List.of("Gemm", "Sigmoid", "Gemm", "Identity"), ops(bytes));
  }

  @Test
  void softmaxClassifiersGiveTheArgMaxItsNameAndTheProbabilities() throws OrtException {
    NetworkSpec spec = new NetworkSpec(2, new int[] {3}, Activation.RELU, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    float[] w = weights(1, 0, 0, 1, 1, -1, 0, 0, -0.5f, 1, 0.2f, 0, 0, 1, -0.3f, -0.5f, 0, 4, 0, 0, 0.1f);
    FeatureScaling minmax = new FeatureScaling(FeatureScaling.Method.MINMAX, new float[] {-1, -4}, new float[] {4, 11});
    Preprocessing prep = new Preprocessing(minmax, TargetScaling.IDENTITY, LabelMapping.of(List.of("cat", "dog", "eel")));
    float[][] rows = {{3, 3}, {-1, 7}, {0, 0}, {2.5f, -4}, {-1, -4}, {3, -4}};
    Map<String, Object> out = run(OnnxExport.bytes(spec, w, prep, Map.of()), rows);
    long[] label = (long[]) out.get(OnnxExport.LABEL);
    String[] names = (String[]) out.get(OnnxExport.CLASS);
    float[] p = (float[]) out.get(OnnxExport.PROBABILITY);
    assertArrayEquals(new long[] {rows.length}, (long[]) out.get(OnnxExport.LABEL + ".shape"));
    assertArrayEquals(new long[] {rows.length, 3}, (long[]) out.get(OnnxExport.PROBABILITY + ".shape"));
    java.util.Set<Long> seen = new java.util.TreeSet<>();
    for (int r = 0; r < rows.length; r++) {
      double[] a = forward(spec, w, scale(minmax, rows[r]));
      int best = argMax(a);
      assertEquals(best, label[r], "row " + r);
      assertEquals(List.of("cat", "dog", "eel").get(best), names[r]);
      for (int c = 0; c < 3; c++) assertEquals(a[c], p[3 * r + c], TOLERANCE, "row " + r + " class " + c);
      seen.add(label[r]);
    }
    assertEquals(3, seen.size(), "the rows reach every class, so a wrong arg-max cannot pass by luck");
  }

  @Test
  void oneSigmoidOutputIsThresholdedAtOneHalfAndGivesBothProbabilities() throws OrtException {
    NetworkSpec spec = new NetworkSpec(2, new int[] {2}, Activation.LEAKY_RELU, 1, Activation.SIGMOID, Loss.BCE);
    float[] w = weights(1, 1, -1, 0.5f, 0, 0.5f, 1, -2, -0.5f);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.DIVIDE_BY_255, 2), TargetScaling.IDENTITY,
        LabelMapping.of(List.of("no", "yes")));
    float[][] rows = {{510, -255}, {-510, 255}, {255, 255}, {-255, -765}, {0, 0}};
    Map<String, Object> out = run(OnnxExport.bytes(spec, w, prep, Map.of()), rows);
    long[] label = (long[]) out.get(OnnxExport.LABEL);
    String[] names = (String[]) out.get(OnnxExport.CLASS);
    float[] p = (float[]) out.get(OnnxExport.PROBABILITY);
    assertArrayEquals(new long[] {rows.length}, (long[]) out.get(OnnxExport.LABEL + ".shape"), "one label per row, not (rows, 1)");
    assertArrayEquals(new long[] {rows.length, 2}, (long[]) out.get(OnnxExport.PROBABILITY + ".shape"));
    int yes = 0;
    for (int r = 0; r < rows.length; r++) {
      double q = forward(spec, w, scale(prep.features(), rows[r]))[0];
      int want = q >= 0.5 ? 1 : 0;
      yes += want;
      assertEquals(want, label[r], "row " + r + " with p = " + q);
      assertEquals(want == 1 ? "yes" : "no", names[r]);
      assertEquals(1 - q, p[2 * r], TOLERANCE);
      assertEquals(q, p[2 * r + 1], TOLERANCE);
    }
    assertTrue(yes > 0 && yes < rows.length, "both classes occur");
  }

  @Test
  void severalSigmoidOutputsAreTheirOwnProbabilities() throws OrtException {
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.RELU, 2, Activation.SIGMOID, Loss.BCE);
    float[] w = weights(1, -1, -1, 1, 0.5f, 0);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY,
        LabelMapping.of(List.of("a", "b")));
    Map<String, Object> out = run(OnnxExport.bytes(spec, w, prep, Map.of()), ROWS);
    float[] p = (float[]) out.get(OnnxExport.PROBABILITY);
    long[] label = (long[]) out.get(OnnxExport.LABEL);
    assertArrayEquals(new long[] {ROWS.length, 2}, (long[]) out.get(OnnxExport.PROBABILITY + ".shape"));
    for (int r = 0; r < ROWS.length; r++) {
      double[] a = forward(spec, w, scale(prep.features(), ROWS[r]));
      assertEquals(a[0], p[2 * r], TOLERANCE);
      assertEquals(a[1], p[2 * r + 1], TOLERANCE);
      assertEquals(argMax(a), label[r]);
    }
  }

  @Test
  void aStepPerceptronsClassIsOneFromZeroOnAndItHasNoProbabilities() throws OrtException {
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.RELU, 1, Activation.STEP, Loss.MAE);
    float[] w = weights(1, 1, 0);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY,
        LabelMapping.of(List.of("neg", "pos")));
    float[][] rows = {{2, -2}, {1, -2}, {0.5f, 0}, {-3, 1}};
    Map<String, Object> out = run(OnnxExport.bytes(spec, w, prep, Map.of()), rows);
    assertArrayEquals(new long[] {1, 0, 1, 0}, (long[]) out.get(OnnxExport.LABEL), "z = 0 is class 1");
    assertArrayEquals(new String[] {"pos", "neg", "pos", "neg"}, (String[]) out.get(OnnxExport.CLASS));
    assertFalse(out.containsKey(OnnxExport.PROBABILITY), "a step output is a score, not a probability");
  }

  @Test
  void identityOutputsAreScoresClassifiedByArgMax() throws OrtException {
    NetworkSpec spec = new NetworkSpec(2, new int[] {2}, Activation.IDENTITY, 2, Activation.IDENTITY, Loss.MSE);
    float[] w = weights(1, 0, 0, 1, 0, 0, 1, -1, -1, 1, 0, 0.5f);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY,
        LabelMapping.of(List.of("x", "y")));
    Map<String, Object> out = run(OnnxExport.bytes(spec, w, prep, Map.of()), ROWS);
    // Scores x0 - x1 and x1 - x0 + 0.5: class y where x1 - x0 > -0.25.
    assertArrayEquals(new long[] {1, 1, 1, 0}, (long[]) out.get(OnnxExport.LABEL));
    assertArrayEquals(new String[] {"y", "y", "y", "x"}, (String[]) out.get(OnnxExport.CLASS));
    assertFalse(out.containsKey(OnnxExport.PROBABILITY));
    assertEquals(List.of(OnnxExport.CLASS, OnnxExport.LABEL), new ArrayList<>(new java.util.TreeSet<>(outputs(out))));
  }

  @Test
  void theModelDeclaresItsOpsetProducerInputsOutputsAndProperties() throws Exception {
    NetworkSpec spec = new NetworkSpec(2, new int[] {2}, Activation.TANH, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    float[] w = new float[spec.parameterCount()];
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY,
        LabelMapping.of(List.of("a", "b", "c")));
    Map<String, String> props = new LinkedHashMap<>();
    props.put("trainedOn", "spiral");
    props.put("seed", "7");
    ModelProto m = ModelProto.parseFrom(OnnxExport.bytes(spec, w, prep, props));
    assertEquals(8, m.getIrVersion());
    assertEquals(1, m.getOpsetImportCount());
    assertEquals("", m.getOpsetImport(0).getDomain());
    assertEquals(17, m.getOpsetImport(0).getVersion());
    assertEquals("Sparkprop", m.getProducerName());
    assertEquals("development", m.getProducerVersion(), "classes outside a jar have no implementation version");
    assertEquals(spec.describe(), m.getDocString());
    assertEquals(props, m.getMetadataPropsList().stream()
        .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue, (a, b) -> a, LinkedHashMap::new)));
    assertEquals("sparkprop", m.getGraph().getName());
    assertEquals(List.of("features [rows, 2] type 1"), m.getGraph().getInputList().stream().map(ExportedGraphTest::describe).toList());
    assertEquals(List.of("label [rows] type 7", "class [rows] type 8", "probability [rows, 3] type 1"),
        m.getGraph().getOutputList().stream().map(ExportedGraphTest::describe).toList());
  }

  @Test
  void weightsAndScalingMustFitTheNetwork() {
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.RELU, 1, Activation.IDENTITY, Loss.MSE);
    Preprocessing two = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.bytes(spec, new float[4], two, Map.of()));
    assertEquals(spec.describe() + " needs 3 weights, got 4", e.getMessage());
    Preprocessing three = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 3), TargetScaling.IDENTITY, null);
    IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.bytes(spec, new float[3], three, Map.of()));
    assertEquals("the feature scaling covers 3 features but the network has 2 inputs", f.getMessage());
  }

  @Test
  void writePublishesTheBytesWholeAndRefusesToReplaceUnlessAsked() throws Exception {
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.RELU, 1, Activation.IDENTITY, Loss.MSE);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY, null);
    Path file = dir.resolve("out/sub/model.onnx");
    String uri = file.toUri().toString();
    OnnxExport.write(uri, new Configuration(), false, spec, new float[] {1, 2, 3}, prep, Map.of());
    assertArrayEquals(OnnxExport.bytes(spec, new float[] {1, 2, 3}, prep, Map.of()), Files.readAllBytes(file));
    IOException exists = assertThrows(IOException.class,
        () -> OnnxExport.write(uri, new Configuration(), false, spec, new float[] {4, 5, 6}, prep, Map.of()));
    assertEquals(uri + " already exists; choose another output or allow overwriting it", exists.getMessage());
    OnnxExport.write(uri, new Configuration(), true, spec, new float[] {4, 5, 6}, prep, Map.of());
    assertArrayEquals(OnnxExport.bytes(spec, new float[] {4, 5, 6}, prep, Map.of()), Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of("model.onnx"), files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList(),
          "no temporary file is left beside it");
    }
    Path sub = Files.createDirectories(dir.resolve("a-directory"));
    IOException directory = assertThrows(IOException.class,
        () -> OnnxExport.write(sub.toUri().toString(), new Configuration(), true, spec, new float[3], prep, Map.of()));
    assertTrue(directory.getMessage().endsWith(" is a directory, not a file"), directory.getMessage());
  }

  private static int argMax(double[] a) {
    int best = 0;
    for (int j = 1; j < a.length; j++) {
      if (a[j] > a[best]) best = j;
    }
    return best;
  }

  private static List<String> outputs(Map<String, Object> out) {
    return out.keySet().stream().filter(k -> !k.endsWith(".shape")).toList();
  }

  private static List<String> ops(byte[] model) throws Exception {
    return ModelProto.parseFrom(model).getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
  }

  private static String describe(ValueInfoProto v) {
    List<String> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
      dims.add(d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()));
    }
    return v.getName() + " " + dims + " type " + v.getType().getTensorType().getElemType();
  }
}
