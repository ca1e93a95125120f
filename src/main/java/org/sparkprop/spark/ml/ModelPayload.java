package org.sparkprop.spark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.io.CorruptFileException;
import org.sparkprop.io.ModelStore;
import org.sparkprop.io.ModelRecord;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.WeightsDigest;

/**
 * The network of a saved Spark ML model: a Sparkprop model directory ({@link ModelStore}:
 * {@code metadata.json} and {@code weights.bin}) in the subdirectory {@value #DIRECTORY} of the
 * path Spark saves the model to, next to Spark's own {@code metadata} of the params. Its
 * {@code architecture} fields are those the {@code train} command writes, so either tool's
 * reader understands the other's model; the training summary travels along and is restored.
 */
final class ModelPayload {
  static final String DIRECTORY = "data";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelPayload() {
  }

  static String location(String modelPath) {
    return new Path(modelPath, DIRECTORY).toString();
  }

  static void save(FittedNetwork net, Task task, String modelPath, Configuration hadoop) throws IOException {
    NetworkSpec spec = net.spec();
    ObjectNode meta = JSON.createObjectNode();
    ObjectNode arch = meta.putObject("architecture");
    arch.put("inputs", spec.inputs());
    arch.set("hidden", JSON.valueToTree(spec.hidden()));
    arch.put("hiddenActivation", spec.hiddenActivation().configName());
    arch.put("outputs", spec.outputs());
    arch.put("outputActivation", spec.outputActivation().configName());
    arch.put("loss", spec.loss().configName());
    arch.put("layout", "per layer from the input: W (out, in) row-major, then b (out); float32 little-endian");
    meta.put("task", task.configName());
    meta.put("classes", net.classes());
    meta.put("targetWidth", net.classes() == 0 ? spec.outputs() : 1);
    ObjectNode target = meta.putObject("targetScaling");
    target.put("shift", net.target().shift());
    target.put("scale", net.target().scale());
    if (net.target().targets() > 1) {
      // Several targets, each standardised on its own: shift and scale above are the first target's.
      ArrayNode shifts = target.putArray("shifts");
      ArrayNode scales = target.putArray("scales");
      for (float v : net.target().shifts()) shifts.add(v);
      for (float v : net.target().scales()) scales.add(v);
    }
    SparkpropTrainingSummary s = net.summary();
    meta.put("dataSource", "Spark DataFrame: " + s.trainingRows() + " training rows, " + s.validationRows()
        + " validation rows");
    Object seed = net.trainingConfig().get("train.seed");
    if (seed != null) meta.put("seed", ((Number) seed).longValue());
    meta.set("trainingConfig", JSON.valueToTree(net.trainingConfig()));
    double[] losses = s.lossHistory();
    putNumber(meta, "trainLoss", losses.length > 0 ? losses[losses.length - 1] : Double.NaN);
    boolean onValidation = !s.validationMetrics().isEmpty();
    meta.set("finalMetrics", metrics(onValidation ? s.validationMetrics() : s.trainingMetrics()));
    meta.put("finalMetricsOn", onValidation ? "validation" : "training");
    meta.put("weightsSha256", WeightsDigest.sha256(net.weightsShared()));
    ObjectNode versions = meta.putObject("versions");
    String own = ModelPayload.class.getPackage().getImplementationVersion();
    versions.put("sparkprop", own == null ? "development" : own);
    versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    versions.put("java", System.getProperty("java.version"));
    meta.set("summary", summary(s));
    ModelStore.save(location(modelPath), hadoop, new ModelRecord(meta, net.weightsShared()), false);
  }

  static FittedNetwork load(String modelPath, Task expected, Configuration hadoop) throws IOException {
    String dir = location(modelPath);
    ModelRecord saved = ModelStore.load(dir, hadoop);
    ObjectNode meta = saved.metadata();
    String task = text(meta, "task", dir);
    if (!task.equals(expected.configName())) {
      throw new IllegalArgumentException(dir + " holds a " + task + " network, not a " + expected.configName()
          + " one: load it with the matching Sparkprop model class");
    }
    JsonNode arch = required(meta, "architecture", dir);
    int[] hidden = new int[required(arch, "hidden", dir).size()];
    for (int i = 0; i < hidden.length; i++) hidden[i] = arch.get("hidden").get(i).asInt();
    NetworkSpec spec;
    try {
      spec = new NetworkSpec(required(arch, "inputs", dir).asInt(), hidden,
          Activation.parse(text(arch, "hiddenActivation", dir)), required(arch, "outputs", dir).asInt(),
          Activation.parse(text(arch, "outputActivation", dir)), Loss.parse(text(arch, "loss", dir)));
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(dir + "/metadata.json describes an invalid network: " + e.getMessage(), e);
    }
    float[] weights = saved.weights();
    if (weights.length != spec.parameterCount()) {
      throw new CorruptFileException(dir + " holds " + weights.length + " weights but its architecture "
          + spec.describe() + " needs " + spec.parameterCount());
    }
    String digest = meta.path("weightsSha256").asText("");
    if (!digest.isEmpty() && !digest.equals(WeightsDigest.sha256(weights))) {
      throw new CorruptFileException(dir + "/weights.bin does not match the weightsSha256 of its metadata.json:"
          + " the two files come from different saves");
    }
    Map<String, Object> config = new TreeMap<>();
    JsonNode cfg = meta.path("trainingConfig");
    for (Map.Entry<String, JsonNode> e : cfg.properties()) {
      config.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
    }
    JsonNode target = meta.path("targetScaling");
    TargetScaling scaling = !target.isObject() ? TargetScaling.IDENTITY
        : target.path("shifts").isArray() ? TargetScaling.of(floatsOf(target.path("shifts")), floatsOf(target.path("scales")))
        : new TargetScaling((float) target.path("shift").asDouble(0), (float) target.path("scale").asDouble(1));
    return new FittedNetwork(spec, weights, required(meta, "classes", dir).asInt(), scaling,
        summary(meta.path("summary"), spec), config);
  }

