package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** IDX headers: what a valid one declares, how each damage is named, and how records are read. */
class IdxHeaderTest {

  /** Magic 00 00 type ndims, then each dimension big-endian, then {@code payload}. */
  private static byte[] idx(int type, int[] dims, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
    for (int d : dims) out.writeInt(d);
    out.write(payload);
    return bytes.toByteArray();
  }

  private static IdxHeader read(byte[] bytes) throws IOException {
    return IdxHeader.read(new ByteArrayInputStream(bytes), "train-images.idx");
  }

  private static String refused(byte[] bytes) {
    return assertThrows(DataException.class, () -> read(bytes)).getMessage();
  }

  @Test
  void anImagesHeaderDeclaresRecordsOfAShape() throws IOException {
    IdxHeader h = read(idx(0x08, new int[] {60000, 28, 28}, new byte[0]));
    assertEquals(IdxHeader.Type.UBYTE, h.type());
    assertEquals(60000, h.records());
    assertEquals(3, h.dimensions());
    assertEquals(784, h.valuesPerRecord());
    assertEquals(16, h.headerBytes());
    assertEquals(784, h.recordBytes());
    assertEquals(16 + 60000L * 784, h.expectedLength());
    assertEquals("60000 x 28 x 28 ubyte values", h.describe());
  }

  @Test
  void aLabelsHeaderHasOneValuePerRecord() throws IOException {
    IdxHeader h = read(idx(0x08, new int[] {5}, new byte[0]));
    assertEquals(5, h.records());
    assertEquals(1, h.valuesPerRecord());
    assertEquals(8, h.headerBytes());
    assertEquals(13, h.expectedLength());
    assertEquals("5 ubyte values", h.describe());
  }

  @Test
  void eachTypeHasItsCodeAndWidth() throws IOException {
    int[][] codeAndBytes = {{0x08, 1}, {0x09, 1}, {0x0B, 2}, {0x0C, 4}, {0x0D, 4}, {0x0E, 8}};
    IdxHeader.Type[] types = {IdxHeader.Type.UBYTE, IdxHeader.Type.BYTE, IdxHeader.Type.SHORT, IdxHeader.Type.INT,
        IdxHeader.Type.FLOAT, IdxHeader.Type.DOUBLE};
    for (int t = 0; t < types.length; t++) {
      IdxHeader h = read(idx(codeAndBytes[t][0], new int[] {2, 3}, new byte[0]));
      assertEquals(types[t], h.type());
      assertEquals(3L * codeAndBytes[t][1], h.recordBytes(), types[t].name());
      assertEquals(12 + 2 * 3L * codeAndBytes[t][1], h.expectedLength());
    }
    assertEquals("2 x 3 double values", read(idx(0x0E, new int[] {2, 3}, new byte[0])).describe());
  }

  @Test
  void recordsAreReadAsFloatsOneAfterAnother() throws IOException {
    assertRecords(0x08, new byte[] {0, 1, (byte) 255, (byte) 128}, new float[] {0, 1}, new float[] {255, 128});
    assertRecords(0x09, new byte[] {0, 1, (byte) 255, (byte) 128}, new float[] {0, 1}, new float[] {-1, -128});
    ByteArrayOutputStream shorts = new ByteArrayOutputStream();
    DataOutputStream s = new DataOutputStream(shorts);
    for (int v : new int[] {-2, 300, 32767, -32768}) s.writeShort(v);
    assertRecords(0x0B, shorts.toByteArray(), new float[] {-2, 300}, new float[] {32767, -32768});
    ByteArrayOutputStream ints = new ByteArrayOutputStream();
    DataOutputStream i = new DataOutputStream(ints);
    for (int v : new int[] {70000, -1, 16777216, 3}) i.writeInt(v);
    assertRecords(0x0C, ints.toByteArray(), new float[] {70000, -1}, new float[] {16777216, 3});
    ByteArrayOutputStream floats = new ByteArrayOutputStream();
    DataOutputStream f = new DataOutputStream(floats);
    for (float v : new float[] {1.5f, -0.25f, 3e38f, 0.1f}) f.writeFloat(v);
    assertRecords(0x0D, floats.toByteArray(), new float[] {1.5f, -0.25f}, new float[] {3e38f, 0.1f});
    ByteArrayOutputStream doubles = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(doubles);
    for (double v : new double[] {0.1, -2, 1e300, 7}) d.writeDouble(v);
    assertRecords(0x0E, doubles.toByteArray(), new float[] {0.1f, -2}, new float[] {Float.POSITIVE_INFINITY, 7});
  }

