package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pieces rows are made of: the reused row, label modes and values, splits and ranges, the input schema. */
class RowPartsTest {

  // ---- ParsedRow

  @Test
  void resetStartsAFreshRowAtANewPlace() {
    ParsedRow row = new ParsedRow();
    row.reset("a.csv", ParsedRow.Unit.LINE_OF_SPLIT, 100, 7);
    row.setLabel("x");
    row.setTarget(3);
    row.setId("id-1");
    row.setWidth(5);
    row.fail(RowProblem.NON_NUMERIC, "bad");
    row.reset("b.csv", ParsedRow.Unit.ROW_OF_FILE, 0, 9);
    assertTrue(row.ok());
    assertNull(row.problem());
    assertNull(row.detail());
    assertNull(row.label());
    assertNull(row.id());
    assertEquals(0f, row.target());
    assertEquals(0, row.width());
    assertEquals("b.csv", row.source());
    assertEquals(ParsedRow.Unit.ROW_OF_FILE, row.unit());
    assertEquals(0, row.splitStart());
    assertEquals(9, row.position());
    row.reset("c", ParsedRow.Unit.LINE_OF_SPLIT, 4096, 3);
    assertEquals(4096, row.splitStart());
    assertEquals(ParsedRow.Unit.LINE_OF_SPLIT, row.unit());
  }

  @Test
  void theFirstProblemOfARowIsKept() {
    ParsedRow row = new ParsedRow();
    row.reset("f", ParsedRow.Unit.ROW_OF_FILE, 0, 0);
    row.fail(RowProblem.MISSING_VALUE, "first");
    row.fail(RowProblem.NON_NUMERIC, "second");
    assertFalse(row.ok());
    assertEquals(RowProblem.MISSING_VALUE, row.problem());
    assertEquals("first", row.detail());
  }

  @Test
  void theFeatureBufferGrowsAndKeepsItsValues() {
    ParsedRow row = new ParsedRow();
    float[] small = row.featuresFor(3);
    small[2] = 7;
    assertSame(small, row.featuresFor(64), "64 values fit the initial buffer");
    float[] grown = row.featuresFor(65);
    assertEquals(128, grown.length, "grows at least twofold");
    assertEquals(7f, grown[2]);
    assertSame(grown, row.features());
    assertEquals(1000, row.featuresFor(1000).length, "or to the width asked for when that is more");
    assertEquals(7f, row.features()[2]);
  }

  @Test
  void placesAreLinesFromOneOrRowsFromZero() {
    assertEquals("line 18", ParsedRow.place(ParsedRow.Unit.LINE_OF_SPLIT, 17));
    assertEquals("line 1", ParsedRow.place(ParsedRow.Unit.LINE_OF_SPLIT, 0));
    assertEquals("row 16 (0-based)", ParsedRow.place(ParsedRow.Unit.ROW_OF_FILE, 16));
    assertEquals("row 1234567 (0-based)", ParsedRow.place(ParsedRow.Unit.ROW_OF_PARTITION, 1234567));
  }

  @Test
  void quotedValuesAreShortenedPastFortyCharacters() {
    String forty = "x".repeat(40);
    assertEquals("'" + forty + "'", ParsedRow.quote(forty));
    assertEquals("'" + "y".repeat(37) + "...'", ParsedRow.quote("y".repeat(41)));
    assertEquals("''", ParsedRow.quote(""));
    assertEquals("'ab'", ParsedRow.quote(new StringBuilder("ab")));
  }

  // ---- LabelMode, RowProblem, LabelValues

  @Test
  void classModesAreClassesAndIndices() {
    assertTrue(LabelMode.CLASSES.classes());
    assertTrue(LabelMode.CLASS_INDICES.classes());
    assertFalse(LabelMode.VALUES.classes());
    assertFalse(LabelMode.NONE.classes());
    assertFalse(LabelMode.MULTI_LABEL.classes(), "several 0/1 labels are values, not one class");
  }

  @Test
  void problemsHaveAKeyForCountsAndADescriptionForPeople() {
    List<String> keys = new ArrayList<>();
    for (RowProblem p : RowProblem.values()) keys.add(p.key());
    assertEquals(List.of("malformed", "columnCount", "nonNumeric", "notFinite", "missingValue", "unknownLabel", "featureIndex",
        "badWeight"), keys);
    assertEquals("sample weight missing, negative or not finite", RowProblem.BAD_WEIGHT.description());
    assertEquals("NaN or infinite value", RowProblem.NOT_FINITE.description());
    assertEquals("label outside the known classes", RowProblem.UNKNOWN_LABEL.description());
  }

