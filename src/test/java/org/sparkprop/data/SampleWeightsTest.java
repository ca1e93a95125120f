package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sample weights from a CSV weight column to the packed rows, and through every reshaping of a
 * block (select, slice, join, sample, the copy in a local file, class weighting): each row keeps
 * its own weight wherever it goes.
 */
class SampleWeightsTest {

  @TempDir
  Path dir;

  /** label, w, a, b: the weight in the second column. */
  private static final CsvLineParser WEIGHTED_CSV =
      new CsvLineParser(",", 4, 0, -1, 1, List.of("label", "w", "a", "b"), LabelMode.VALUES);

  private static ParsedRow parse(CsvLineParser p, String line) {
    ParsedRow row = new ParsedRow();
    row.reset("f.csv", ParsedRow.Unit.LINE_OF_SPLIT, 0, 0);
    p.parse(line, row);
    return row;
  }

  /** Rows first, first + 1, ...: row i has features (i, 3 i), target i / 2 and weight 10 + i. */
  private static PackedBlock weighted(long first, int rows) {
    float[] x = new float[rows * 2];
    float[] y = new float[rows];
    float[] w = new float[rows];
    for (int r = 0; r < rows; r++) {
      long i = first + r;
      x[2 * r] = i;
      x[2 * r + 1] = 3 * i;
      y[r] = i / 2f;
      w[r] = 10 + i;
    }
    return new PackedBlock(first, rows, 2, 1, x, y, w);
  }

  /** Checks that every row of {@code b} is the row of {@link #weighted} its first feature names; returns their weights. */
  private static float[] weightsOfWholeRows(PackedBlock b) {
    assertTrue(b.weighted());
    float[] out = new float[b.rows];
    for (int r = 0; r < b.rows; r++) {
      float i = b.x[2 * r];
      assertEquals(3 * i, b.x[2 * r + 1]);
      assertEquals(i / 2f, b.y[r]);
      assertEquals(10 + i, b.w[r], "row " + i + " keeps its own weight");
      out[r] = b.w[r];
    }
    return out;
  }

  // ---- reading the weight column

  @Test
  void theWeightColumnIsNeitherAFeatureNorALabel() {
    assertEquals(2, WEIGHTED_CSV.features());
    assertEquals(List.of("a", "b"), WEIGHTED_CSV.featureNames());
    ParsedRow row = parse(WEIGHTED_CSV, "1.5,0.25,3,4");
    assertTrue(row.ok(), row.detail());
    assertEquals(0.25f, row.weight());
    assertEquals(1.5f, row.target());
    assertEquals(2, row.width());
    assertArrayEquals(new float[] {3, 4}, java.util.Arrays.copyOf(row.features(), 2));
    // With an id column as well, three columns are not features.
    CsvLineParser withId = new CsvLineParser(",", 5, 0, 4, 1, null, LabelMode.VALUES);
    assertEquals(2, withId.features());
    // The first column may be the weight.
    CsvLineParser weightFirst = new CsvLineParser(",", 4, 1, -1, 0, null, LabelMode.VALUES);
    assertEquals(2, weightFirst.features());
    ParsedRow first = parse(weightFirst, "3,1.5,7,8");
    assertEquals(3f, first.weight());
    assertEquals(2, first.width());
  }

  @Test
  void withoutAWeightColumnEveryRowWeighsOne() {
    CsvLineParser plain = new CsvLineParser(",", 3, 0, -1, -1, null, LabelMode.VALUES);
    ParsedRow row = parse(plain, "1,2,3");
    assertEquals(1f, row.weight());
    assertEquals(2, row.width());
  }

  @Test
  void aResetRowWeighsOneAgain() {
    ParsedRow row = parse(WEIGHTED_CSV, "1,7,3,4");
    assertEquals(7f, row.weight());
    row.reset("f.csv", ParsedRow.Unit.LINE_OF_SPLIT, 0, 1);
    assertEquals(1f, row.weight());
  }