  /** Two records of two values each, read after the header. */
  private static void assertRecords(int type, byte[] payload, float[] first, float[] second) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(idx(type, new int[] {2, 2}, payload)));
    IdxHeader h = IdxHeader.read(in, "f");
    byte[] scratch = new byte[(int) h.recordBytes()];
    float[] out = new float[3];
    out[2] = 42;
    h.readRecord(in, out, scratch);
    assertArrayEquals(new float[] {first[0], first[1], 42}, out, "type " + type);
    h.readRecord(in, out, scratch);
    assertArrayEquals(new float[] {second[0], second[1], 42}, out, "type " + type);
    assertEquals(-1, in.read(), "both records consumed, nothing more");
  }

  @Test
  void damagedHeadersAreRefusedWithWhatIsWrong() throws IOException {
    assertEquals("train-images.idx is not an IDX file: it holds fewer than 4 bytes", refused(new byte[] {0, 0, 8}));
    assertEquals("train-images.idx is not an IDX file: it starts with bytes 1f 8b, expected 00 00 (is it compressed with"
        + " something other than gzip, or another format?)", refused(new byte[] {0x1f, (byte) 0x8b, 8, 1}));
    assertEquals("train-images.idx is not an IDX file: it starts with bytes 00 01, expected 00 00 (is it compressed with"
        + " something other than gzip, or another format?)", refused(new byte[] {0, 1, 8, 1}));
    assertEquals("train-images.idx is not an IDX file: it starts with bytes 01 00, expected 00 00 (is it compressed with"
        + " something other than gzip, or another format?)", refused(new byte[] {1, 0, 8, 1}));
    assertEquals("train-images.idx has IDX type code 0x0a; expected one of 0x08 (unsigned byte), 0x09, 0x0B, 0x0C, 0x0D, 0x0E",
        refused(new byte[] {0, 0, 0x0A, 1}));
    assertEquals("train-images.idx has IDX type code 0xff; expected one of 0x08 (unsigned byte), 0x09, 0x0B, 0x0C, 0x0D, 0x0E",
        refused(new byte[] {0, 0, (byte) 0xff, 1}));
    assertEquals("train-images.idx declares 0 dimensions; an IDX file needs at least 1", refused(new byte[] {0, 0, 8, 0}));
    byte[] cut = idx(0x08, new int[] {10, 28, 28}, new byte[0]);
    assertEquals("train-images.idx ends inside its header (dimension 3 of 3)", refused(java.util.Arrays.copyOf(cut, cut.length - 1)));
    assertEquals("train-images.idx ends inside its header (dimension 1 of 3)", refused(java.util.Arrays.copyOf(cut, 4)));
    assertEquals("train-images.idx declares dimension 2 as -1; sizes cannot be negative",
        refused(idx(0x08, new int[] {10, -1, 28}, new byte[0])));
    assertEquals("train-images.idx declares dimension 1 as -5; sizes cannot be negative",
        refused(idx(0x08, new int[] {-5}, new byte[0])));
  }

  @Test
  void recordsOfMoreThanTwoToThe26ValuesAreADamagedHeader() throws IOException {
    IdxHeader atLimit = read(idx(0x08, new int[] {1, 8192, 8192}, new byte[0]));
    assertEquals(1 << 26, atLimit.valuesPerRecord());
    assertEquals("train-images.idx declares records of shape [8192, 8193], more than 67108864 values each: the header is damaged",
        refused(idx(0x08, new int[] {1, 8192, 8193}, new byte[0])));
    // Checked as each dimension is read: a huge second dimension is refused before the third is believed.
    assertEquals("train-images.idx declares records of shape [134217728], more than 67108864 values each: the header is damaged",
        refused(idx(0x08, new int[] {1, 1 << 27, 1}, new byte[0])));
    assertEquals("train-images.idx declares records of shape [65536, 65536], more than 67108864 values each: the header is damaged",
        refused(idx(0x08, new int[] {1, 65536, 65536, 65536}, new byte[0])));
    IdxHeader manyRecords = read(idx(0x08, new int[] {Integer.MAX_VALUE, 2}, new byte[0]));
    assertEquals(12 + 2L * Integer.MAX_VALUE, manyRecords.expectedLength(), "the record count is not bounded, only checked against the length");
  }
}
