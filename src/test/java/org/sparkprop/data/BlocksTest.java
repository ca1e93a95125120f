package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packed blocks: packing parsed rows, selecting, slicing, joining, sampling, and the copy in a local file. */
class BlocksTest {

  @TempDir
  Path dir;

  /** {@code rows} rows from {@code first}: row i has features (i, 10 i, 100 i) and targets (-i, i + 0.5). */
  private static PackedBlock numbered(long first, int rows) {
    float[] x = new float[rows * 3];
    float[] y = new float[rows * 2];
    for (int r = 0; r < rows; r++) {
      long i = first + r;
      x[r * 3] = i;
      x[r * 3 + 1] = 10 * i;
      x[r * 3 + 2] = 100 * i;
      y[r * 2] = -i;
      y[r * 2 + 1] = i + 0.5f;
    }
    return new PackedBlock(first, rows, 3, 2, x, y);
  }

  /** The global indices of a numbered block's rows, read back from its first feature. */
  private static List<Long> indices(PackedBlock b) {
    List<Long> out = new ArrayList<>();
    for (int r = 0; r < b.rows; r++) {
      long i = (long) b.x[r * 3];
      assertEquals(10f * i, b.x[r * 3 + 1]);
      assertEquals(100f * i, b.x[r * 3 + 2]);
      assertEquals((float) -i, b.y[r * 2]);
      assertEquals(i + 0.5f, b.y[r * 2 + 1]);
      out.add(i);
    }
    return out;
  }

  // ---- PackedBlock

