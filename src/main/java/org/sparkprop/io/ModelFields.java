package org.sparkprop.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;

/**
 * The parts of {@code metadata.json} (format version 1) that a loader needs to use a model, as
 * JSON and back: {@code architecture}, {@code preprocessing} and {@code input}. Floats are written
 * in their shortest exact decimal form and read back from the text, so they survive bit for bit.
 * Reading checks every field and names the missing or wrong one.
 */
final class ModelFields {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ModelFields() {
  }

  static ObjectNode architecture(NetworkSpec spec) {
    ObjectNode arch = NODES.objectNode();
    arch.put("inputs", spec.inputs());
    ArrayNode hidden = arch.putArray("hidden");
    for (int h : spec.hidden()) hidden.add(h);
    arch.put("hiddenActivation", spec.hiddenActivation().configName());
    arch.put("outputs", spec.outputs());
    arch.put("outputActivation", spec.outputActivation().configName());
    arch.put("loss", spec.loss().configName());
    arch.put("layout", "per layer from the input: W (out, in) row-major, then b (out); float32 little-endian");
    return arch;
  }

  static ObjectNode preprocessing(Preprocessing p) {
    ObjectNode node = NODES.objectNode();
    ObjectNode fs = node.putObject("featureScaling");
    FeatureScaling f = p.features();
    fs.put("method", f.method().configName());
    fs.put("formula", "(x - shift) / scale, per feature, float32");
    fs.set("shift", floats(f.shift()));
    fs.set("scale", floats(f.scale()));
    ObjectNode ts = node.putObject("targetScaling");
    ts.put("shift", p.target().shift());
    ts.put("scale", p.target().scale());
    ts.put("formula", "the network learns (y - shift) / scale; predictions are output * scale + shift");
    if (p.labels() == null) {
      node.putNull("labels");
    } else {
      ArrayNode labels = node.putArray("labels");
      for (String name : p.labels().names()) labels.add(name);
    }
    return node;
  }

  static ObjectNode input(InputSchema s) {
    ObjectNode node = NODES.objectNode();
    node.put("format", s.format());
    node.put("features", s.features());
    if (s.featureNames() == null) {
      node.putNull("featureNames");
    } else {
      ArrayNode names = node.putArray("featureNames");
      s.featureNames().forEach(names::add);
    }
    node.put("header", s.header());
    node.put("delimiter", s.delimiter());
    node.put("labelColumn", s.labelColumn());
    node.put("featuresColumn", s.featuresColumn());
    node.put("idColumn", s.idColumn());
    if (s.weightColumn() != null) node.put("weightColumn", s.weightColumn()); // absent: unweighted (older models too)
    return node;
  }

