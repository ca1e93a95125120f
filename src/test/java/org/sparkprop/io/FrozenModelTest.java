package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.Predictions;

/**
 * A model saved in format version 1 and frozen in the test resources (trained by
 * {@code train --config conf/moons-csv.conf --set model.hidden=4 --set train.epochs=2}), with the
 * predictions the predict command recorded for 20 rows. Later versions must keep loading it and
 * reproduce them; and damage to its metadata must be named.
 */
class FrozenModelTest {
  @TempDir
  Path tmp;

  static Path resource(String name) {
    try {
      return Path.of(FrozenModelTest.class.getResource("/models/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void versionOneModelLoadsAndReproducesItsRecordedPredictions() throws IOException {
    LoadedModel model = LoadedModel.load(resource("v1-moons").toUri().toString(), TestFiles.conf());
    assertEquals(1, model.formatVersion());
    NetworkSpec spec = model.spec();
    assertEquals("2-4-2 (tanh hidden, softmax output, cross_entropy loss, 22 parameters)", spec.describe());
    assertEquals(List.of("lower", "upper"), model.preprocessing().labels().names());
    assertEquals(FeatureScaling.Method.STANDARD, model.preprocessing().features().method());
    assertEquals(List.of("x1", "x2"), model.input().featureNames());
    assertEquals("csv", model.input().format());

    List<String> inputs = Files.readAllLines(resource("v1-moons-inputs.csv"));
    List<String> recorded = Files.readAllLines(resource("v1-moons-predictions.csv"));
    assertEquals("id,x1,x2", inputs.get(0));
    assertEquals("id,row,prediction,probability_lower,probability_upper", recorded.get(0));
    int n = inputs.size() - 1;
    float[] x = new float[n * 2]; // (rows, features)
    for (int r = 0; r < n; r++) {
      String[] f = inputs.get(r + 1).split(",");
      x[r * 2] = Float.parseFloat(f[1]);
      x[r * 2 + 1] = Float.parseFloat(f[2]);
    }
    model.preprocessing().features().apply(x, 0, n);
    Predictions p = new Predictions(new DenseNetwork(spec, Kernels.gemm()), model.weights(), model.preprocessing(),
        new Workspace(spec, 1, n));
    p.run(x, n);
    for (int r = 0; r < n; r++) {
      String[] expected = recorded.get(r + 1).split(",");
      assertEquals(inputs.get(r + 1).split(",")[0], expected[0]);
      assertEquals(expected[2], model.preprocessing().labels().name(p.predictedClass(r)), "row " + r);
      // The recording ran on whichever GEMM path the JVM had (OpenBLAS or pure Java); the two sum
      // in different orders, so float32 probabilities may differ in the last bits, not more.
      assertEquals(Double.parseDouble(expected[3]), p.probability(r, 0), 1e-6, "row " + r);
      assertEquals(Double.parseDouble(expected[4]), p.probability(r, 1), 1e-6, "row " + r);
    }
  }

  /** A copy of the frozen model with its metadata edited. */
  private String damaged(java.util.function.Consumer<ObjectNode> edit) throws IOException {
    Path dir = tmp.resolve("model-" + System.nanoTime());
    Files.createDirectories(dir);
    Files.copy(resource("v1-moons/weights.bin"), dir.resolve("weights.bin"));
    ObjectNode meta = (ObjectNode) Json.parse(Files.readString(resource("v1-moons/metadata.json")));
    edit.accept(meta);
    Files.writeString(dir.resolve("metadata.json"), Json.MAPPER.writeValueAsString(meta));
    return dir.toUri().toString();
  }

  private String loadFailure(java.util.function.Consumer<ObjectNode> edit) throws IOException {
    String uri = damaged(edit);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> LoadedModel.load(uri, TestFiles.conf()));
    assertTrue(e.getMessage().contains("metadata.json"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void missingOrWrongMetadataFieldsAreNamed() throws IOException {
    assertTrue(loadFailure(m -> ((ObjectNode) m.get("architecture")).remove("inputs"))
        .endsWith(": field architecture.inputs is missing; expected a whole number >= 1"));
    assertTrue(loadFailure(m -> m.remove("preprocessing")).endsWith(": field preprocessing is missing; expected an object"));
    assertTrue(loadFailure(m -> ((ObjectNode) m.get("preprocessing").get("featureScaling")).putArray("shift").add(1))
        .endsWith(": field preprocessing.featureScaling.shift is 'an array of 1'; expected an array of 2 numbers"));
    assertTrue(loadFailure(m -> ((ObjectNode) m.get("preprocessing")).putArray("labels").add("a").add("b").add("c"))
        .endsWith(": field preprocessing.labels names 3 classes but the network has 2 outputs"));
    assertTrue(loadFailure(m -> ((ObjectNode) m.get("architecture")).put("hiddenActivation", "swish"))
        .contains(": field architecture does not describe a network this build can run: unknown activation 'swish'"));
    assertTrue(loadFailure(m -> ((ObjectNode) m.get("architecture")).putArray("hidden").add(5))
        .contains("needs 27 parameters but the model holds 22"));
    assertTrue(loadFailure(m -> m.remove("input")).endsWith(": field input is missing; expected an object"));
    assertTrue(loadFailure(m -> ((ObjectNode) m.get("preprocessing").get("featureScaling")).put("method", "zscore"))
        .contains("preprocessing.featureScaling.method is unknown"));
  }

  @Test
  void unknownFormatVersionIsRefusedWithTheVersionsNamed() throws IOException {
    String uri = damaged(m -> m.put("formatVersion", 2));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> LoadedModel.load(uri, TestFiles.conf()));
    assertInstanceOf(UnsupportedVersionException.class, e);
    assertTrue(e.getMessage().contains("has model format version 2; this build reads version 1"), e.getMessage());
  }

  @Test
  void floatsInTheMetadataSurviveBitForBit() throws IOException {
    LoadedModel model = LoadedModel.load(resource("v1-moons").toUri().toString(), TestFiles.conf());
    Path dir = tmp.resolve("resaved");
    model.save(dir.toUri().toString(), TestFiles.conf(), false);
    LoadedModel again = LoadedModel.load(dir.toUri().toString(), TestFiles.conf());
    assertEquals(model.preprocessing(), again.preprocessing());
    assertArrayEquals(model.weights(), again.weights());
  }
}