  private static ObjectNode summary(SparkpropTrainingSummary s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("network", s.network());
    n.put("epochs", s.epochs());
    n.put("rounds", s.rounds());
    n.put("stoppedEarly", s.stoppedEarly());
    n.put("stopReason", s.stopReason());
    n.put("bestEpoch", s.bestEpoch());
    n.put("execution", s.execution());
    n.put("resumed", s.resumed());
    n.put("kernel", s.kernel());
    ArrayNode changes = n.putArray("resumeChanges");
    for (JobRecipe.Change c : s.resumeChanges()) {
      changes.addObject().put("key", c.key()).put("checkpoint", c.checkpoint()).put("run", c.run());
    }
    ArrayNode losses = n.putArray("lossHistory");
    for (double v : s.lossHistory()) addNumber(losses, v);
    ArrayNode validation = n.putArray("validationHistory");
    for (Map<String, Double> m : s.validationHistory()) validation.add(metrics(m));
    n.set("trainingMetrics", metrics(s.trainingMetrics()));
    n.set("validationMetrics", metrics(s.validationMetrics()));
    n.put("trainingRows", s.trainingRows());
    n.put("validationRows", s.validationRows());
    n.put("partitions", s.partitions());
    putNumber(n, "samplesPerSecond", s.samplesPerSecond());
    putNumber(n, "loopSeconds", s.loopSeconds());
    n.set("meanRoundMs", metrics(s.meanRoundMs()));
    n.put("weightsSha256", s.weightsSha256());
    return n;
  }

  /** A summary as saved; a model directory written by the command line has none and gets an empty one. */
  private static SparkpropTrainingSummary summary(JsonNode n, NetworkSpec spec) {
    double[] losses = new double[n.path("lossHistory").size()];
    for (int i = 0; i < losses.length; i++) losses[i] = number(n.path("lossHistory").get(i));
    List<Map<String, Double>> validation = new ArrayList<>();
    for (JsonNode m : n.path("validationHistory")) validation.add(metrics(m));
    return new SparkpropTrainingSummary(n.path("network").asText(spec.describe()), n.path("epochs").asInt(),
        n.path("rounds").asLong(), n.path("stopReason").asText(n.path("stoppedEarly").asBoolean() ? "converged" : "epochs"),
        n.path("bestEpoch").asInt(), n.path("execution").asText(""), n.path("resumed").asBoolean(),
        n.path("kernel").asText(""), changes(n.path("resumeChanges")), losses,
        validation, metrics(n.path("trainingMetrics")), metrics(n.path("validationMetrics")),
        n.path("trainingRows").asLong(), n.path("validationRows").asLong(), n.path("partitions").asInt(),
        number(n.path("samplesPerSecond")), number(n.path("loopSeconds")), metrics(n.path("meanRoundMs")),
        n.path("weightsSha256").asText(""));
  }

  private static List<JobRecipe.Change> changes(JsonNode n) {
    List<JobRecipe.Change> out = new ArrayList<>();
    for (JsonNode c : n) {
      out.add(new JobRecipe.Change(c.path("key").asText(), c.path("checkpoint").asText(), c.path("run").asText()));
    }
    return out;
  }

  private static ObjectNode metrics(Map<String, Double> metrics) {
    ObjectNode n = JSON.createObjectNode();
    for (Map.Entry<String, Double> e : metrics.entrySet()) putNumber(n, e.getKey(), e.getValue());
    return n;
  }

  private static Map<String, Double> metrics(JsonNode n) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) out.put(e.getKey(), number(e.getValue()));
    return out;
  }

  /** JSON has no NaN or infinity: such values (an r2 of constant targets) are written as null. */
  private static void putNumber(ObjectNode n, String field, double v) {
    if (Double.isFinite(v)) n.put(field, v);
    else n.putNull(field);
  }

  private static void addNumber(ArrayNode n, double v) {
    if (Double.isFinite(v)) n.add(v);
    else n.addNull();
  }

  private static double number(JsonNode n) {
    return n == null || !n.isNumber() ? Double.NaN : n.doubleValue();
  }

  private static JsonNode required(JsonNode node, String field, String dir) throws CorruptFileException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new CorruptFileException(dir + "/metadata.json has no '" + field + "' field");
    }
    return v;
  }

  private static String text(JsonNode node, String field, String dir) throws CorruptFileException {
    return required(node, field, dir).asText();
  }

  private static float[] floatsOf(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }
}