  @Test
  void regressionTargetsFromText() {
    ParsedRow row = new ParsedRow();
    row.reset("f", ParsedRow.Unit.ROW_OF_FILE, 0, 0);
    assertEquals(-0.5f, LabelValues.parse(" -0.5 ", "y", row));
    assertTrue(row.ok());
    assertEquals(0f, LabelValues.parse("", "y", row));
    assertEquals(RowProblem.MISSING_VALUE, row.problem());
    assertEquals("y is empty; expected a number (regression target)", row.detail());
    row.reset("f", ParsedRow.Unit.ROW_OF_FILE, 0, 0);
    assertEquals(0f, LabelValues.parse("-inf", "y", row));
    assertEquals(RowProblem.NOT_FINITE, row.problem());
    assertEquals("y holds '-inf'; expected a finite number", row.detail());
    row.reset("f", ParsedRow.Unit.ROW_OF_FILE, 0, 0);
    assertEquals(Float.NEGATIVE_INFINITY, LabelValues.parse("-1e40", "y", row));
    assertEquals(RowProblem.NOT_FINITE, row.problem());
    assertEquals("y holds '-1e40', beyond the float32 range; expected a finite number", row.detail());
    row.reset("f", ParsedRow.Unit.ROW_OF_FILE, 0, 0);
    assertEquals(0f, LabelValues.parse("cat", "y", row));
    assertEquals(RowProblem.NON_NUMERIC, row.problem());
  }

  // ---- ValidationSplit

  @Test
  void fractionsOutsideZeroToOneAreRefused() {
    for (double f : new double[] {-0.1, 1, 1.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ValidationSplit(1, f));
      assertEquals("validation fraction " + f + " is outside [0, 1)", e.getMessage());
    }
    assertEquals(0.0, new ValidationSplit(1, 0).fraction());
    assertEquals(0.999, new ValidationSplit(1, 0.999).fraction());
  }

  @Test
  void noSplitHoldsNothingOut() {
    ValidationSplit none = ValidationSplit.none();
    assertFalse(none.active());
    assertEquals(0.0, none.fraction());
    for (long i = 0; i < 1000; i++) assertFalse(none.isValidation(i));
    assertFalse(new ValidationSplit(5, 0).active());
    assertTrue(new ValidationSplit(5, 1e-9).active());
  }

  @Test
  void aSplitHoldsOutAboutTheFractionByIndexAndSeed() {
    ValidationSplit split = new ValidationSplit(42, 0.25);
    assertTrue(split.active());
    int held = 0;
    boolean[] first = new boolean[100_000];
    for (int i = 0; i < first.length; i++) {
      first[i] = split.isValidation(i);
      if (first[i]) held++;
    }
    // 25,000 expected; the binomial standard deviation is 137, so +-1,000 fails by chance with p < 1e-12.
    assertTrue(Math.abs(held - 25_000) < 1_000, "held out " + held);
    ValidationSplit again = new ValidationSplit(42, 0.25);
    ValidationSplit otherSeed = new ValidationSplit(43, 0.25);
    ValidationSplit larger = new ValidationSplit(42, 0.5);
    int differ = 0;
    for (int i = 0; i < first.length; i++) {
      assertEquals(first[i], again.isValidation(i), "row " + i);
      if (first[i] != otherSeed.isValidation(i)) differ++;
      if (first[i]) assertTrue(larger.isValidation(i), "a larger fraction holds out a superset");
    }
    // Independent seeds disagree on 2 x 0.25 x 0.75 = 37.5 % of rows.
    assertTrue(Math.abs(differ - 37_500) < 1_500, "differ " + differ);
  }

  // ---- GeneratedRange

  @Test
  void aRangeIsTheSourcesRowsRenumbered() {
    Playground source = new Playground("spiral", 100, 0.1, 3, List.of("x1sq"));
    GeneratedRange range = new GeneratedRange(source, 40, 25);
    assertEquals(25, range.rows());
    assertEquals(3, range.features());
    assertEquals(1, range.targetWidth());
    assertEquals(2, range.classes());
    assertEquals(0, new GeneratedRange(new Playground("plane", 10, 0, 1), 0, 10).classes());
    float[] x = new float[3];
    float[] y = new float[1];
    float[] wantX = new float[3];
    float[] wantY = new float[1];
    for (long i = 0; i < 25; i++) {
      range.fill(i, x, 0, y, 0);
      source.fill(40 + i, wantX, 0, wantY, 0);
      assertArrayEquals(wantX, x);
      assertArrayEquals(wantY, y);
    }
    PackedBlock packed = RowGenerators.pack(range, 5, 20);
    PackedBlock fromSource = RowGenerators.pack(source, 45, 20);
    assertArrayEquals(fromSource.x, packed.x);
    assertArrayEquals(fromSource.y, packed.y);
    assertEquals("rows 40..64 of playground spiral, 100 rows, noise 0.1, seed 3, extra features x1sq", range.describe());
  }

