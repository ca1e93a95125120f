package org.sparkprop.io.onnx;

import static org.sparkprop.io.onnx.OnnxGraph.floatAttribute;
import static org.sparkprop.io.onnx.OnnxGraph.intAttribute;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.io.PublishedFile;
import org.sparkprop.io.onnx.schema.Onnx.ModelProto;
import org.sparkprop.io.onnx.schema.Onnx.OperatorSetIdProto;
import org.sparkprop.io.onnx.schema.Onnx.StringStringEntryProto;
import org.sparkprop.io.onnx.schema.Onnx.TensorProto;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.ParameterLayout;

/**
 * A trained network with its saved preprocessing as one ONNX model, to serve it without Spark (ONNX
 * Runtime in a web service, Python, a database...). The graph, in float32:
 * <pre>
 *   features (rows, inputs)  -> (x - shift) / scale            the saved feature scaling, if any
 *                            -> per layer: Gemm(a, W, b, transB) and its activation
 *   regression:      prediction (rows, outputs) = output * target scale + target shift, each
 *                    output with its own scale and shift when several targets were standardised
 *   multi-label:     label (rows, outputs) int64 0/1, output >= 0.5; probability (rows, outputs)
 *   classification:  label (rows) int64 class index, the rule of the command line's accuracy
 *                    (arg-max, or output >= 0.5 for a single output);
 *                    class (rows) string, the class name of label;
 *                    probability (rows, classes) for softmax and sigmoid outputs: softmax as is,
 *                    one sigmoid output p as (1 - p, p), several sigmoid outputs as they are.
 * </pre>
 * These are the numbers the predict command writes. Opset 17 of the default domain (ONNX Runtime
 * 1.13 and later, and every converter of the last years, read it).
 */
public final class OnnxExport {
  /** The input: raw feature rows, as in the training data (before scaling). */
  public static final String FEATURES = "features";
  /** Regression output, in the target's units. */
  public static final String PREDICTION = "prediction";
  /** Classification output: the predicted class index. */
  public static final String LABEL = "label";
  /** Classification output: the predicted class name. */
  public static final String CLASS = "class";
  /** Classification output of softmax and sigmoid networks: one probability per class. */
  public static final String PROBABILITY = "probability";

  static final int OPSET = 17;
  /** The IR version that goes with opset 17. */
  static final long IR_VERSION = 8;

  private OnnxExport() {}

