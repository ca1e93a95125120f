package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFileTest {
  @TempDir Path tmp;

  static float[] awkwardFloats() {
    int[] bits = {
      0x7fc00000, 0x7fc00001, 0xffc12345, 0x7f800001, // NaNs: quiet, payloads, signalling
      0x80000000, 0x00000000, 0x7f800000, 0xff800000, // -0, +0, +inf, -inf
      0x00000001, 0x007fffff, 0x7f7fffff, 0x3f800000  // subnormals, max, 1
    };
    float[] f = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      f[i] = Float.intBitsToFloat(bits[i]);
    }
    return f;
  }

  static void assertBitIdentical(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
          "bits of element " + i);
    }
  }

  private TensorFile writeAndRead(TensorFile f, String name) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(TestFiles.uri(tmp.resolve(name)));
    FileSystem fs = p.getFileSystem(TestFiles.conf());
    try (OutputStream out = fs.create(p, false)) {
      f.writeTo(out);
    }
    return TensorFile.read(fs, p);
  }

  @Test
  void roundTripIsBitIdentical() throws IOException {
    float[] awkward = awkwardFloats();
    // Longer than the 64 KiB chunk, and not a multiple of it, to cross chunk boundaries.
    float[] big = new float[100_003];
    Random r = new Random(7);
    for (int i = 0; i < big.length; i++) {
      big[i] = Float.intBitsToFloat(r.nextInt());
    }
    String unicode = "{\"labels\":[\"chat\",\"Hund\",\"猫\",\"🐕\"],\"note\":\"a\\nb\"}";
    TensorFile written = TensorFile.builder()
        .putFloats("awkward", awkward)
        .putFloats("big", big)
        .putFloats("empty", new float[0])
        .putLong("min", Long.MIN_VALUE)
        .putLong("max", Long.MAX_VALUE)
        .putLong("minus one", -1)
        .putString("json", unicode)
        .putString("blank", "")
        .putFloats("名前", new float[] {1.5f})
        .build();

    TensorFile read = writeAndRead(written, "t.bin");

    assertEquals(List.copyOf(written.names()), List.copyOf(read.names()), "names, in order");
    assertBitIdentical(awkward, read.floats("awkward"));
    assertBitIdentical(big, read.floats("big"));
    assertEquals(0, read.floats("empty").length);
    assertEquals(Long.MIN_VALUE, read.longValue("min"));
    assertEquals(Long.MAX_VALUE, read.longValue("max"));
    assertEquals(-1, read.longValue("minus one"));
    assertEquals(unicode, read.string("json"));
    assertEquals("", read.string("blank"));
    assertBitIdentical(new float[] {1.5f}, read.floats("名前"));
  }

  @Test
  void emptyContainerRoundTrips() throws IOException {
    assertTrue(writeAndRead(TensorFile.builder().build(), "e.bin").names().isEmpty());
  }

  @Test
  void writerProducesTheDocumentedLayout() throws IOException {
    TensorFile f = TensorFile.builder()
        .putFloats("w", new float[] {1f, -2.5f, Float.NaN})
        .putLong("round", 42)
        .putString("s", "é")
        .build();
    byte[] expected = new RawTensorBytes()
        .floats("w", 1f, -2.5f, Float.NaN)
        .int64("round", 42)
        .string("s", "é")
        .build();
    assertArrayEquals(expected, TestFiles.bytesOf(f));
  }

  @Test
  void valuesAreCopiedInAndOut() throws IOException {
    float[] w = {1f, 2f};
    TensorFile f = TensorFile.builder().putFloats("w", w).build();
    w[0] = 99f;
    f.floats("w")[1] = 99f;
    assertArrayEquals(new float[] {1f, 2f}, f.floats("w"));
  }

  @Test
  void missingOrMistypedEntryIsNamed() {
    TensorFile f = TensorFile.builder().putLong("round", 1).build();
    CorruptFileException missing = assertThrows(CorruptFileException.class, () -> f.floats("weights"));
    assertTrue(missing.getMessage().contains("no entry 'weights' (float32 array)"), missing.getMessage());
    CorruptFileException mistyped = assertThrows(CorruptFileException.class, () -> f.floats("round"));
    assertTrue(mistyped.getMessage().contains("'round' is a int64 scalar, expected a float32 array"),
        mistyped.getMessage());
  }

  @Test
  void builderRejectsBadNames() {
    TensorFile.Builder b = TensorFile.builder().putLong("a", 1);
    assertThrows(IllegalArgumentException.class, () -> b.putLong("a", 2));
    assertThrows(IllegalArgumentException.class, () -> b.putLong("", 2));
    assertThrows(IllegalArgumentException.class, () -> b.putLong("x".repeat(1025), 2));
    assertThrows(IllegalArgumentException.class, () -> b.putLong("\ud800", 2));
    assertThrows(IllegalArgumentException.class, () -> b.putString("s", "bad \udc00 surrogate"));
    b.putLong("x".repeat(1024), 2);
  }

  @Test
  void readingAMissingFileNamesIt() throws IOException {
    Path missing = tmp.resolve("nope.bin");
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(TestFiles.uri(missing));
    IOException e = assertThrows(IOException.class,
        () -> TensorFile.read(p.getFileSystem(TestFiles.conf()), p));
    assertTrue(e.getMessage().contains("nope.bin"), e.getMessage());
    assertTrue(Files.notExists(missing));
  }
}