  @Test
  void zeroIsAWeightButNegativeEmptyAndNonNumericWeightsAreBadRows() {
    ParsedRow zero = parse(WEIGHTED_CSV, "1,0,3,4");
    assertTrue(zero.ok(), zero.detail());
    assertEquals(0f, zero.weight());

    ParsedRow negative = parse(WEIGHTED_CSV, "1,-0.5,3,4");
    assertEquals(RowProblem.BAD_WEIGHT, negative.problem());
    assertEquals("the weight column 2 ('w') holds '-0.5'; a sample weight must be a finite number >= 0"
        + " (0 keeps the row at no weight)", negative.detail());
    assertEquals(0f, negative.weight(), "a bad weight reads as 0");

    ParsedRow empty = parse(WEIGHTED_CSV, "1,,3,4");
    assertEquals(RowProblem.BAD_WEIGHT, empty.problem());
    assertEquals("the weight column 2 ('w') is empty; expected a sample weight (a finite number >= 0)", empty.detail());

    ParsedRow word = parse(WEIGHTED_CSV, "1,heavy,3,4");
    assertEquals(RowProblem.BAD_WEIGHT, word.problem());
    assertEquals("the weight column 2 ('w') holds 'heavy'; expected a sample weight (a finite number >= 0)",
        word.detail());
    assertEquals(0f, word.weight());

    ParsedRow infinite = parse(WEIGHTED_CSV, "1,Infinity,3,4");
    assertEquals(RowProblem.BAD_WEIGHT, infinite.problem());
  }

  @Test
  void aWeightBeyondTheFloatRangeIsBadButTheLargestFloatIsAWeight() {
    ParsedRow row = new ParsedRow();
    assertEquals(Float.MAX_VALUE, ParsedRow.checkWeight(Float.MAX_VALUE, "w", "max", row));
    assertTrue(row.ok());
    assertEquals(0f, ParsedRow.checkWeight(Double.MAX_VALUE, "the weight", "1e308", row));
    assertEquals(RowProblem.BAD_WEIGHT, row.problem());
    assertTrue(row.detail().startsWith("the weight holds '1e308'"), row.detail());
    ParsedRow nan = new ParsedRow();
    assertEquals(0f, ParsedRow.checkWeight(Double.NaN, "w", "NaN", nan));
    assertEquals(RowProblem.BAD_WEIGHT, nan.problem());
    ParsedRow beyond = parse(WEIGHTED_CSV, "1,1e39,3,4");
    assertEquals(RowProblem.BAD_WEIGHT, beyond.problem(), "1e39 reads as float infinity");
  }

  @Test
  void onlyTheGivenRangeOfTheTextIsTheWeight() {
    ParsedRow row = new ParsedRow();
    assertEquals(2.5f, ParsedRow.parseWeight("x,2.5,y", 2, 5, "w", row));
    assertTrue(row.ok());
  }

  @Test
  void aSchemaIsWeightedWhenItNamesAWeightColumn() {
    InputSchema plain = new InputSchema("csv", 2, null, true, ",", "label", null, null);
    assertFalse(plain.weighted());
    assertNull(plain.weightColumn());
    assertFalse(plain.withWeightColumn("").weighted(), "an empty name is no weight column");
    InputSchema weighted = plain.withWeightColumn("w");
    assertTrue(weighted.weighted());
    assertEquals("w", weighted.weightColumn());
    assertEquals(plain, weighted.withWeightColumn(null));
    assertEquals("w", weighted.withFormat("parquet").withFeatures(3, null).weightColumn(), "kept by the other changes");
  }

  // ---- packing

