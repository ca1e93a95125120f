package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of damaged files, each made by the test from a good one, each of which must be
 * refused with its own clear message, quickly and without running out of memory.
 */
class TensorFileCorruptionTest {
  @TempDir Path tmp;

  private FileSystem fs;
  private byte[] good;
  private int tableBytes;
  private int counter;

  @BeforeEach
  void writeGoodFile() throws IOException {
    TensorFile f = TensorFile.builder()
        .putFloats("weights", new float[] {0.5f, -1f, 2f, 3.25f, 4f, 5f, 6f, 7f})
        .putLong("round", 12)
        .putString("note", "hello")
        .build();
    good = TestFiles.bytesOf(f);
    tableBytes = ByteBuffer.wrap(good, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    fs = new org.apache.hadoop.fs.Path(TestFiles.uri(tmp)).getFileSystem(TestFiles.conf());
    // Warm the file system and the reader up so the one-second limits below time the reader.
    assertEquals(3, read(write(good)).names().size());
  }

  private int tableStart() {
    return 16;
  }

  private int tableCrcAt() {
    return 16 + tableBytes;
  }

  private int dataStart() {
    return 20 + tableBytes;
  }

  private Path write(byte[] content) throws IOException {
    Path p = tmp.resolve("case-" + (counter++) + ".bin");
    Files.write(p, content);
    return p;
  }

  private TensorFile read(Path p) throws IOException {
    return TensorFile.read(fs, new org.apache.hadoop.fs.Path(TestFiles.uri(p)));
  }

  /** Expects a CorruptFileException naming the file and containing every fragment, in under 1 s. */
  private CorruptFileException assertRejected(byte[] content, String... fragments) throws IOException {
    Path p = write(content);
    CorruptFileException e = assertTimeoutPreemptively(Duration.ofSeconds(1),
        () -> assertThrows(CorruptFileException.class, () -> read(p)));
    String m = e.getMessage();
    assertTrue(m.contains(TestFiles.hadoopName(p)), "message names the file: " + m);
    for (String fragment : fragments) {
      assertTrue(m.contains(fragment), "expected '" + fragment + "' in: " + m);
    }
    return e;
  }

  private String checksumMessage(int caseNumber) {
    return "checksum mismatch in " + TestFiles.hadoopName(tmp.resolve("case-" + caseNumber + ".bin"))
        + ": the file is damaged";
  }

  private static byte[] flip(byte[] b, int byteIndex, int bit) {
    byte[] c = b.clone();
    c[byteIndex] ^= (byte) (1 << bit);
    return c;
  }

  @Test
  void emptyFile() throws IOException {
    assertRejected(new byte[0], "is empty (0 bytes)");
  }

  @Test
  void truncatedAtSeveralPoints() throws IOException {
    int[] cuts = {
      1, 7, 8, 11, 12, 15, 16, tableStart() + 10, tableCrcAt(), tableCrcAt() + 3, dataStart(),
      dataStart() + 13, good.length - 5, good.length - 4, good.length - 1
    };
    for (int cut : cuts) {
      assertRejected(Arrays.copyOf(good, cut), "truncated");
    }
  }

  @Test
  void flippedBitInEntryTable() throws IOException {
    int nameAt = tableStart() + 4 + 4; // first byte of "weights"
    assertRejected(flip(good, nameAt, 0), checksumMessage(counter), "entry table");
    int countAt = nameAt + "weights".length() + 1; // its element count
    assertRejected(flip(good, countAt + 3, 7), checksumMessage(counter), "entry table");
  }

  @Test
  void flippedBitInData() throws IOException {
    assertRejected(flip(good, dataStart() + 5, 3), checksumMessage(counter), "(data:");
    assertRejected(flip(good, good.length - 6, 0), checksumMessage(counter), "(data:");
  }

  @Test
  void flippedBitInChecksums() throws IOException {
    assertRejected(flip(good, good.length - 1, 6), checksumMessage(counter), "(data:");
    assertRejected(flip(good, tableCrcAt(), 0), checksumMessage(counter), "(entry table:");
  }

  @Test
  void absurdDimensionsAreRefusedBeforeAllocating() throws IOException {
    byte[] huge = new RawTensorBytes()
        .declare("weights", 1, Integer.MAX_VALUE)
        .rawData(new byte[40])
        .build();
    assertTrue(huge.length <= 100, "a small file: " + huge.length);
    assertRejected(huge, "truncated or damaged", "entry 'weights' declares 2147483647 float32 array"
        + " elements (8589934588 bytes) but only 40 bytes of data remain");

    assertRejected(new RawTensorBytes().declare("w", 1, Long.MAX_VALUE).build(),
        "entry 'w' declares 9223372036854775807 float32 array elements (36893488147419103228 bytes)");
    assertRejected(new RawTensorBytes().declare("w", 3, 1L << 40).build(),
        "entry 'w' declares 1099511627776 UTF-8 string elements");
    assertRejected(new RawTensorBytes().declare("w", 1, -1).build(),
        "entry 'w' declares a negative element count (-1)");
    assertRejected(new RawTensorBytes().declaredEntryCount(Integer.MAX_VALUE).build(),
        "declares 2147483647 entries, impossible in 4 bytes");
    assertRejected(new RawTensorBytes().declaredEntryCount(-3).build(), "declares -3 entries");
  }

  @Test
  void absurdEntryTableLength() throws IOException {
    byte[] b = good.clone();
    ByteBuffer.wrap(b, 12, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE);
    assertRejected(b, "declares a 2147483647-byte entry table, above the limit of 16777216 bytes");
    ByteBuffer.wrap(b, 12, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(1_000_000);
    assertRejected(b, "truncated or damaged", "declares a 1000000-byte entry table");
    ByteBuffer.wrap(b, 12, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(-5);
    assertRejected(b, "entry table is declared as -5 bytes");
  }

  @Test
  void unknownVersion() throws IOException {
    CorruptFileException e = assertRejected(new RawTensorBytes().version(2).floats("w", 1f).build(),
        "format version 2", "reads version 1 only");
    assertInstanceOf(UnsupportedVersionException.class, e);
    byte[] flipped = flip(good, 8 + 3, 1); // a damaged version field reads as a version too
    assertInstanceOf(UnsupportedVersionException.class,
        assertRejected(flipped, "format version 33554433"));
  }

  @Test
  void wrongMagic() throws IOException {
    assertRejected("{\"weights\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8),
        "not a Sparkprop tensor file (wrong magic)", "starts with 7b 22 77 65 69 67 68 74",
        "expected 89 53 50 54 0d 0a 1a 0a");
    assertRejected(flip(good, 0, 7), "wrong magic");
    // A file shorter than the magic that does not even start like it: wrong magic, not truncated.
    assertRejected(new byte[] {'P', 'K', 3}, "wrong magic", "starts with 50 4b 03");
    // The same text-mode damage PNG's magic was designed to catch.
    byte[] crlfToLf = new byte[good.length - 1];
    System.arraycopy(good, 0, crlfToLf, 0, 4);
    System.arraycopy(good, 5, crlfToLf, 4, good.length - 5);
    assertRejected(crlfToLf, "wrong magic");
  }

  @Test
  void bytesAppendedAfterTheEnd() throws IOException {
    byte[] longer = Arrays.copyOf(good, good.length + 7);
    assertRejected(longer, "is damaged: it is 7 bytes longer than its entry table declares");
  }

  @Test
  void structurallyInvalidTablesWithValidChecksums() throws IOException {
    assertRejected(new RawTensorBytes().declare("t", 9, 1).rawData(new byte[1]).build(),
        "entry 't' has unknown type code 9");
    assertRejected(new RawTensorBytes().int64("a", 1).int64("a", 2).build(),
        "entry name 'a' appears twice");
    assertRejected(new RawTensorBytes().declare(new byte[] {(byte) 0xC3, 0x28}, 2, 1)
        .rawData(new byte[8]).build(), "the name of entry #0 is not valid UTF-8");
    assertRejected(new RawTensorBytes().declare(new byte[2000], 2, 1).rawData(new byte[8]).build(),
        "entry #0 has a name of 2000 bytes (1 to 1024 allowed)");
    assertRejected(new RawTensorBytes().declare("s", 3, 2).rawData(new byte[] {(byte) 0xFF, 0})
        .build(), "string entry 's' is not valid UTF-8");
    assertRejected(new RawTensorBytes().declare("n", 2, 2).rawData(new byte[16]).build(),
        "entry 'n' is an int64 scalar but declares 2 elements");
    assertRejected(new RawTensorBytes().declaredEntryCount(0).int64("extra", 1).build(),
        "unused bytes at the end of its entry table");
    // Quoting keeps a hostile name from forging log lines.
    assertRejected(new RawTensorBytes().declare("a\nWARN forged", 9, 1).build(),
        "entry 'a\\u000aWARN forged' has unknown type code 9");
  }

  /** CRC32C catches every single-bit error, so no flip anywhere may be accepted. */
  @Test
  void everySingleBitFlipIsRefused() throws IOException {
    for (int i = 0; i < good.length * 8; i++) {
      Path p = write(flip(good, i / 8, i % 8));
      try {
        read(p);
        fail("bit " + i + " flipped and the file was accepted");
      } catch (CorruptFileException e) {
        assertTrue(e.getMessage().contains(TestFiles.hadoopName(p)), e.getMessage());
      }
      Files.delete(p);
    }
  }

  @Test
  void everyTruncationIsRefused() throws IOException {
    for (int n = 0; n < good.length; n++) {
      Path p = write(Arrays.copyOf(good, n));
      CorruptFileException e = assertThrows(CorruptFileException.class, () -> read(p));
      assertTrue(e.getMessage().contains(n == 0 ? "empty" : "truncated"), e.getMessage());
      Files.delete(p);
    }
  }

  /** Random bytes behind a valid preamble: whatever the reader meets, it refuses fast. */
  @Test
  void randomGarbageIsRefusedQuickly() throws IOException {
    Random r = new Random(1234);
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[16 + r.nextInt(200)];
      r.nextBytes(b);
      System.arraycopy(good, 0, b, 0, 12);
      if (i % 2 == 0) {
        // A plausible table length, so the parse gets past the first size check.
        ByteBuffer.wrap(b, 12, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(r.nextInt(b.length));
      }
      byte[] content = b;
      assertTimeoutPreemptively(Duration.ofSeconds(1),
          () -> assertThrows(CorruptFileException.class, () -> read(write(content))));
    }
  }
}