  @Test
  void aBlockChecksItsArraysAgainstItsShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PackedBlock(0, 2, 3, 1, new float[5], new float[2]));
    assertEquals("block arrays do not match 2 rows x 3 features / 1 targets: x has 5 values, y has 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PackedBlock(0, 2, 3, 1, new float[6], new float[3]));
    assertThrows(IllegalArgumentException.class, () -> new PackedBlock(0, 2, 3, 1, new float[7], new float[2]));
    PackedBlock b = new PackedBlock(7, 2, 3, 1, new float[6], new float[2]);
    assertEquals(7, b.firstIndex());
    assertEquals(2, b.rows());
    assertEquals(3, b.features());
    assertEquals(1, b.targetWidth());
    assertEquals(9, b.endIndex());
    assertEquals(32, b.payloadBytes());
  }

  @Test
  void copyRowsCopiesFeaturesAndTargetsOfConsecutiveRows() {
    PackedBlock b = numbered(20, 5);
    float[] x = new float[8];
    float[] y = new float[6];
    b.copyRows(2, 2, x, 1, y, 2);
    assertArrayEquals(new float[] {0, 22, 220, 2200, 23, 230, 2300, 0}, x);
    assertArrayEquals(new float[] {0, 0, -22, 22.5f, -23, 23.5f}, y);
  }

  // ---- BlockPacking

  private static final CsvLineParser CSV = new CsvLineParser(",", 3, 0, -1, null, LabelMode.CLASSES);
  private static final RowRules AB = new RowRules(LabelMode.CLASSES, LabelMapping.of(List.of("a", "b")), 0, false, "");

  @Test
  void packingKeepsTheGoodRowsInOrderAsClassIndices() throws Exception {
    LinesReader in = LinesReader.split("f.csv", 0, List.of("a,1,2", "b,3,4", "a,x,5", "c,7,7", "b,5,6"), LinesReader.csv(CSV));
    PackedBlock b = BlockPacking.pack(in, AB, 40, 3, 2, "data.train");
    assertTrue(in.closed);
    assertEquals(40, b.firstIndex);
    assertEquals(3, b.rows);
    assertEquals(2, b.features);
    assertEquals(1, b.targetWidth);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, b.x);
    assertArrayEquals(new float[] {0, 1, 1}, b.y);
  }

  @Test
  void narrowSparseRowsArePaddedWithZeros() throws Exception {
    LibSvmLineParser svm = new LibSvmLineParser(0, LabelMode.VALUES);
    RowRules rules = new RowRules(LabelMode.VALUES, null, 3, false, "data.features");
    LinesReader in = LinesReader.split("f.svm", 0, List.of("1.5 1:1 2:1 3:1", "2.5 1:4", "-1 3:2"), svm::parse);
    PackedBlock b = BlockPacking.pack(in, rules, 0, 3, 3, "in");
    assertArrayEquals(new float[] {1, 1, 1, 4, 0, 0, 0, 0, 2}, b.x);
    assertArrayEquals(new float[] {1.5f, 2.5f, -1}, b.y);
  }

  @Test
  void anInputThatChangedSinceItWasCountedIsRefused() {
    for (int counted : new int[] {2, 4}) {
      LinesReader in = LinesReader.split("f.csv", 0, List.of("a,1,2", "b,3,4", "b,5,6"), LinesReader.csv(CSV));
      DataException e = assertThrows(DataException.class, () -> BlockPacking.pack(in, AB, 0, counted, 2, "data.train = 'f.csv'"));
      assertEquals("data.train = 'f.csv' changed while it was being read: a partition that held " + counted
          + " good rows when counted holds a different number now", e.getMessage());
      assertTrue(in.closed, "closed on failure too");
    }
  }

  @Test
  void selectKeepsTheAcceptedRowsInOrderRenumbered() {
    PackedBlock b = numbered(10, 6);
    assertEquals(3, BlockPacking.count(b, i -> i % 2 == 0));
    assertEquals(0, BlockPacking.count(b, i -> i < 10));
    PackedBlock even = BlockPacking.select(b, i -> i % 2 == 0, 100);
    assertEquals(100, even.firstIndex);
    assertEquals(List.of(10L, 12L, 14L), indices(even));
    PackedBlock last = BlockPacking.select(b, i -> i == 15, 0);
    assertEquals(List.of(15L), indices(last));
    PackedBlock none = BlockPacking.select(b, i -> false, 3);
    assertEquals(0, none.rows);
    assertEquals(3, none.features);
  }

  @Test
  void selectingEveryRowCopiesTheBlock() {
    PackedBlock b = numbered(10, 3);
    PackedBlock all = BlockPacking.select(b, i -> true, 50);
    assertEquals(50, all.firstIndex);
    assertEquals(List.of(10L, 11L, 12L), indices(all));
    b.x[0] = -1;
    b.y[0] = -1;
    assertEquals(10f, all.x[0], "a copy, not a view");
    assertEquals(-10f, all.y[0]);
  }

  @Test
  void sliceKeepsGlobalIndices() {
    PackedBlock b = numbered(10, 6);
    PackedBlock s = BlockPacking.slice(b, 2, 3);
    assertEquals(12, s.firstIndex);
    assertEquals(List.of(12L, 13L, 14L), indices(s));
    assertEquals(List.of(10L), indices(BlockPacking.slice(b, 0, 1)));
    assertEquals(0, BlockPacking.slice(b, 6, 0).rows);
  }

  @Test
  void concatJoinsBlocksThatFollowEachOther() {
    PackedBlock joined = BlockPacking.concat(List.of(numbered(10, 2), numbered(12, 3), numbered(15, 1)), 10, 6, 3, 2);
    assertEquals(10, joined.firstIndex);
    assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L), indices(joined));
    PackedBlock one = numbered(10, 2);
    assertSame(one, BlockPacking.concat(List.of(one), 10, 2, 3, 2), "one block covering the range is returned as it is");
    PackedBlock shifted = BlockPacking.concat(List.of(numbered(12, 2)), 12, 2, 3, 2);
    assertEquals(List.of(12L, 13L), indices(shifted));
  }

  @Test
  void concatRefusesGapsOverlapsAndShortCoverage() {
    IllegalStateException gap = assertThrows(IllegalStateException.class,
        () -> BlockPacking.concat(List.of(numbered(10, 2), numbered(13, 1)), 10, 4, 3, 2));
    assertEquals("blocks do not follow each other: expected row 12, got 13", gap.getMessage());
    IllegalStateException start = assertThrows(IllegalStateException.class,
        () -> BlockPacking.concat(List.of(numbered(11, 2)), 10, 2, 3, 2));
    assertEquals("blocks do not follow each other: expected row 10, got 11", start.getMessage());
    IllegalStateException shortOne = assertThrows(IllegalStateException.class,
        () -> BlockPacking.concat(List.of(numbered(10, 2)), 10, 3, 3, 2));
    assertEquals("blocks cover rows up to 12, expected up to 13", shortOne.getMessage());
  }

  // ---- BlockSample

  @Test
  void aSampleOfEveryRowIsTheBlockRenumberedFromZero() {
    PackedBlock all = BlockSample.of(numbered(30, 4), 1.0, 7);
    assertEquals(0, all.firstIndex);
    assertEquals(List.of(30L, 31L, 32L, 33L), indices(all));
    assertEquals(0, BlockSample.of(numbered(30, 4), 0.0, 7).rows);
  }

  @Test
  void whichRowsASampleKeepsDependsOnTheirGlobalIndexNotOnTheBlocks() {
    PackedBlock whole = numbered(0, 2000);
    List<Long> kept = indices(BlockSample.of(whole, 0.3, 11));
    List<Long> inParts = new ArrayList<>(indices(BlockSample.of(numbered(0, 700), 0.3, 11)));
    inParts.addAll(indices(BlockSample.of(numbered(700, 1300), 0.3, 11)));
    assertEquals(kept, inParts);
    // 600 expected; the binomial standard deviation is 20.5, so +-100 fails by chance with p < 1e-6.
    assertTrue(Math.abs(kept.size() - 600) < 100, "kept " + kept.size());
    List<Long> otherSeed = indices(BlockSample.of(whole, 0.3, 12));
    assertNotEquals(kept, otherSeed);
    List<Long> moreKept = indices(BlockSample.of(whole, 0.6, 11));
    assertTrue(moreKept.containsAll(kept), "a larger fraction keeps a superset: one draw per row");
    // Every other row belongs to one class in the Playground sets: the sample must take both parities.
    long odd = kept.stream().filter(i -> i % 2 == 1).count();
    assertTrue(Math.abs(odd - kept.size() / 2.0) < 70, "odd rows " + odd + " of " + kept.size());
  }

  @Test
  void sampleConcatNumbersTheRowsFromZero() {
    PackedBlock joined = BlockSample.concat(List.of(numbered(5, 2), numbered(40, 1), numbered(0, 0), numbered(7, 2)), 3, 2);
    assertEquals(0, joined.firstIndex);
    assertEquals(List.of(5L, 6L, 40L, 7L, 8L), indices(joined));
    assertEquals(0, BlockSample.concat(List.of(), 3, 2).rows);
  }

  // ---- RowFile

  @Test
  void aRowFileGivesTheRowsOfTheBlockItWasWrittenFrom() throws IOException {
    PackedBlock b = numbered(1000, 7);
    Path file = dir.resolve("part-0.rows");
    RowFile.write(b, file);
    assertEquals(RowFile.fileBytes(b), Files.size(file));
    assertEquals(32 + 4 * (21 + 14), RowFile.fileBytes(b));
    RowFile m = RowFile.open(file);
    assertEquals(file, m.file());
    assertEquals(1000, m.firstIndex());
    assertEquals(7, m.rows());
    assertEquals(3, m.features());
    assertEquals(2, m.targetWidth());
    assertEquals(1007, m.endIndex());
    float[] x = new float[3 * 3 + 1];
    float[] y = new float[3 * 2 + 1];
    float[] wantX = new float[x.length];
    float[] wantY = new float[y.length];
    m.copyRows(4, 3, x, 1, y, 1);
    b.copyRows(4, 3, wantX, 1, wantY, 1);
    assertArrayEquals(wantX, x);
    assertArrayEquals(wantY, y);
  }

  @Test
  void theFileIsLittleEndianWithAVersionedHeader() throws IOException {
    PackedBlock b = new PackedBlock(-3, 1, 1, 1, new float[] {1.5f}, new float[] {-2f});
    Path file = dir.resolve("one.rows");
    RowFile.write(b, file);
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(40, bytes.capacity());
    assertEquals("1RPS", new String(Files.readAllBytes(file), 0, 4, java.nio.charset.StandardCharsets.US_ASCII),
        "the magic SPR1 as a little-endian int");
    assertEquals(-3L, bytes.getLong(4));
    assertEquals(1, bytes.getInt(12));
    assertEquals(1, bytes.getInt(16));
    assertEquals(1, bytes.getInt(20));
    assertEquals(1.5f, bytes.getFloat(32));
    assertEquals(-2f, bytes.getFloat(36));
  }

  @Test
  void blocksLargerThanOneWriteChunkAndRewrittenFilesComeBackWhole() throws IOException {
    // 1.5 M floats of features: more than the 1 M floats written per chunk.
    int rows = 500_000;
    float[] x = new float[rows * 3];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) x[i] = i;
    for (int i = 0; i < rows; i++) y[i] = -i;
    Path file = dir.resolve("big.rows");
    RowFile.write(new PackedBlock(0, rows, 3, 1, x, y), file);
    RowFile big = RowFile.open(file);
    float[] gotX = new float[x.length];
    float[] gotY = new float[rows];
    big.copyRows(0, rows, gotX, 0, gotY, 0);
    assertArrayEquals(x, gotX);
    assertArrayEquals(y, gotY);
    // Writing a smaller block over it truncates the file.
    RowFile.write(numbered(0, 2), file);
    RowFile small = RowFile.open(file);
    assertEquals(2, small.rows());
    assertEquals(RowFile.fileBytes(numbered(0, 2)), Files.size(file));
  }

  /** A block of {@code rows} rows of seeded random floats, with sample weights when {@code weighted}. */
  private static PackedBlock randomBlock(long first, int rows, int features, int targetWidth, boolean weighted, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    float[] x = new float[rows * features];
    float[] y = new float[rows * targetWidth];
    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = (float) random.nextGaussian();
    if (!weighted) return new PackedBlock(first, rows, features, targetWidth, x, y);
    float[] w = new float[rows];
    for (int i = 0; i < rows; i++) w[i] = (float) random.nextDouble(0.1, 3);
    return new PackedBlock(first, rows, features, targetWidth, x, y, w);
  }

  @Test
  void randomRowRangesOfAFileAreTheFloatsOfTheBlock() throws IOException {
    for (boolean weighted : new boolean[] {false, true}) {
      // 37 features and 3 targets: ranges start and end anywhere in a page; up to 1.3 MB, one read call each.
      PackedBlock b = randomBlock(500, 9_000, 37, 3, weighted, weighted ? 7 : 8);
      Path file = dir.resolve("random-" + weighted + ".rows");
      RowFile.write(b, file);
      try (RowFile f = RowFile.open(file)) {
        assertEquals(weighted, f.weighted());
        java.util.SplittableRandom pick = new java.util.SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
          int local = pick.nextInt(b.rows);
          int count = trial % 3 == 0 ? 1 : 1 + pick.nextInt(b.rows - local); // single rows, as training reads them
          int at = pick.nextInt(5); // into the middle of the arrays, as the workspace's chunks are filled
          float[] x = new float[at + count * 37];
          float[] y = new float[at + count * 3];
          float[] wantX = x.clone();
          float[] wantY = y.clone();
          f.copyRows(local, count, x, at, y, at);
          b.copyRows(local, count, wantX, at, wantY, at);
          assertArrayEquals(wantX, x, "features of rows " + local + "+" + count);
          assertArrayEquals(wantY, y, "targets of rows " + local + "+" + count);
          if (weighted) {
            float[] w = new float[at + count];
            float[] wantW = w.clone();
            f.copyWeights(local, count, w, at);
            b.copyWeights(local, count, wantW, at);
            assertArrayEquals(wantW, w, "weights of rows " + local + "+" + count);
          }
        }
      }
    }
  }

  @Test
  void aFileLargerThanOneReadCallComesBackWhole() throws IOException {
    // 2.2 M floats of features: more than the 1 M floats of one read call.
    PackedBlock b = randomBlock(0, 100_000, 22, 1, true, 3);
    Path file = dir.resolve("large.rows");
    RowFile.write(b, file);
    try (RowFile f = RowFile.open(file)) {
      float[] x = new float[b.x.length];
      float[] y = new float[b.y.length];
      float[] w = new float[b.rows];
      f.copyRows(0, b.rows, x, 0, y, 0);
      f.copyWeights(0, b.rows, w, 0);
      assertArrayEquals(b.x, x);
      assertArrayEquals(b.y, y);
      assertArrayEquals(b.w, w);
    }
  }

  @Test
  void threadsReadingOneFileAtOnceEachGetTheirRows() throws Exception {
    PackedBlock b = randomBlock(0, 4_000, 16, 2, true, 5);
    Path file = dir.resolve("shared.rows");
    RowFile.write(b, file);
    try (RowFile f = RowFile.open(file)) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          long seed = t;
          done.add(pool.submit(() -> {
            java.util.SplittableRandom pick = new java.util.SplittableRandom(seed);
            float[] x = new float[16];
            float[] y = new float[2];
            float[] w = new float[1];
            int wrong = 0;
            for (int i = 0; i < 20_000; i++) {
              int r = pick.nextInt(b.rows);
              f.copyRows(r, 1, x, 0, y, 0);
              f.copyWeights(r, 1, w, 0);
              if (!java.util.Arrays.equals(x, 0, 16, b.x, r * 16, r * 16 + 16)
                  || !java.util.Arrays.equals(y, 0, 2, b.y, r * 2, r * 2 + 2) || w[0] != b.w[r]) {
                wrong++;
              }
            }
            return wrong;
          }));
        }
        for (java.util.concurrent.Future<Integer> d : done) assertEquals(0, d.get(), "rows read wrong by one thread");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void anInterruptedReaderFailsAndTheOthersReopenTheFile() throws Exception {
    PackedBlock b = numbered(0, 50);
    Path file = dir.resolve("interrupted.rows");
    RowFile.write(b, file);
    try (RowFile f = RowFile.open(file)) {
      float[] x = new float[3];
      float[] y = new float[2];
      Throwable[] failure = new Throwable[1];
      Thread killed = new Thread(() -> {
        Thread.currentThread().interrupt(); // as Spark interrupts a killed task's thread
        try {
          f.copyRows(1, 1, new float[3], 0, new float[2], 0);
        } catch (RuntimeException e) {
          failure[0] = e;
        }
      });
      killed.start();
      killed.join();
      assertTrue(failure[0] instanceof java.io.UncheckedIOException, "the interrupted read fails: " + failure[0]);
      assertTrue(failure[0].getCause() instanceof java.nio.channels.ClosedByInterruptException, String.valueOf(failure[0]));
      // The interrupt closed the channel for every thread; this one still reads its rows.
      f.copyRows(7, 1, x, 0, y, 0);
      assertArrayEquals(new float[] {7, 70, 700}, x);
      assertArrayEquals(new float[] {-7, 7.5f}, y);
    }
  }

  @Test
  void aClosedFileRefusesReads() throws IOException {
    Path file = dir.resolve("closed.rows");
    RowFile.write(numbered(0, 4), file);
    RowFile f = RowFile.open(file);
    f.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> f.copyRows(0, 1, new float[3], 0, new float[2], 0));
    assertEquals(file + " was released: its rows can no longer be read", e.getMessage());
  }

  @Test
  void filesOfAnotherLayoutOrLengthAreRefused() throws IOException {
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);
    assertEquals(empty + " is not a packed-rows file (no SPR1 header)",
        assertThrows(IOException.class, () -> RowFile.open(empty)).getMessage());
    Path other = Files.write(dir.resolve("other"), new byte[64]);
    assertEquals(other + " is not a packed-rows file (no SPR1 header)",
        assertThrows(IOException.class, () -> RowFile.open(other)).getMessage());
    Path good = dir.resolve("good");
    RowFile.write(numbered(0, 2), good);
    byte[] bytes = Files.readAllBytes(good);
    Path headerOnly = Files.write(dir.resolve("header"), java.util.Arrays.copyOf(bytes, 31));
    assertThrows(IOException.class, () -> RowFile.open(headerOnly));
    Path truncated = Files.write(dir.resolve("truncated"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
    assertEquals(truncated + " holds 68 bytes but its header describes 72 (2 rows x (3 features + 2 targets) float32)",
        assertThrows(IOException.class, () -> RowFile.open(truncated)).getMessage());
    Path longer = Files.write(dir.resolve("longer"), java.util.Arrays.copyOf(bytes, bytes.length + 4));
    assertThrows(IOException.class, () -> RowFile.open(longer));
  }
}