  /**
   * The ONNX model of a network with these weights and preprocessing.
   *
   * @param properties written as the model's metadata properties (e.g. how it was trained)
   */
  public static byte[] bytes(NetworkSpec spec, float[] weights, Preprocessing prep, Map<String, String> properties) {
    if (weights.length != spec.parameterCount()) {
      throw new IllegalArgumentException(spec.describe() + " needs " + spec.parameterCount() + " weights, got "
          + weights.length);
    }
    if (prep.features().features() != spec.inputs()) {
      throw new IllegalArgumentException("the feature scaling covers " + prep.features().features()
          + " features but the network has " + spec.inputs() + " inputs");
    }
    OnnxGraph g = new OnnxGraph("sparkprop");
    g.input(FEATURES, TensorProto.DataType.FLOAT_VALUE, spec.inputs());
    String a = network(g, spec, weights, scaled(g, prep.features(), FEATURES));
    if (prep.classification()) {
      classification(g, spec, prep, a);
    } else if (org.sparkprop.train.EvaluationAccumulator.multiLabel(spec, 0)) {
      multiLabel(g, spec.outputs(), a);
    } else {
      regression(g, spec.outputs(), prep.target(), a);
    }
    ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("Sparkprop")
        .setProducerVersion(producerVersion()).setDocString(spec.describe())
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g.build());
    properties.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return model.build().toByteArray();
  }

  /** Writes {@link #bytes} to {@code uri} on any Hadoop file system, whole or not at all. */
  public static void write(String uri, Configuration conf, boolean overwrite, NetworkSpec spec, float[] weights,
                           Preprocessing prep, Map<String, String> properties) throws IOException {
    PublishedFile.write(uri, conf, bytes(spec, weights, prep, properties), overwrite);
  }

  /** The version in the jar's manifest; "development" when run from classes. */
  private static String producerVersion() {
    String v = OnnxExport.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  /** (x - shift) / scale, the float32 operations of {@link FeatureScaling#apply}; nothing for none. */
  private static String scaled(OnnxGraph g, FeatureScaling scaling, String x) {
    if (scaling.identity()) return x;
    long w = scaling.features();
    String centred = g.node("Sub", List.of(x, g.constant("shift", scaling.shift(), w)));
    return g.node("Div", List.of(centred, g.constant("scale", scaling.scale(), w)));
  }

  /** The layers, as in DenseNetwork.forward: z = a W^T + b, a' = f(z). Returns the last activation. */
  private static String network(OnnxGraph g, NetworkSpec spec, float[] weights, String input) {
    ParameterLayout layout = spec.layout();
    String a = input;
    for (int l = 0; l < layout.layers(); l++) {
      int in = layout.in(l);
      int out = layout.out(l);
      float[] w = java.util.Arrays.copyOfRange(weights, layout.weightOffset(l), layout.weightOffset(l) + out * in);
      float[] b = java.util.Arrays.copyOfRange(weights, layout.biasOffset(l), layout.biasOffset(l) + out);
      String z = g.node("Gemm", List.of(a, g.constant("W" + l, w, out, in), g.constant("b" + l, b, out)),
          intAttribute("transB", 1));
      a = activation(g, spec.activation(l), z);
    }
    return a;
  }

  private static String activation(OnnxGraph g, Activation f, String z) {
    switch (f) {
      case IDENTITY: return z;
      case SIGMOID: return g.node("Sigmoid", List.of(z));
      case TANH: return g.node("Tanh", List.of(z));
      case RELU: return g.node("Relu", List.of(z));
      case LEAKY_RELU: return g.node("LeakyRelu", List.of(z), floatAttribute("alpha", Activation.LEAKY_SLOPE));
      case SOFTMAX: return g.node("Softmax", List.of(z), intAttribute("axis", 1));
      case STEP: // 1 for z >= 0, else 0
        String positive = g.node("GreaterOrEqual", List.of(z, g.constant("zero", new float[] {0f})));
        return g.node("Cast", List.of(positive), intAttribute("to", TensorProto.DataType.FLOAT_VALUE));
      default: throw new IllegalArgumentException("no ONNX operator for the " + f.configName() + " activation");
    }
  }

  /** output * scale + shift: the predict command's value (which it computes in double). */
  private static void regression(OnnxGraph g, int outputs, TargetScaling target, String a) {
    if (target.identity()) {
      g.nodeNamed(PREDICTION, "Identity", List.of(a));
    } else {
      // One scale and shift per output, shaped (outputs) so that they broadcast over the rows.
      float[] scale = new float[outputs];
      float[] shift = new float[outputs];
      for (int j = 0; j < outputs; j++) {
        scale[j] = target.scale(j);
        shift[j] = target.shift(j);
      }
      String scaled = g.node("Mul", List.of(a, g.constant("targetScale", scale, outputs)));
      g.nodeNamed(PREDICTION, "Add", List.of(scaled, g.constant("targetShift", shift, outputs)));
    }
    g.output(PREDICTION, TensorProto.DataType.FLOAT_VALUE, outputs);
  }

  /** Several independent 0/1 labels: each output's probability, and its label at a probability of at least 0.5. */
  private static void multiLabel(OnnxGraph g, int outputs, String a) {
    String atLeastHalf = g.node("GreaterOrEqual", List.of(a, g.constant("half", new float[] {0.5f})));
    g.nodeNamed(LABEL, "Cast", List.of(atLeastHalf), intAttribute("to", TensorProto.DataType.INT64_VALUE));
    g.output(LABEL, TensorProto.DataType.INT64_VALUE, outputs);
    g.nodeNamed(PROBABILITY, "Identity", List.of(a));
    g.output(PROBABILITY, TensorProto.DataType.FLOAT_VALUE, outputs);
  }

  private static void classification(OnnxGraph g, NetworkSpec spec, Preprocessing prep, String a) {
    int outputs = spec.outputs();
    int classes = prep.labels().classes();
    String label;
    if (outputs == 1) {
      String atLeastHalf = g.node("GreaterOrEqual", List.of(a, g.constant("half", new float[] {0.5f})));
      String index = g.node("Cast", List.of(atLeastHalf), intAttribute("to", TensorProto.DataType.INT64_VALUE));
      label = g.nodeNamed(LABEL, "Reshape", List.of(index, g.longs("rowsOnly", -1)));
    } else {
      // ArgMax keeps the first of equal maxima, as predictClass does.
      label = g.nodeNamed(LABEL, "ArgMax", List.of(a), intAttribute("axis", 1), intAttribute("keepdims", 0));
    }
    g.output(LABEL, TensorProto.DataType.INT64_VALUE);
    g.nodeNamed(CLASS, "Gather", List.of(g.strings("classNames", prep.labels().names()), label));
    g.output(CLASS, TensorProto.DataType.STRING_VALUE);
    Activation out = spec.outputActivation();
    if (out == Activation.SOFTMAX || out == Activation.SIGMOID && outputs > 1) {
      g.nodeNamed(PROBABILITY, "Identity", List.of(a));
    } else if (out == Activation.SIGMOID) {
      String complement = g.node("Sub", List.of(g.constant("one", new float[] {1f}), a));
      g.nodeNamed(PROBABILITY, "Concat", List.of(complement, a), intAttribute("axis", 1));
    } else {
      return; // identity and step outputs are scores, not probabilities: the predict command writes none either
    }
    g.output(PROBABILITY, TensorProto.DataType.FLOAT_VALUE, classes);
  }
}
