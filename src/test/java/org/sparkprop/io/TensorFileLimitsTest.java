package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tensor file's limits, each on both sides of its boundary, and the exact message of each
 * refusal: files are built here byte by byte from the documented layout (valid checksums, so the
 * reader's structural checks are what answers).
 */
class TensorFileLimitsTest {
  @TempDir Path tmp;

  private FileSystem fs;
  private int counter;

  @BeforeEach
  void localFileSystem() throws IOException {
    fs = new org.apache.hadoop.fs.Path(TestFiles.uri(tmp)).getFileSystem(TestFiles.conf());
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The first bytes of a file: magic, version and declared table length. */
  private static byte[] preamble(int version, int tableBytes) {
    return le(16).put(TensorFileFormat.MAGIC).putInt(version).putInt(tableBytes).array();
  }

  /** A whole file around {@code table} (count and entries, as given) and {@code data}, checksums included. */
  private static byte[] file(byte[] table, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(preamble(1, table.length));
    out.writeBytes(table);
    out.writeBytes(le(4).putInt(RawTensorBytes.crc(out.toByteArray())).array());
    out.writeBytes(data);
    out.writeBytes(le(4).putInt(RawTensorBytes.crc(out.toByteArray())).array());
    return out.toByteArray();
  }

  /** An entry record: name length, name, type code, element count. */
  private static byte[] entry(String name, int type, long count) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return le(4 + n.length + 1 + 8).putInt(n.length).put(n).put((byte) type).putLong(count).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static byte[] count(int n) {
    return le(4).putInt(n).array();
  }

  private Path write(byte[] content) throws IOException {
    Path p = tmp.resolve("case-" + (counter++) + ".bin");
    Files.write(p, content);
    return p;
  }

  private TensorFile read(Path p) throws IOException {
    return TensorFile.read(fs, new org.apache.hadoop.fs.Path(TestFiles.uri(p)));
  }

  /** The exact message the file is refused with, its name replaced by F. */
  private String refusal(byte[] content) throws IOException {
    Path p = write(content);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> read(p));
    return e.getMessage().replace(TestFiles.hadoopName(p), "F");
  }

  // ---- the preamble

  @Test
  void shortFilesSayWhereTheyEnd() throws IOException {
    assertEquals("F is truncated: it is 5 bytes long and ends inside the 8-byte magic number",
        refusal(Arrays.copyOf(TensorFileFormat.MAGIC, 5)));
    assertEquals("F is truncated: it is 8 bytes long and ends before its format version", refusal(Arrays.copyOf(preamble(1, 4), 8)));
    assertEquals("F is truncated: it is 11 bytes long and ends before its format version", refusal(Arrays.copyOf(preamble(1, 4), 11)));
    assertEquals("F is truncated: it is 12 bytes long and ends inside its 16-byte preamble", refusal(Arrays.copyOf(preamble(1, 4), 12)));
    assertEquals("F is truncated: it is 15 bytes long and ends inside its 16-byte preamble", refusal(Arrays.copyOf(preamble(1, 4), 15)));
    // Preamble 16 + table 4 + two checksums of 4: an empty container needs 28 bytes.
    assertEquals("F is truncated or damaged: it declares a 4-byte entry table, which needs a file of at least 28 bytes, but it is"
        + " 16 bytes long", refusal(preamble(1, 4)));
    byte[] empty = file(count(0), new byte[0]);
    assertEquals(28, empty.length);
    assertEquals("F is truncated or damaged: it declares a 4-byte entry table, which needs a file of at least 28 bytes, but it is"
        + " 27 bytes long", refusal(Arrays.copyOf(empty, 27)));
    assertEquals(0, read(write(empty)).names().size());
  }

  @Test
  void theVersionIsReadAsSoonAsItIsThere() throws IOException {
    Path p = write(Arrays.copyOf(preamble(2, 4), 12));
    UnsupportedVersionException e = assertThrows(UnsupportedVersionException.class, () -> read(p));
    assertEquals(TestFiles.hadoopName(p) + " has tensor-file format version 2; this build reads version 1 only. It was written by"
        + " a newer Sparkprop, or the file is damaged", e.getMessage());
    assertInstanceOf(CorruptFileException.class, e, "a version this build cannot read is also a file it cannot use");
  }

  @Test
  void theTableLengthLimitsAreInclusive() throws IOException {
    assertEquals("F is damaged: its entry table is declared as 3 bytes (at least 4 needed)", refusal(preamble(1, 3)));
    assertEquals("F is truncated or damaged: it declares a 16777216-byte entry table, which needs a file of at least 16777240"
        + " bytes, but it is 16 bytes long", refusal(preamble(1, 16 << 20)));
    assertEquals("F is damaged: it declares a 16777217-byte entry table, above the limit of 16777216 bytes",
        refusal(preamble(1, (16 << 20) + 1)));
  }

  // ---- the entry table

  @Test
  void theEntryCountIsBoundedByTheTableLength() throws IOException {
    // One entry of 4 + 11 + 1 + 8 = 24 bytes: a 28-byte table has room for (28 - 4) / 14 = 1 entry.
    byte[] one = entry("abcdefghijk", 2, 1);
    assertEquals("F is damaged: its entry table declares 2 entries, impossible in 28 bytes",
        refusal(file(concat(count(2), one), new byte[16])));
    assertEquals(1, read(write(file(concat(count(1), one), le(8).putLong(7).array()))).names().size());
  }

  @Test
  void aTableThatEndsInsideAnEntrySaysWhichEntry() throws IOException {
    byte[] big = entry("n".repeat(30), 2, 1); // 43 bytes: room for (4 + 43 + 3 - 4) / 14 = 3 entries by count
    assertEquals("F is damaged: its entry table ends inside entry #1", refusal(file(concat(count(2), big, new byte[3]), new byte[8])));
    // Four bytes left: a name length can be read, and it is 0.
    assertEquals("F is damaged: entry #1 has a name of 0 bytes (1 to 1024 allowed)",
        refusal(file(concat(count(2), entry("abcdefghijk", 2, 1), new byte[4]), new byte[8])));
    // A name and a type but 7 of the 8 bytes of the count.
    byte[] cut = Arrays.copyOf(entry("abc", 2, 1), 4 + 3 + 1 + 7);
    assertEquals("F is damaged: its entry table ends inside entry #0", refusal(file(concat(count(1), cut), new byte[8])));
    // The same entry whole reads.
    assertEquals(List.of("abc"), List.copyOf(read(write(file(concat(count(1), entry("abc", 2, 1)), new byte[8]))).names()));
  }

  @Test
  void namesOfOneTo1024BytesAreAccepted() throws IOException {
    String longest = "é".repeat(512); // 1024 bytes of UTF-8
    TensorFile f = TensorFile.builder().putLong("x", 1).putLong(longest, 2).build();
    Path p = write(TestFiles.bytesOf(f));
    TensorFile back = read(p);
    assertEquals(2, back.longValue(longest));
    assertEquals(1, back.longValue("x"));
    assertEquals("F is damaged: entry #0 has a name of 1025 bytes (1 to 1024 allowed)",
        refusal(file(concat(count(1), entry("a".repeat(1025), 2, 1)), new byte[8])));
  }

  // ---- the data

  @Test
  void declaredSizesAreCheckedAgainstTheBytesLeftAfterTheEntriesBefore() throws IOException {
    // a: 2 floats (8 bytes), b: 3 floats (12 bytes), but only 16 bytes of data: 8 left for b.
    byte[] table = concat(count(2), entry("a", 1, 2), entry("b", 1, 3));
    assertEquals("F is truncated or damaged: entry 'b' declares 3 float32 array elements (12 bytes) but only 8 bytes of data"
        + " remain in the 72-byte file", refusal(file(table, new byte[16])));
    byte[] scalars = concat(count(2), entry("a", 2, 1), entry("b", 2, 1));
    assertEquals("F is truncated or damaged: entry 'b' declares 1 int64 scalar elements (8 bytes) but only 7 bytes of data"
        + " remain in the 71-byte file", refusal(file(scalars, new byte[15])));
  }

  @Test
  void bytesBeyondTheDeclaredDataAreCountedExactly() throws IOException {
    byte[] good = TestFiles.bytesOf(TensorFile.builder().putFloats("w", new float[] {1, 2, 3}).putLong("n", 4).build());
    byte[] longer = Arrays.copyOf(good, good.length + 7);
    assertEquals("F is damaged: it is 7 bytes longer than its entry table declares (" + good.length + " bytes expected, "
        + (good.length + 7) + " found)", refusal(longer));
  }

  @Test
  void largeArraysRoundTripBitForBitAcrossReadChunks() throws IOException {
    float[] big = new float[300_007]; // 1.2 MB: many 64 KiB chunks, the last one partial
    for (int i = 0; i < big.length; i++) big[i] = Float.intBitsToFloat(0x3f800000 + i * 7919);
    big[5] = Float.intBitsToFloat(0x7fc00123); // a NaN with a payload
    String text = "ü".repeat(40_000);
    Path p = write(TestFiles.bytesOf(TensorFile.builder().putFloats("big", big).putString("text", text).putLong("n", -3).build()));
    TensorFile back = read(p);
    float[] got = back.floats("big");
    assertEquals(big.length, got.length);
    for (int i = 0; i < big.length; i++) {
      assertEquals(Float.floatToRawIntBits(big[i]), Float.floatToRawIntBits(got[i]), "element " + i);
    }
    assertEquals(text, back.string("text"));
    assertEquals(-3, back.longValue("n"));
  }

  @Test
  void aFileThatShrinksWhileItIsReadIsNamedTruncated() throws IOException {
    float[] w = new float[1000];
    for (int i = 0; i < w.length; i++) w[i] = i;
    byte[] good = TestFiles.bytesOf(TensorFile.builder().putLong("n", 1).putFloats("w", w).build());
    Path p = write(Arrays.copyOf(good, good.length - 10));
    // The file system reports the length the file had when it was opened, before something cut it.
    FileSystem stale = new FilterFileSystem(fs) {
      @Override
      public FileStatus getFileStatus(org.apache.hadoop.fs.Path path) throws IOException {
        FileStatus s = super.getFileStatus(path);
        return new FileStatus(good.length, s.isDirectory(), s.getReplication(), s.getBlockSize(), s.getModificationTime(),
            s.getPath());
      }
    };
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(TestFiles.uri(p));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> TensorFile.read(stale, path));
    assertEquals(TestFiles.hadoopName(p) + " is truncated: it ended at byte " + (good.length - 10) + " although its length was "
        + good.length + " when opened (is something writing it?)", e.getMessage());
  }

  // ---- TensorFile and its writer

  @Test
  void aTensorFileNamesItsSourceAndEntries() throws IOException {
    TensorFile f = TensorFile.builder().putFloats("w", new float[3]).putLong("n", 5).putString("s", "héllo").build();
    assertEquals("<in memory>", f.source());
    assertTrue(f.contains("w"));
    assertFalse(f.contains("W"));
    assertFalse(f.contains("missing"));
    assertEquals("TensorFile[<in memory>, w: float32[3], n: 5, s: string(5 chars)]", f.toString());
    assertEquals(List.of("w", "n", "s"), List.copyOf(f.names()));
    Path p = write(TestFiles.bytesOf(f));
    TensorFile back = read(p);
    assertEquals(TestFiles.hadoopName(p), back.source());
    assertEquals("TensorFile[" + TestFiles.hadoopName(p) + ", w: float32[3], n: 5, s: string(5 chars)]", back.toString());
  }

  @Test
  void writeToFlushesButDoesNotClose() throws IOException {
    TensorFile f = TensorFile.builder().putFloats("w", new float[] {1, 2}).build();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    BufferedOutputStream buffered = new BufferedOutputStream(sink, 1 << 16);
    f.writeTo(buffered);
    assertArrayEquals(TestFiles.bytesOf(f), sink.toByteArray(), "everything reached the underlying stream");
    buffered.write(42); // still open
    buffered.flush();
    assertEquals(TestFiles.bytesOf(f).length + 1, sink.size());
  }

  @Test
  void namesFromFilesAreQuotedSafelyAndShortened() {
    assertEquals("'weights'", TensorFileFormat.quote("weights"));
    assertEquals("'it\\u0027s\\u0009\\u000a'", TensorFileFormat.quote("it's\t\n"));
    String twoHundred = "\uD83D\uDE00".repeat(200); // 200 code points, 400 chars
    assertEquals("'" + twoHundred + "'", TensorFileFormat.quote(twoHundred));
    assertEquals("'" + twoHundred + "...'", TensorFileFormat.quote(twoHundred + "z"));
    assertEquals("''", TensorFileFormat.quote(""));
  }
}