  @Test
  void aRangeRefusesRowsOutsideItselfAndOutsideItsSource() {
    Playground source = new Playground("xor", 100, 0, 3);
    GeneratedRange range = new GeneratedRange(source, 90, 10);
    float[] x = new float[30];
    float[] y = new float[10];
    assertEquals("row 10 is outside [0, 10)", assertThrows(IndexOutOfBoundsException.class, () -> range.fill(10, x, 0, y, 0))
        .getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> range.fill(-1, x, 0, y, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> range.fillRows(8, 3, x, 0, y, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> range.fillRows(-1, 2, x, 0, y, 0));
    range.fillRows(8, 2, x, 0, y, 0); // the last two rows: fine
    range.fillRows(9, 0, x, 0, y, 0);
    range.fillRows(0, 0, x, 0, y, 0); // no rows at the start: nothing to check past it
    // A range inside its source refuses the source's rows past its own end.
    GeneratedRange middle = new GeneratedRange(source, 40, 10);
    assertEquals("row 10 is outside [0, 10)",
        assertThrows(IndexOutOfBoundsException.class, () -> middle.fillRows(8, 3, x, 0, y, 0)).getMessage());
    assertEquals("rows [95, 105) are outside playground xor, 100 rows, noise 0, seed 3",
        assertThrows(IllegalArgumentException.class, () -> new GeneratedRange(source, 95, 10)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GeneratedRange(source, -1, 10));
    assertThrows(IllegalArgumentException.class, () -> new GeneratedRange(source, 0, -1));
    assertEquals(100, new GeneratedRange(source, 0, 100).rows());
    assertEquals(0, new GeneratedRange(source, 100, 0).rows());
  }

  @Test
  void rangeChecksOfRowGenerators() {
    RowGenerators.checkRange(0, 10, 10);
    RowGenerators.checkRange(10, 0, 10);
    assertEquals("rows [5, 11) are not inside [0, 10)",
        assertThrows(IndexOutOfBoundsException.class, () -> RowGenerators.checkRange(5, 6, 10)).getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> RowGenerators.checkRange(-1, 1, 10));
    assertThrows(IndexOutOfBoundsException.class, () -> RowGenerators.checkRange(0, -1, 10));
    assertThrows(IndexOutOfBoundsException.class, () -> RowGenerators.checkRange(11, 0, 10));
    RowGenerators.checkIndex(9, 10);
    RowGenerators.checkIndex(0, 10);
    assertThrows(IndexOutOfBoundsException.class, () -> RowGenerators.checkIndex(10, 10));
    assertThrows(IndexOutOfBoundsException.class, () -> RowGenerators.checkIndex(-1, 10));
  }

  // ---- InputSchema

  @Test
  void generatedAndInMemoryInputsAreNotFiles() {
    for (String f : new String[] {"csv", "libsvm", "parquet", "idx"}) {
      assertTrue(schema(f).fromFiles(), f);
    }
    for (String f : new String[] {"dataframe", "playground", "synthetic"}) {
      assertFalse(schema(f).fromFiles(), f);
    }
  }

  @Test
  void schemasCopyTheirNamesAndChangeOneThingAtATime() {
    List<String> names = new ArrayList<>(Arrays.asList("a", "b"));
    InputSchema s = new InputSchema("csv", 2, names, true, ";", "y", null, "id");
    names.add("c");
    assertEquals(List.of("a", "b"), s.featureNames());
    assertThrows(UnsupportedOperationException.class, () -> s.featureNames().add("d"));
    InputSchema p = s.withFormat("parquet");
    assertEquals(new InputSchema("parquet", 2, List.of("a", "b"), true, ";", "y", null, "id"), p);
    InputSchema w = s.withFeatures(3, List.of("x", "y", "z"));
    assertEquals(new InputSchema("csv", 3, List.of("x", "y", "z"), true, ";", "y", null, "id"), w);
    assertNull(s.withFeatures(4, null).featureNames());
  }

  private static InputSchema schema(String format) {
    return new InputSchema(format, 1, null, false, ",", null, null, null);
  }
}