  @Test
  void weightedRulesPackEachGoodRowsWeight() throws Exception {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 2, true, "the header").withWeights(true);
    assertTrue(rules.weighted());
    assertFalse(rules.withWeights(false).weighted());
    LinesReader in = LinesReader.split("f.csv", 0, List.of("1,2,3,4", "5,-1,7,8", "9,0.5,11,12"),
        LinesReader.csv(WEIGHTED_CSV));
    PackedBlock b = BlockPacking.pack(in, rules, 0, 2, 2, "data.train");
    assertTrue(b.weighted());
    assertArrayEquals(new float[] {2f, 0.5f}, b.w, "the bad row (weight -1) is skipped, not packed");
    assertArrayEquals(new float[] {3, 4, 11, 12}, b.x);
    assertArrayEquals(new float[] {1, 9}, b.y);
    assertEquals(4L * (4 + 2 + 2), b.payloadBytes());
  }

  @Test
  void unweightedRulesPackNoWeights() throws Exception {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 2, true, "the header");
    assertFalse(rules.weighted());
    LinesReader in = LinesReader.split("f.csv", 0, List.of("1,2,3,4"), LinesReader.csv(WEIGHTED_CSV));
    PackedBlock b = BlockPacking.pack(in, rules, 0, 1, 2, "data.train");
    assertFalse(b.weighted());
    assertNull(b.w);
  }

  // ---- blocks

  @Test
  void aBlockNeedsOneWeightPerRow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PackedBlock(0, 2, 1, 1, new float[2], new float[2], new float[3]));
    assertEquals("block of 2 rows has 3 weights", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PackedBlock(0, 2, 1, 1, new float[2], new float[2], new float[1]));
  }

  @Test
  void copyWeightsCopiesTheWeightsOfConsecutiveRows() {
    float[] out = new float[4];
    weighted(0, 5).copyWeights(2, 2, out, 1);
    assertArrayEquals(new float[] {0, 12, 13, 0}, out);
  }

  @Test
  void rowsWithoutWeightsHaveNoneToCopy() {
    RowBlock plain = new PackedBlock(0, 1, 1, 1, new float[1], new float[1]);
    assertFalse(plain.weighted());
    // A row block that keeps no weights at all: the interface's own answer.
    RowBlock bare = new RowBlock() {
      @Override
      public long firstIndex() {
        return 5;
      }

      @Override
      public int rows() {
        return 3;
      }

      @Override
      public int features() {
        return 1;
      }

      @Override
      public int targetWidth() {
        return 1;
      }

      @Override
      public void copyRows(int local, int count, float[] x, int xAt, float[] y, int yAt) {
      }
    };
    assertFalse(bare.weighted());
    assertEquals(8, bare.endIndex());
    assertThrows(UnsupportedOperationException.class, () -> bare.copyWeights(0, 1, new float[1], 0));
  }

  @Test
  void selectSliceAndConcatCarryEachRowsWeight() {
    PackedBlock b = weighted(100, 6);
    PackedBlock even = BlockPacking.select(b, i -> i % 2 == 0, 0);
    assertArrayEquals(new float[] {110, 112, 114}, weightsOfWholeRows(even));
    PackedBlock all = BlockPacking.select(b, i -> true, 7);
    assertArrayEquals(b.w, weightsOfWholeRows(all));
    assertNotSame(b.w, all.w, "a selection of every row copies the weights too");

    PackedBlock middle = BlockPacking.slice(b, 2, 3);
    assertEquals(102, middle.firstIndex);
    assertArrayEquals(new float[] {112, 113, 114}, weightsOfWholeRows(middle));

    PackedBlock joined = BlockPacking.concat(List.of(weighted(0, 2), weighted(2, 3)), 0, 5, 2, 1);
    assertArrayEquals(new float[] {10, 11, 12, 13, 14}, weightsOfWholeRows(joined));
  }

  @Test
  void weightedAndUnweightedBlocksAreNotJoined() {
    PackedBlock plain = new PackedBlock(2, 1, 2, 1, new float[2], new float[1]);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> BlockPacking.concat(List.of(weighted(0, 2), plain), 0, 3, 2, 1));
    assertEquals("weighted and unweighted blocks cannot be joined", e.getMessage());
    PackedBlock plainFirst = new PackedBlock(0, 2, 2, 1, new float[4], new float[2]);
    assertThrows(IllegalStateException.class, () -> BlockPacking.concat(List.of(plainFirst, weighted(2, 1)), 0, 3, 2, 1));
  }

  @Test
  void samplesCarryEachRowsWeight() {
    PackedBlock all = BlockSample.of(weighted(30, 4), 1.0, 3);
    assertArrayEquals(new float[] {40, 41, 42, 43}, weightsOfWholeRows(all));
    PackedBlock some = BlockSample.of(weighted(0, 200), 0.5, 3);
    assertTrue(some.rows > 0 && some.rows < 200, "kept " + some.rows);
    weightsOfWholeRows(some);
    PackedBlock joined = BlockSample.concat(List.of(weighted(5, 2), weighted(50, 1)), 2, 1);
    assertArrayEquals(new float[] {15, 16, 60}, weightsOfWholeRows(joined));
    assertFalse(BlockSample.of(new PackedBlock(0, 1, 1, 1, new float[1], new float[1]), 1.0, 3).weighted());
  }

  @Test
  void classWeightsMultiplyEachRowsSampleWeight() {
    // Classes 0, 1, 0 with sample weights 2, 3, 0.5; class weights 1.5 and 4.
    PackedBlock b = new PackedBlock(9, 3, 1, 1, new float[] {1, 2, 3}, new float[] {0, 1, 0}, new float[] {2, 3, 0.5f});
    PackedBlock w = BlockPacking.weighByClass(b, new float[] {1.5f, 4f});
    assertArrayEquals(new float[] {3f, 12f, 0.75f}, w.w);
    assertSame(b.x, w.x, "features are shared, not copied");
    assertSame(b.y, w.y);
    assertEquals(9, w.firstIndex);
    assertArrayEquals(new float[] {2, 3, 0.5f}, b.w, "the original weights stay");
    // Unweighted rows weigh 1 before the class weight.
    PackedBlock plain = new PackedBlock(0, 2, 1, 1, new float[2], new float[] {1, 0});
    assertArrayEquals(new float[] {4f, 1.5f}, BlockPacking.weighByClass(plain, new float[] {1.5f, 4f}).w);
  }

  @Test
  void classWeightsReadTheFirstTargetOfEachRow() {
    // Two targets per row: the class index is the first.
    PackedBlock b = new PackedBlock(0, 2, 1, 2, new float[2], new float[] {1, 0, 0, 1});
    assertArrayEquals(new float[] {7f, 2f}, BlockPacking.weighByClass(b, new float[] {2f, 7f}).w);
  }

  // ---- the copy in a local file

  @Test
  void aRowFileKeepsTheWeightsAfterTheTargets() throws IOException {
    PackedBlock b = weighted(40, 3);
    Path file = dir.resolve("w.rows");
    RowFile.write(b, file);
    assertEquals(32 + 4L * (6 + 3 + 3), Files.size(file));
    assertEquals(Files.size(file), RowFile.fileBytes(b));
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, bytes.getInt(24), "the weighted flag");
    assertEquals(50f, bytes.getFloat(32 + 4 * 9), "the first weight follows the targets");
    RowFile m = RowFile.open(file);
    assertTrue(m.weighted());
    float[] out = new float[3];
    m.copyWeights(1, 2, out, 1);
    assertArrayEquals(new float[] {0, 51, 52}, out);
    float[] x = new float[6];
    float[] y = new float[3];
    m.copyRows(0, 3, x, 0, y, 0);
    assertArrayEquals(b.x, x);
    assertArrayEquals(b.y, y);
  }

  @Test
  void anUnweightedRowFileHasFlagZeroAndNoWeights() throws IOException {
    Path file = dir.resolve("plain.rows");
    RowFile.write(new PackedBlock(0, 2, 1, 1, new float[] {1, 2}, new float[] {3, 4}), file);
    assertEquals(0, ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(24));
    assertFalse(RowFile.open(file).weighted());
  }

  @Test
  void aBlockOfNoRowsIsAHeaderAloneAndOpens() throws IOException {
    Path file = dir.resolve("empty.rows");
    RowFile.write(new PackedBlock(12, 0, 3, 1, new float[0], new float[0]), file);
    assertEquals(32, Files.size(file));
    RowFile m = RowFile.open(file);
    assertEquals(0, m.rows());
    assertEquals(12, m.firstIndex());
    assertEquals(3, m.features());
  }

  @Test
  void aWeightedFileWithoutItsWeightsIsRefused() throws IOException {
    Path file = dir.resolve("w.rows");
    RowFile.write(weighted(0, 2), file);
    byte[] bytes = Files.readAllBytes(file);
    Path cut = Files.write(dir.resolve("cut.rows"), java.util.Arrays.copyOf(bytes, bytes.length - 8));
    IOException e = assertThrows(IOException.class, () -> RowFile.open(cut));
    assertEquals(cut + " holds 56 bytes but its header describes 64 (2 rows x (2 features + 1 targets) float32)",
        e.getMessage());
  }
}
