package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;

/**
 * The fields of a model's metadata.json that a loader needs: written from the objects, read back
 * equal, and each missing, mistyped or inconsistent field named exactly in the refusal.
 */
class ModelFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  // A 2-3-2 softmax classifier: 2 x 3 + 3 + 3 x 2 + 2 = 17 parameters.
  private static final NetworkSpec CLASSIFIER = new NetworkSpec(2, new int[] {3}, Activation.TANH, 2, Activation.SOFTMAX,
      Loss.CROSS_ENTROPY);
  private static final Preprocessing CLASSES = new Preprocessing(
      new FeatureScaling(FeatureScaling.Method.STANDARD, new float[] {0.5f, -1f}, new float[] {2f, 0.1f}),
      TargetScaling.IDENTITY, LabelMapping.of(List.of("no", "yes")));
  private static final InputSchema CSV = new InputSchema("csv", 2, List.of("x1", "x2"), true, ";", "y", "vec", "key");

  private static float[] weights(int n) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) Math.sin(i + 1) / 3;
    return w;
  }

  private Path save(String name, NetworkSpec spec, Preprocessing prep, InputSchema input, ObjectNode provenance) throws IOException {
    Path dir = tmp.resolve(name);
    new LoadedModel(spec, weights(spec.parameterCount()), prep, input, LoadedModel.metadata(spec, prep, input, provenance))
        .save(TestFiles.uri(dir), TestFiles.conf(), false);
    return dir;
  }

  private Path classifier() throws IOException {
    return save("model-" + tmp.toFile().list().length, CLASSIFIER, CLASSES, CSV, JSON.createObjectNode());
  }

  /** The classifier with its metadata.json edited behind the store's back. */
  private Path edited(Consumer<ObjectNode> edit) throws IOException {
    Path dir = classifier();
    Path meta = dir.resolve("metadata.json");
    ObjectNode m = (ObjectNode) JSON.readTree(Files.readString(meta));
    edit.accept(m);
    TestFiles.replaceContent(meta, JSON.writeValueAsBytes(m));
    return dir;
  }

  /** The refusal of the edited classifier, after "<metadata.json>: ". */
  private String refusal(Consumer<ObjectNode> edit) throws IOException {
    Path dir = edited(edit);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> LoadedModel.load(TestFiles.uri(dir), TestFiles.conf()));
    String prefix = TestFiles.hadoopName(dir.resolve("metadata.json")) + ": ";
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    return e.getMessage().substring(prefix.length());
  }

  private static ObjectNode obj(JsonNode n, String field) {
    return (ObjectNode) n.get(field);
  }

  // ---- writing and reading back

  @Test
  void aClassifierComesBackWithItsNetworkPreprocessingAndInput() throws IOException {
    ObjectNode provenance = JSON.createObjectNode().put("seed", 7).put("task", "not this").put("dataSource", "train.csv");
    Path dir = save("c", CLASSIFIER, CLASSES, CSV, provenance);
    LoadedModel m = LoadedModel.load(TestFiles.uri(dir), TestFiles.conf());
    assertEquals(CLASSIFIER, m.spec());
    assertArrayEquals(weights(17), m.weights());
    assertEquals(CLASSES, m.preprocessing());
    assertEquals(CSV, m.input());
    assertEquals(1, m.formatVersion());
    ObjectNode meta = m.metadata();
    assertEquals("classification", meta.get("task").asText(), "the loader's fields win over provenance");
    assertEquals(2, meta.get("classes").asInt());
    assertEquals(1, meta.get("targetWidth").asInt());
    assertEquals(7, meta.get("seed").asInt());
    assertEquals("train.csv", meta.get("dataSource").asText());
    assertEquals(17, meta.get("parameterCount").asInt());
    assertEquals(List.of("no", "yes"), List.of(meta.get("preprocessing").get("labels").get(0).asText(),
        meta.get("preprocessing").get("labels").get(1).asText()));
    meta.put("seed", 8);
    assertEquals(7, m.metadata().get("seed").asInt(), "metadata() is a copy");
    float[] w = m.weights();
    w[0] = 99;
    assertEquals(weights(17)[0], m.weights()[0], "weights() is a copy");
  }

  @Test
  void aRegressionModelHasNoLabelsAndMayHaveNoFeatureNames() throws IOException {
    NetworkSpec spec = new NetworkSpec(3, new int[0], Activation.RELU, 1, Activation.IDENTITY, Loss.MSE);
    Preprocessing prep = new Preprocessing(
        new FeatureScaling(FeatureScaling.Method.MINMAX, new float[] {0, -2, 1e-3f}, new float[] {1, 4, 3e7f}),
        new TargetScaling(5.5f, 0.25f), null);
    InputSchema libsvm = new InputSchema("libsvm", 3, null, false, ",", "label", "features", "id");
    LoadedModel m = LoadedModel.load(TestFiles.uri(save("r", spec, prep, libsvm, JSON.createObjectNode())), TestFiles.conf());
    assertEquals(spec, m.spec());
    assertEquals(prep, m.preprocessing());
    assertNull(m.preprocessing().labels());
    assertEquals(libsvm, m.input());
    assertNull(m.input().featureNames());
    assertFalse(m.input().header());
    assertEquals("regression", m.metadata().get("task").asText());
    assertEquals(0, m.metadata().get("classes").asInt());
    assertTrue(m.metadata().get("preprocessing").get("labels").isNull());
  }

  @Test
  void theSmallestNetworkLoads() throws IOException {
    // One input, one hidden unit: the lower bounds of every width.
    NetworkSpec spec = new NetworkSpec(1, new int[] {1}, Activation.SIGMOID, 1, Activation.SIGMOID, Loss.BCE);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 1), TargetScaling.IDENTITY,
        LabelMapping.of(List.of("a", "b")));
    InputSchema in = new InputSchema("csv", 1, List.of("f"), true, ",", "label", "features", "id");
    LoadedModel m = LoadedModel.load(TestFiles.uri(save("small", spec, prep, in, JSON.createObjectNode())), TestFiles.conf());
    assertEquals(spec, m.spec());
    assertEquals(2, m.preprocessing().labels().classes(), "one sigmoid output names two classes");
  }

  @Test
  void inputFieldsOtherThanFormatAndFeaturesHaveDefaults() throws IOException {
    Path dir = edited(m -> {
      ObjectNode in = obj(m, "input");
      in.remove(List.of("featureNames", "header", "delimiter", "labelColumn", "featuresColumn"));
      in.put("idColumn", 5); // not text: the default too
    });
    InputSchema in = LoadedModel.load(TestFiles.uri(dir), TestFiles.conf()).input();
    assertEquals(new InputSchema("csv", 2, null, false, ",", "label", "features", "id"), in);
    Path withHeader = edited(m -> obj(m, "input").put("header", "true"));
    assertTrue(LoadedModel.load(TestFiles.uri(withHeader), TestFiles.conf()).input().header());
    Path noHeader = edited(m -> obj(m, "input").put("header", false));
    assertFalse(LoadedModel.load(TestFiles.uri(noHeader), TestFiles.conf()).input().header());
    Path nullNames = edited(m -> obj(m, "input").putNull("featureNames"));
    assertNull(LoadedModel.load(TestFiles.uri(nullNames), TestFiles.conf()).input().featureNames());
  }

  @Test
  void preprocessingJsonIsTheSameInACheckpointAndAModel() throws IOException {
    ObjectNode parent = JSON.createObjectNode();
    parent.set("preprocessing", PreprocessingJson.write(CLASSES));
    assertEquals(CLASSES, PreprocessingJson.read(parent, "ckpt", 2));
    assertEquals("standard", parent.get("preprocessing").get("featureScaling").get("method").asText());
    Preprocessing regression = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.DIVIDE_BY_255, 2),
        new TargetScaling(-1f, 3f), null);
    parent.set("preprocessing", PreprocessingJson.write(regression));
    assertEquals(regression, PreprocessingJson.read(parent, "ckpt", 2));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> PreprocessingJson.read(parent, "ckpt", 3));
    assertEquals("ckpt: field preprocessing.featureScaling.shift is 'an array of 2'; expected an array of 3 numbers", e.getMessage());
  }

  // ---- refusals, field by field

  @Test
  void architectureFieldsAreNamedWhenMissingOrWrong() throws IOException {
    assertEquals("field architecture.inputs is '0'; expected a whole number >= 1", refusal(m -> obj(m, "architecture").put("inputs", 0)));
    assertEquals("field architecture.inputs is '2.5'; expected a whole number >= 1",
        refusal(m -> obj(m, "architecture").put("inputs", 2.5)));
    assertEquals("field architecture.inputs is '4294967298'; expected a whole number >= 1",
        refusal(m -> obj(m, "architecture").put("inputs", 4294967298L)));
    assertEquals("field architecture.hidden is missing; expected an array of widths", refusal(m -> obj(m, "architecture").remove("hidden")));
    assertEquals("field architecture.hidden is '3'; expected an array of widths", refusal(m -> obj(m, "architecture").put("hidden", 3)));
    assertEquals("field architecture.hidden[0] is '0'; expected a width >= 1",
        refusal(m -> obj(m, "architecture").putArray("hidden").add(0)));
    assertEquals("field architecture.hidden[1] is 'x'; expected a width >= 1",
        refusal(m -> obj(m, "architecture").putArray("hidden").add(3).add("x")));
    assertEquals("field architecture.hidden[0] is '1.5'; expected a width >= 1",
        refusal(m -> obj(m, "architecture").putArray("hidden").add(1.5)));
    assertEquals("field architecture.hidden[0] is '8589934592'; expected a width >= 1",
        refusal(m -> obj(m, "architecture").putArray("hidden").add(8589934592L)));
    assertEquals("field architecture.outputActivation is missing; expected a string",
        refusal(m -> obj(m, "architecture").remove("outputActivation")));
    assertEquals("field architecture is '[]'; expected an object", refusal(m -> m.putArray("architecture")));
    assertEquals("field architecture does not describe a network this build can run: cross_entropy needs a softmax output, got"
        + " sigmoid", refusal(m -> obj(m, "architecture").put("outputActivation", "sigmoid")));
  }

  @Test
  void preprocessingFieldsAreNamedWhenMissingOrWrong() throws IOException {
    assertEquals("field preprocessing.featureScaling is missing; expected an object",
        refusal(m -> obj(m, "preprocessing").remove("featureScaling")));
    assertEquals("field preprocessing.featureScaling.shift is '3'; expected an array of 2 numbers",
        refusal(m -> obj(obj(m, "preprocessing"), "featureScaling").put("shift", 3)));
    assertEquals("field preprocessing.featureScaling.scale is missing; expected an array of 2 numbers",
        refusal(m -> obj(obj(m, "preprocessing"), "featureScaling").remove("scale")));
    assertEquals("field preprocessing.featureScaling.shift[1] is 'x'; expected a number",
        refusal(m -> obj(obj(m, "preprocessing"), "featureScaling").putArray("shift").add(1).add("x")));
    assertEquals("field preprocessing.featureScaling.scale is unusable: feature 0 has scaling shift 0.5, scale 0.0; a finite shift"
        + " and a finite, non-zero scale are needed",
        refusal(m -> obj(obj(m, "preprocessing"), "featureScaling").putArray("scale").add(0).add(1)));
    assertEquals("field preprocessing.targetScaling.shift is 'x'; expected a number",
        refusal(m -> obj(obj(m, "preprocessing"), "targetScaling").put("shift", "x")));
    assertEquals("field preprocessing.targetScaling.scale is missing; expected a number",
        refusal(m -> obj(obj(m, "preprocessing"), "targetScaling").remove("scale")));
    assertEquals("field preprocessing.targetScaling is unusable: target scaling shift 0.0, scale 0.0: a finite shift and a finite,"
        + " non-zero scale are needed", refusal(m -> obj(obj(m, "preprocessing"), "targetScaling").put("scale", 0)));
    assertEquals("field preprocessing.labels is missing; expected an array of class names, or null for regression",
        refusal(m -> obj(m, "preprocessing").remove("labels")));
    assertEquals("field preprocessing.labels is 'ab'; expected an array of strings",
        refusal(m -> obj(m, "preprocessing").put("labels", "ab")));
    assertEquals("field preprocessing.labels[1] is '3'; expected a string",
        refusal(m -> obj(m, "preprocessing").putArray("labels").add("a").add(3)));
    assertEquals("field preprocessing.labels is unusable: class names repeat in [a, a]",
        refusal(m -> obj(m, "preprocessing").putArray("labels").add("a").add("a")));
    assertEquals("field preprocessing.labels names 1 classes but the network has 2 outputs",
        refusal(m -> obj(m, "preprocessing").putArray("labels").add("a")));
  }

  @Test
  void inputFieldsAreNamedWhenMissingOrWrong() throws IOException {
    assertEquals("field input.format is missing; expected a string", refusal(m -> obj(m, "input").remove("format")));
    assertEquals("field input.features is 3 but the network has 2 inputs", refusal(m -> obj(m, "input").put("features", 3)));
    assertEquals("field input.features is '0'; expected a whole number >= 1", refusal(m -> obj(m, "input").put("features", 0)));
    assertEquals("field input.featureNames[0] is '1'; expected a string",
        refusal(m -> obj(m, "input").putArray("featureNames").add(1).add("b")));
  }

  @Test
  void foundValuesAreShownWholeUpToSixtyCharacters() throws IOException {
    String sixty = "a".repeat(60);
    assertEquals("field input.features is '" + sixty + "'; expected a whole number >= 1",
        refusal(m -> obj(m, "input").put("features", sixty)));
    assertEquals("field input.features is '" + "b".repeat(57) + "...'; expected a whole number >= 1",
        refusal(m -> obj(m, "input").put("features", "b".repeat(61))));
  }

  @Test
  void aSingleOutputNamesTwoClassesAndNoOtherNumber() throws IOException {
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.RELU, 1, Activation.SIGMOID, Loss.BCE);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, 2), TargetScaling.IDENTITY,
        LabelMapping.of(List.of("a", "b", "c")));
    Path dir = save("three", spec, prep, CSV, JSON.createObjectNode());
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> LoadedModel.load(TestFiles.uri(dir), TestFiles.conf()));
    assertEquals(TestFiles.hadoopName(dir.resolve("metadata.json")) + ": field preprocessing.labels names 3 classes but the"
        + " network has 1 outputs", e.getMessage());
  }

  @Test
  void aModelNeedsAsManyWeightsAsItsNetwork() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LoadedModel(CLASSIFIER, new float[16], CLASSES, CSV, JSON.createObjectNode()));
    assertEquals(CLASSIFIER.describe() + " needs 17 weights, got 16", e.getMessage());
  }

  // ---- the two fields ModelStore owns

  private Path stored(String metadataJson, int weights) throws IOException {
    Path dir = tmp.resolve("stored-" + tmp.toFile().list().length);
    ModelStore.save(TestFiles.uri(dir), TestFiles.conf(), new ModelRecord("{}", new float[weights]), false);
    TestFiles.replaceContent(dir.resolve("metadata.json"), metadataJson.getBytes(StandardCharsets.UTF_8));
    return dir;
  }

  private String storeRefusal(String metadataJson) throws IOException {
    Path dir = stored(metadataJson, 3);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelStore.load(TestFiles.uri(dir), TestFiles.conf()));
    return e.getMessage().replace(TestFiles.hadoopName(dir.resolve("metadata.json")), "F")
        .replace(TestFiles.hadoopName(dir), "D");
  }

  @Test
  void theFormatVersionMustBeAnInteger() throws IOException {
    assertEquals("F has no integer formatVersion field", storeRefusal("{\"parameterCount\": 3}"));
    assertEquals("F has no integer formatVersion field (found \"1\")", storeRefusal("{\"formatVersion\": \"1\", \"parameterCount\": 3}"));
    assertEquals("F has no integer formatVersion field (found 1099511627777)",
        storeRefusal("{\"formatVersion\": 1099511627777, \"parameterCount\": 3}"));
    assertEquals("F must hold a JSON object, found ARRAY", storeRefusal("[1]"));
  }

  @Test
  void theParameterCountMustBeAnArrayLengthAndMatchTheWeights() throws IOException {
    assertEquals("F has no valid parameterCount field (found null; a whole number from 0 to 2147483639 is needed)",
        storeRefusal("{\"formatVersion\": 1}"));
    assertEquals("F has no valid parameterCount field (found -1; a whole number from 0 to 2147483639 is needed)",
        storeRefusal("{\"formatVersion\": 1, \"parameterCount\": -1}"));
    assertEquals("F has no valid parameterCount field (found 2147483640; a whole number from 0 to 2147483639 is needed)",
        storeRefusal("{\"formatVersion\": 1, \"parameterCount\": 2147483640}"));
    assertEquals("parameter count mismatch in D: metadata.json declares 2147483639 parameters but weights.bin holds 3 weights",
        storeRefusal("{\"formatVersion\": 1, \"parameterCount\": 2147483639}"));
    Path empty = stored("{\"formatVersion\": 1, \"parameterCount\": 0}", 0);
    assertEquals(0, ModelStore.load(TestFiles.uri(empty), TestFiles.conf()).parameterCount());
  }

  @Test
  void callerMetadataMayRepeatTheStoresFieldsOnlyIfTheyAgree() throws IOException {
    ObjectNode agreeing = JSON.createObjectNode().put("formatVersion", 1).put("parameterCount", 2).put("tag", "x");
    Path dir = tmp.resolve("agree");
    ModelStore.save(TestFiles.uri(dir), TestFiles.conf(), new ModelRecord(agreeing, new float[2]), false);
    String text = Files.readString(dir.resolve("metadata.json"));
    assertTrue(text.startsWith("{\n  \"formatVersion\" : 1,\n  \"parameterCount\" : 2,\n  \"tag\" : \"x\"\n}"), text);
    ObjectNode version = JSON.createObjectNode().put("formatVersion", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelStore.save(TestFiles.uri(tmp.resolve("v2")), TestFiles.conf(), new ModelRecord(version, new float[2]), false));
    assertEquals("metadata field formatVersion is 2 but ModelStore writes 1 there; leave it out or make it agree", e.getMessage());
    ObjectNode text1 = JSON.createObjectNode().put("formatVersion", "1");
    assertThrows(IllegalArgumentException.class,
        () -> ModelStore.save(TestFiles.uri(tmp.resolve("v3")), TestFiles.conf(), new ModelRecord(text1, new float[2]), false));
    assertFalse(Files.exists(tmp.resolve("v2")));
  }

  @Test
  void metadataTextMustBeOneJsonObject() {
    assertEquals("metadataJson is not valid JSON: empty JSON text",
        assertThrows(IllegalArgumentException.class, () -> new ModelRecord("  ", new float[1])).getMessage());
    String bad = assertThrows(IllegalArgumentException.class, () -> new ModelRecord("{\n  \"a\": ,\n}", new float[1])).getMessage();
    assertTrue(bad.startsWith("metadataJson is not valid JSON: Unexpected character (','"), bad);
    assertTrue(bad.endsWith(" at line 2, column 8"), "Jackson's place, without its source excerpt: " + bad);
    assertFalse(bad.contains("\n"), bad);
    assertEquals("metadataJson must be a JSON object, got ARRAY",
        assertThrows(IllegalArgumentException.class, () -> new ModelRecord("[]", new float[1])).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ModelRecord("{} {}", new float[1]), "trailing tokens");
    assertThrows(IllegalArgumentException.class, () -> new ModelRecord("{\"a\": 1, \"a\": 2}", new float[1]), "duplicate keys");
  }

  @Test
  void metadataAboveTheSizeLimitIsRefusedBeforeItIsRead() throws IOException {
    Path atLimit = stored("{}", 3);
    sparse(atLimit.resolve("metadata.json"), 64L << 20);
    CorruptFileException read = assertThrows(CorruptFileException.class,
        () -> ModelStore.load(TestFiles.uri(atLimit), TestFiles.conf()));
    assertTrue(read.getMessage().startsWith(TestFiles.hadoopName(atLimit.resolve("metadata.json")) + " is not valid JSON: "),
        "64 MiB of zero bytes are read, and are not JSON: " + read.getMessage());
    Path above = stored("{}", 3);
    sparse(above.resolve("metadata.json"), (64L << 20) + 1);
    CorruptFileException refused = assertThrows(CorruptFileException.class,
        () -> ModelStore.load(TestFiles.uri(above), TestFiles.conf()));
    assertEquals(TestFiles.hadoopName(above.resolve("metadata.json")) + " is 67108865 bytes, above the 67108864-byte limit for"
        + " model metadata", refused.getMessage());
  }

  /** Replaces {@code file} by a sparse file of zeros of the given length (no disk blocks, no .crc side file). */
  private static void sparse(Path file, long length) throws IOException {
    TestFiles.replaceContent(file, new byte[0]);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }
}