  private static ArrayNode floats(float[] values) {
    ArrayNode a = NODES.arrayNode(values.length);
    for (float v : values) a.add(v);
    return a;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Reads fields of one JSON object, naming the file and the field in every complaint. */
  static final class Reader {
    private final String file;

    Reader(String file) {
      this.file = file;
    }

    JsonNode object(JsonNode parent, String path, String field) throws CorruptFileException {
      JsonNode n = parent.get(field);
      if (n == null || !n.isObject()) throw missing(path + field, n, "an object");
      return n;
    }

    int integer(JsonNode parent, String path, String field, int min) throws CorruptFileException {
      JsonNode n = parent.get(field);
      if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min) {
        throw missing(path + field, n, "a whole number >= " + min);
      }
      return n.intValue();
    }

    String text(JsonNode parent, String path, String field) throws CorruptFileException {
      JsonNode n = parent.get(field);
      if (n == null || !n.isTextual()) throw missing(path + field, n, "a string");
      return n.textValue();
    }

    String textOrNull(JsonNode parent, String field) {
      JsonNode n = parent.get(field);
      return n == null || !n.isTextual() ? null : n.textValue();
    }

    float number(JsonNode parent, String path, String field) throws CorruptFileException {
      JsonNode n = parent.get(field);
      if (n == null || !n.isNumber()) throw missing(path + field, n, "a number");
      return Float.parseFloat(n.asText());
    }

    float[] floats(JsonNode parent, String path, String field, int length) throws CorruptFileException {
      JsonNode n = parent.get(field);
      if (n == null || !n.isArray() || n.size() != length) {
        throw missing(path + field, n == null ? null : n.isArray() ? NODES.textNode("an array of " + n.size()) : n,
            "an array of " + length + " numbers");
      }
      float[] out = new float[length];
      for (int i = 0; i < length; i++) {
        JsonNode e = n.get(i);
        if (!e.isNumber()) throw missing(path + field + "[" + i + "]", e, "a number");
        out[i] = Float.parseFloat(e.asText());
      }
      return out;
    }

    List<String> strings(JsonNode parent, String path, String field) throws CorruptFileException {
      JsonNode n = parent.get(field);
      if (n == null || !n.isArray()) throw missing(path + field, n, "an array of strings");
      List<String> out = new ArrayList<>(n.size());
      for (int i = 0; i < n.size(); i++) {
        if (!n.get(i).isTextual()) throw missing(path + field + "[" + i + "]", n.get(i), "a string");
        out.add(n.get(i).textValue());
      }
      return out;
    }

    CorruptFileException missing(String field, JsonNode found, String expected) {
      return new CorruptFileException(file + ": field " + field + " is " + (found == null ? "missing" : "'" + shorten(found) + "'")
          + "; expected " + expected);
    }

    CorruptFileException invalid(String field, String why) {
      return new CorruptFileException(file + ": field " + field + " " + why);
    }

    private static String shorten(JsonNode n) {
      String s = n.isTextual() ? n.textValue() : n.toString();
      return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
  }

  static NetworkSpec readArchitecture(JsonNode meta, Reader r) throws CorruptFileException {
    JsonNode a = r.object(meta, "", "architecture");
    String p = "architecture.";
    int inputs = r.integer(a, p, "inputs", 1);
    JsonNode hiddenNode = a.get("hidden");
    if (hiddenNode == null || !hiddenNode.isArray()) throw r.missing(p + "hidden", hiddenNode, "an array of widths");
    int[] hidden = new int[hiddenNode.size()];
    for (int i = 0; i < hidden.length; i++) {
      JsonNode h = hiddenNode.get(i);
      if (!h.isIntegralNumber() || !h.canConvertToInt() || h.intValue() < 1) throw r.missing(p + "hidden[" + i + "]", h, "a width >= 1");
      hidden[i] = h.intValue();
    }
    int outputs = r.integer(a, p, "outputs", 1);
    try {
      Activation hiddenActivation = Activation.parse(r.text(a, p, "hiddenActivation"));
      Activation outputActivation = Activation.parse(r.text(a, p, "outputActivation"));
      Loss loss = Loss.parse(r.text(a, p, "loss"));
      return new NetworkSpec(inputs, hidden, hiddenActivation, outputs, outputActivation, loss);
    } catch (IllegalArgumentException e) {
      throw r.invalid("architecture", "does not describe a network this build can run: " + e.getMessage());
    }
  }

  static Preprocessing readPreprocessing(JsonNode meta, Reader r, int features) throws CorruptFileException {
    JsonNode p = r.object(meta, "", "preprocessing");
    JsonNode fs = r.object(p, "preprocessing.", "featureScaling");
    String path = "preprocessing.featureScaling.";
    FeatureScaling.Method method;
    try {
      method = FeatureScaling.Method.parse(r.text(fs, path, "method"));
    } catch (IllegalArgumentException e) {
      throw r.invalid(path + "method", "is unknown: " + e.getMessage());
    }
    FeatureScaling scaling;
    try {
      scaling = new FeatureScaling(method, r.floats(fs, path, "shift", features), r.floats(fs, path, "scale", features));
    } catch (IllegalArgumentException e) {
      throw r.invalid(path + "scale", "is unusable: " + e.getMessage());
    }
    JsonNode ts = r.object(p, "preprocessing.", "targetScaling");
    TargetScaling target;
    try {
      target = new TargetScaling(r.number(ts, "preprocessing.targetScaling.", "shift"),
          r.number(ts, "preprocessing.targetScaling.", "scale"));
    } catch (IllegalArgumentException e) {
      throw r.invalid("preprocessing.targetScaling", "is unusable: " + e.getMessage());
    }
    JsonNode labelsNode = p.get("labels");
    if (labelsNode == null) throw r.missing("preprocessing.labels", null, "an array of class names, or null for regression");
    LabelMapping labels = null;
    if (!labelsNode.isNull()) {
      try {
        labels = LabelMapping.of(r.strings(p, "preprocessing.", "labels"));
      } catch (IllegalArgumentException e) {
        throw r.invalid("preprocessing.labels", "is unusable: " + e.getMessage());
      }
    }
    return new Preprocessing(scaling, target, labels);
  }

  static InputSchema readInput(JsonNode meta, Reader r) throws CorruptFileException {
    JsonNode in = r.object(meta, "", "input");
    String p = "input.";
    List<String> names = in.path("featureNames").isArray() ? r.strings(in, p, "featureNames") : null;
    JsonNode header = in.get("header");
    return new InputSchema(r.text(in, p, "format"), r.integer(in, p, "features", 1), names,
        header != null && header.asBoolean(true), orDefault(r.textOrNull(in, "delimiter"), ","),
        orDefault(r.textOrNull(in, "labelColumn"), "label"), orDefault(r.textOrNull(in, "featuresColumn"), "features"),
        orDefault(r.textOrNull(in, "idColumn"), "id"), r.textOrNull(in, "weightColumn"));
  }

  private static String orDefault(String s, String d) {
    return s == null ? d : s;
  }
}
