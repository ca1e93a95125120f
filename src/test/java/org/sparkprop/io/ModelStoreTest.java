package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("models").resolve("mnist");
  }

  private String uri() {
    return TestFiles.uri(dir());
  }

  private static ObjectNode metadata(String tag) {
    ObjectNode m = JSON.createObjectNode();
    ObjectNode arch = m.putObject("architecture");
    arch.putArray("layers").add(784).add(128).add(10);
    arch.putArray("activations").add("relu").add("softmax");
    m.put("loss", "cross-entropy");
    m.putObject("preprocessing").put("mean", 0.1307).put("std", 0.3081);
    m.putArray("labels").add("zero").add("一").add("🐕");
    m.put("seed", 42).put("tag", tag).put("lr", 1.0e-3).put("tiny", new BigDecimal("1E-400"))
        .put("exact", new BigDecimal("0.10"));
    return m;
  }

  private static float[] weights(int n, float scale) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = scale * (float) Math.cos(i);
    }
    return w;
  }

  private List<String> siblings() throws IOException {
    try (Stream<Path> s = Files.list(dir().getParent())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
    }
  }

  @Test
  void roundTrip() throws IOException {
    float[] w = TensorFileTest.awkwardFloats();
    ObjectNode meta = metadata("first");
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(meta, w), false);

    ModelRecord loaded = ModelStore.load(uri(), TestFiles.conf());
    assertEquals(1, loaded.formatVersion());
    TensorFileTest.assertBitIdentical(w, loaded.weights());
    ObjectNode read = loaded.metadata();
    assertEquals(1, read.get("formatVersion").intValue());
    assertEquals(w.length, read.get("parameterCount").longValue());
    meta.fieldNames().forEachRemaining(f ->
        assertEquals(0, meta.get(f).toString().compareTo(read.get(f).toString()), f));

    String text = Files.readString(dir().resolve("metadata.json"));
    assertEquals(text, loaded.metadataJson());
    assertTrue(text.startsWith("{\n  \"formatVersion\" : 1,\n  \"parameterCount\" : 12,\n"),
        "human-readable, our fields first: " + text);
    assertTrue(text.contains("\"exact\" : 0.10") && text.contains("1E-400"), "numbers kept as written: " + text);
    assertEquals(List.of("mnist"), siblings());
  }

  @Test
  void roundTripFromJsonText() throws IOException {
    String meta = "{\"architecture\":{\"type\":\"mlp\"},\"parameterCount\":3}";
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(meta, new float[] {1f, 2f, 3f}), false);
    ModelRecord loaded = ModelStore.load(uri(), TestFiles.conf());
    assertEquals("mlp", loaded.metadata().path("architecture").path("type").asText());
    // A loaded model's metadata can be saved again as it is.
    ModelStore.save(TestFiles.uri(tmp.resolve("copy")), TestFiles.conf(),
        new ModelRecord(loaded.metadataJson(), loaded.weights()), false);
    assertEquals(loaded.metadataJson(),
        ModelStore.load(TestFiles.uri(tmp.resolve("copy")), TestFiles.conf()).metadataJson());
  }

  @Test
  void refusesToOverwriteUnlessAsked() throws IOException {
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("first"), weights(10, 1f)), false);
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () ->
        ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("second"), weights(5, 2f)), false));
    assertTrue(e.getMessage().contains(TestFiles.hadoopName(dir()) + " already exists"), e.getMessage());
    assertEquals("first", ModelStore.load(uri(), TestFiles.conf()).metadata().get("tag").asText());
    assertEquals(List.of("mnist"), siblings());
  }

  @Test
  void overwriteReplacesTheWholeModel() throws IOException {
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("first"), weights(10, 1f)), false);
    Files.writeString(dir().resolve("stray.txt"), "from the old model");
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("second"), weights(5, 2f)), true);

    ModelRecord loaded = ModelStore.load(uri(), TestFiles.conf());
    assertEquals("second", loaded.metadata().get("tag").asText());
    TensorFileTest.assertBitIdentical(weights(5, 2f), loaded.weights());
    assertTrue(Files.notExists(dir().resolve("stray.txt")), "replaced, not merged");
    assertEquals(List.of("mnist"), siblings(), "no temporary or old directory left behind");
  }

  @Test
  void interruptedOverwriteLeavesTheOldModel() throws IOException {
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("first"), weights(10, 1f)), false);
    ModelRecord second = new ModelRecord(metadata("second"), weights(1000, 2f));

    IOException e = assertThrows(IOException.class, () ->
        ModelStore.save(uri(), TestFiles.conf(), second, true, WriteFault.ioErrorAfter(100)));
    assertEquals("injected fault after 100 bytes", e.getMessage());
    assertEquals(List.of("mnist"), siblings(), "the failed save cleaned up after itself");
    assertEquals("first", ModelStore.load(uri(), TestFiles.conf()).metadata().get("tag").asText());

    assertThrows(WriteFault.SimulatedCrash.class, () ->
        ModelStore.save(uri(), TestFiles.conf(), second, true, WriteFault.crashAfter(2000)));
    assertEquals("first", ModelStore.load(uri(), TestFiles.conf()).metadata().get("tag").asText());
    assertTrue(siblings().stream().anyMatch(n -> n.startsWith(".mnist._tmp-")),
        "a crash leaves a hidden temporary directory: " + siblings());
  }

  @Test
  void overwriteNeverDeletesSomethingElse() throws IOException {
    Files.createDirectories(dir());
    Files.writeString(dir().resolve("thesis.tex"), "years of work");
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () ->
        ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("x"), weights(3, 1f)), true));
    assertTrue(e.getMessage().contains("is not a saved model"), e.getMessage());
    assertTrue(Files.exists(dir().resolve("thesis.tex")));

    Path file = tmp.resolve("models").resolve("plain-file");
    Files.writeString(file, "data");
    assertThrows(FileAlreadyExistsException.class, () -> ModelStore.save(TestFiles.uri(file),
        TestFiles.conf(), new ModelRecord(metadata("x"), weights(3, 1f)), true));
    assertEquals("data", Files.readString(file));
  }

  @Test
  void parameterCountMismatch() throws IOException {
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("x"), weights(10, 1f)), false);
    Path meta = dir().resolve("metadata.json");
    TestFiles.replaceContent(meta, Files.readString(meta)
        .replace("\"parameterCount\" : 10", "\"parameterCount\" : 11").getBytes());

    CorruptFileException e = assertThrows(CorruptFileException.class,
        () -> ModelStore.load(uri(), TestFiles.conf()));
    assertEquals("parameter count mismatch in " + TestFiles.hadoopName(dir())
        + ": metadata.json declares 11 parameters but weights.bin holds 10 weights", e.getMessage());
  }

  @Test
  void callerMetadataMustAgreeWithTheWeights() {
    ObjectNode meta = metadata("x").put("parameterCount", 99);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(meta, weights(10, 1f)), false));
    assertTrue(e.getMessage().contains("parameterCount is 99 but ModelStore writes 10"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ModelRecord("[1, 2]", new float[1]));
    assertThrows(IllegalArgumentException.class, () -> new ModelRecord("{\"a\":1,\"a\":2}", new float[1]));
    assertTrue(Files.notExists(dir()));
  }

  @Test
  void damagedOrForeignMetadataIsNamed() throws IOException {
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("x"), weights(4, 1f)), false);
    Path meta = dir().resolve("metadata.json");
    String name = TestFiles.hadoopName(meta);
    String good = Files.readString(meta);

    TestFiles.replaceContent(meta, good.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2").getBytes());
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelStore.load(uri(), TestFiles.conf()));
    assertInstanceOf(UnsupportedVersionException.class, e);
    assertTrue(e.getMessage().contains(name + " has model format version 2; this build reads version 1"),
        e.getMessage());

    TestFiles.replaceContent(meta, good.substring(0, good.length() / 2).getBytes());
    e = assertThrows(CorruptFileException.class, () -> ModelStore.load(uri(), TestFiles.conf()));
    assertTrue(e.getMessage().startsWith(name + " is not valid JSON"), e.getMessage());

    TestFiles.replaceContent(meta, "{\"formatVersion\":1,\"parameterCount\":-4}".getBytes());
    e = assertThrows(CorruptFileException.class, () -> ModelStore.load(uri(), TestFiles.conf()));
    assertTrue(e.getMessage().contains("no valid parameterCount"), e.getMessage());

    TestFiles.replaceContent(meta, new byte[] {'{', (byte) 0xFF, '}'});
    e = assertThrows(CorruptFileException.class, () -> ModelStore.load(uri(), TestFiles.conf()));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
  }

  @Test
  void damagedWeightsAreNamed() throws IOException {
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("x"), weights(64, 1f)), false);
    Path w = dir().resolve("weights.bin");
    TestFiles.flipBit(w, 8 * (Files.size(w) - 20));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelStore.load(uri(), TestFiles.conf()));
    assertTrue(e.getMessage().startsWith("checksum mismatch in " + TestFiles.hadoopName(w)), e.getMessage());
  }

  @Test
  void metadataDamageCaughtByHadoopsOwnChecksumIsNamed() throws IOException {
    ModelStore.save(uri(), TestFiles.conf(), new ModelRecord(metadata("x"), weights(4, 1f)), false);
    Path meta = dir().resolve("metadata.json");
    Files.writeString(meta, Files.readString(meta).replace("cross-entropy", "cross-entropz"));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelStore.load(uri(), TestFiles.conf()));
    assertTrue(e.getMessage().startsWith("checksum mismatch in " + TestFiles.hadoopName(meta)), e.getMessage());
  }

  @Test
  void missingModelIsNamed() {
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> ModelStore.load(uri(), TestFiles.conf()));
    assertTrue(e.getMessage().contains("no saved model at " + TestFiles.hadoopName(dir())), e.getMessage());
  }

  @Test
  void metadataAccessorReturnsAFreshCopy() {
    ModelRecord m = new ModelRecord(metadata("x"), weights(2, 1f));
    m.metadata().put("tag", "changed");
    JsonNode tag = m.metadata().get("tag");
    assertEquals("x", tag.asText());
  }
}
