package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rules a parsed row must meet, the per-partition scan that counts good and bad rows, and the
 * report that names the first bad row by its file line.
 */
class BadRowsTest {

  /** label, two features; no header. */
  private static final CsvLineParser CSV = new CsvLineParser(",", 3, 0, -1, null, LabelMode.CLASSES);
  private static final RowRules LEARNING = new RowRules(LabelMode.CLASSES, null, 0, false, "");

  private static ParsedRow row(String label, int width) {
    ParsedRow r = new ParsedRow();
    r.reset("f", ParsedRow.Unit.ROW_OF_FILE, 0, 0);
    r.setLabel(label);
    r.setWidth(width);
    return r;
  }

  private static ScanStats scan(String file, long start, List<String> lines, RowRules rules) throws Exception {
    return ScanStats.scan(LinesReader.split(file, start, lines, LinesReader.csv(CSV)), rules);
  }

  // ---- RowRules

  @Test
  void sparseRowsMayBeNarrowerButNotWiderThanTheWidth() {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 3, false, "data.features");
    for (int w = 0; w <= 3; w++) {
      ParsedRow ok = row(null, w);
      rules.check(ok);
      assertTrue(ok.ok(), "width " + w);
    }
    ParsedRow wide = row(null, 4);
    rules.check(wide);
    assertEquals(RowProblem.FEATURE_INDEX, wide.problem());
    assertEquals("the row has a feature at index 4; expected at most 3 (data.features)", wide.detail());
  }

  @Test
  void vectorRowsMustHaveExactlyTheWidth() {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 3, true, "the first row");
    ParsedRow ok = row(null, 3);
    rules.check(ok);
    assertTrue(ok.ok());
    for (int w : new int[] {2, 4}) {
      ParsedRow bad = row(null, w);
      rules.check(bad);
      assertEquals(RowProblem.COLUMN_COUNT, bad.problem());
      assertEquals("the row has " + w + " features; expected 3 (the first row)", bad.detail());
    }
  }

  @Test
  void anUnknownWidthAcceptsAnyWidth() {
    for (boolean exact : new boolean[] {false, true}) {
      ParsedRow r = row(null, 1000);
      new RowRules(LabelMode.VALUES, null, 0, exact, "").check(r);
      assertTrue(r.ok());
    }
  }

  @Test
  void aRowAlreadyBadKeepsItsProblem() {
    ParsedRow r = row("zzz", 9);
    r.fail(RowProblem.MALFORMED, "broken");
    new RowRules(LabelMode.CLASSES, LabelMapping.of(List.of("a")), 2, true, "x").check(r);
    assertEquals(RowProblem.MALFORMED, r.problem());
    assertEquals("broken", r.detail());
  }

  @Test
  void classLabelsMustBeKnownOnceTheClassesAre() {
    RowRules rules = LEARNING.withMapping(LabelMapping.of(List.of("a", "b")));
    ParsedRow known = row("b", 2);
    rules.check(known);
    assertTrue(known.ok());
    assertEquals(1f, rules.target(known));
    ParsedRow unknown = row("c", 2);
    rules.check(unknown);
    assertEquals(RowProblem.UNKNOWN_LABEL, unknown.problem());
    assertEquals("label 'c' is not one of the classes seen in training (a, b)", unknown.detail());
    ParsedRow whileLearning = row("c", 2);
    LEARNING.check(whileLearning);
    assertTrue(whileLearning.ok(), "any label is accepted while the classes are being learnt");
  }

  @Test
  void aWidthProblemIsReportedBeforeALabelProblem() {
    RowRules rules = new RowRules(LabelMode.CLASSES, LabelMapping.of(List.of("a")), 2, true, "x");
    ParsedRow r = row("unknown", 3);
    rules.check(r);
    assertEquals(RowProblem.COLUMN_COUNT, r.problem());
  }

  @Test
  void classIndicesMustBeWholeNumbersBelowTheClassCount() {
    RowRules open = new RowRules(LabelMode.CLASS_INDICES, null, 0, true, "");
    ParsedRow two = row("2", 1);
    open.check(two);
    assertTrue(two.ok(), "without given classes any index is accepted");
    ParsedRow fraction = row("1.5", 1);
    open.check(fraction);
    assertEquals(RowProblem.UNKNOWN_LABEL, fraction.problem());
    assertEquals("label '1.5' is not a class index: a classifier needs class indices 0, 1, ..., k-1 (below 10000);"
        + " index other labels with StringIndexer", fraction.detail());
    RowRules given = open.withMapping(LabelMapping.indices(2));
    ParsedRow one = row("1", 1);
    given.check(one);
    assertTrue(one.ok());
    assertEquals(1f, given.target(one));
    ParsedRow tooLarge = row("2", 1);
    given.check(tooLarge);
    assertEquals(RowProblem.UNKNOWN_LABEL, tooLarge.problem());
    assertEquals("label '2' is not a class index below 2, the number of classes given for this input", tooLarge.detail());
  }

  @Test
  void regressionRowsKeepTheirValueAndAreNotCheckedForClasses() {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 0, false, "");
    ParsedRow r = row("whatever", 1);
    r.setTarget(-2.5f);
    rules.check(r);
    assertTrue(r.ok());
    assertEquals(-2.5f, rules.target(r));
  }

  @Test
  void withMappingAndWithWidthChangeOnlyWhatTheyName() {
    LabelMapping m = LabelMapping.of(List.of("a", "b"));
    RowRules base = new RowRules(LabelMode.CLASSES, null, 0, true, "first");
    RowRules mapped = base.withMapping(m).withWidth(2, "the header");
    assertSame(m, mapped.mapping());
    assertEquals(2, mapped.width());
    assertEquals(LabelMode.CLASSES, mapped.labels());
    assertNull(base.mapping(), "the original is unchanged");
    assertEquals(0, base.width());
    ParsedRow r = row("a", 3);
    mapped.check(r);
    assertEquals(RowProblem.COLUMN_COUNT, r.problem(), "still exact after withWidth");
    assertEquals("the row has 3 features; expected 2 (the header)", r.detail());
    ParsedRow c = row("c", 2);
    mapped.withWidth(2, "h").check(c);
    assertEquals(RowProblem.UNKNOWN_LABEL, c.problem(), "the mapping survives withWidth");
  }

  // ---- ScanStats

  @Test
  void aScanCountsGoodAndBadRowsByReasonAndKeepsTheFirstBadOne() throws Exception {
    LinesReader reader = LinesReader.split("a.csv", 500, List.of("z,1,2", "a,3,4", "a,x,5", "c,1", "m,5,6", ",1,1", "q,y,1"),
        LinesReader.csv(CSV));
    ScanStats s = ScanStats.scan(reader, LEARNING);
    assertTrue(reader.closed, "the scan closes the reader");
    assertEquals(3, s.goodRows());
    assertEquals(4, s.badRows());
    assertEquals(2, s.badRows(RowProblem.NON_NUMERIC));
    assertEquals(1, s.badRows(RowProblem.COLUMN_COUNT));
    assertEquals(1, s.badRows(RowProblem.MISSING_VALUE));
    assertEquals(0, s.badRows(RowProblem.MALFORMED));
    assertTrue(s.hasBadRow());
    assertEquals(RowProblem.NON_NUMERIC, s.firstProblem());
    assertEquals("a.csv", s.firstSource());
    assertEquals(ParsedRow.Unit.LINE_OF_SPLIT, s.firstUnit());
    assertEquals(500, s.firstSplitStart());
    assertEquals(2, s.firstPosition());
    assertEquals("column 2 holds 'x'; expected a number", s.firstDetail());
    assertArrayEquals(new String[] {"a", "m", "z"}, s.labels(), "distinct labels of good rows, sorted");
    assertEquals(2, s.maxWidth());
    assertFalse(s.tooManyLabels());
    assertEquals(new PartitionReader.LineSegment("a.csv", 500, 7), s.segment());
  }

  @Test
  void aMalformedRowIsAFirstBadRowLikeAnyOther() throws Exception {
    // MALFORMED is the first of the reasons: the first bad row is kept whichever reason it has.
    ScanStats s = scan("m.csv", 0, List.of("a,1,2", "\"a,1,2", "a,x,2"), LEARNING);
    assertTrue(s.hasBadRow());
    assertEquals(RowProblem.MALFORMED, s.firstProblem());
    assertEquals(1, s.firstPosition(), "the later bad row does not replace it");
    assertEquals(1, s.badRows(RowProblem.MALFORMED));
    assertEquals(1, s.badRows(RowProblem.NON_NUMERIC));
  }

  @Test
  void aSplitWithoutLinesStillReportsItsSegment() throws Exception {
    ScanStats s = scan("e.csv", 300, List.of(), LEARNING);
    assertEquals(new PartitionReader.LineSegment("e.csv", 300, 0), s.segment());
    assertEquals(0, s.goodRows());
  }

  @Test
  void aCleanScanHasNoFirstBadRow() throws Exception {
    ScanStats s = ScanStats.scan(LinesReader.rows("t", List.of("a,1,2"), LinesReader.csv(CSV)), LEARNING);
    assertEquals(1, s.goodRows());
    assertEquals(0, s.badRows());
    assertFalse(s.hasBadRow());
    assertNull(s.firstProblem());
    assertNull(s.firstUnit());
    assertNull(s.firstSource());
    assertNull(s.segment(), "an input without lines has no segment");
    ScanStats nothing = new ScanStats();
    assertEquals(0, nothing.goodRows());
    assertNull(nothing.segment());
  }

  @Test
  void labelsAreCollectedOnlyWhileTheClassesAreUnknown() throws Exception {
    List<String> lines = List.of("a,1,2", "b,3,4", "c,5,6");
    ScanStats known = scan("f", 0, lines, LEARNING.withMapping(LabelMapping.of(List.of("a", "b"))));
    assertArrayEquals(new String[0], known.labels());
    assertEquals(2, known.goodRows());
    assertEquals(1, known.badRows(RowProblem.UNKNOWN_LABEL));
    CsvLineParser values = new CsvLineParser(",", 3, 0, -1, null, LabelMode.VALUES);
    ScanStats regression = ScanStats.scan(LinesReader.split("f", 0, List.of("1,1,2", "2,3,4"), LinesReader.csv(values)),
        new RowRules(LabelMode.VALUES, null, 0, false, ""));
    assertArrayEquals(new String[0], regression.labels());
    assertEquals(2, regression.goodRows());
    ScanStats indices = ScanStats.scan(LinesReader.split("f", 0, List.of("1,1,2", "0,3,4"), LinesReader.csv(CSV)),
        new RowRules(LabelMode.CLASS_INDICES, null, 0, false, ""));
    assertArrayEquals(new String[] {"0", "1"}, indices.labels(), "class indices are collected to count the classes");
  }

  @Test
  void theWidestGoodRowIsKept() throws Exception {
    LibSvmLineParser svm = new LibSvmLineParser(0, LabelMode.VALUES);
    ScanStats s = ScanStats.scan(LinesReader.split("f", 0, List.of("1 3:1", "1 9:1", "1 5:1", "1 2:x"), svm::parse),
        new RowRules(LabelMode.VALUES, null, 5, false, "data.features"));
    assertEquals(5, s.maxWidth(), "the row of width 9 is bad and does not count");
    assertEquals(1, s.badRows(RowProblem.FEATURE_INDEX));
    assertEquals(1, s.badRows(RowProblem.NON_NUMERIC));
  }

  @Test
  void moreDistinctLabelsThanClassesCanBeAreFlagged() throws Exception {
    assertFalse(scan("f", 0, labelLines(LabelMapping.MAX_CLASSES), LEARNING).tooManyLabels());
    ScanStats tooMany = scan("f", 0, labelLines(LabelMapping.MAX_CLASSES + 1), LEARNING);
    assertTrue(tooMany.tooManyLabels());
    assertEquals(LabelMapping.MAX_CLASSES + 2, tooMany.goodRows(), "rows are still counted");
  }

  private static List<String> labelLines(int distinct) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < distinct; i++) lines.add("c" + i + ",0,0");
    lines.add("c0,1,1"); // a repeated label is not a new one
    return lines;
  }

  // ---- BadRowReport

  @Test
  void theFirstBadRowIsNamedByItsLineInTheFile() throws Exception {
    List<String> three = List.of("a,1,1", "a,1,1", "a,1,1");
    List<ScanStats> partitions = List.of(
        scan("a.csv", 0, three, LEARNING),
        scan("b.csv", 0, List.of("a,1,1", "a,1,1"), LEARNING),
        new ScanStats(), // a partition that read nothing
        scan("a.csv", 200, List.of("a,1,1", "a,x,1"), LEARNING),
        scan("a.csv", 100, List.of("a,1,1", "a,1,1", "a,1,1", "a,1,1"), LEARNING),
        scan("a.csv", 300, List.of("a,y,1", "a,1", "a,1,1"), LEARNING));
    BadRowReport r = BadRowReport.of("data.train = 'a.csv'", partitions);
    // Line 1 of the split at byte 200, after the 3 + 4 lines of the splits at bytes 0 and 100: 0-based line 8.
    assertEquals("a.csv, line 9: column 2 holds 'x'; expected a number", r.firstBadRow());
    assertEquals(RowProblem.NON_NUMERIC, r.firstProblem());
    assertEquals("data.train = 'a.csv'", r.input());
    assertEquals(11, r.goodRows());
    assertEquals(3, r.badRows());
    assertEquals(14, r.rows());
    assertEquals(3.0 / 14, r.badFraction(), 1e-15);
    assertEquals(Map.of("columnCount", 1L, "nonNumeric", 2L), r.byReason());
    assertEquals(List.of("columnCount", "nonNumeric"), List.copyOf(r.byReason().keySet()), "in the order of RowProblem");
    assertEquals("columnCount 1, nonNumeric 2", r.reasons());
    assertEquals("data.train = 'a.csv': skipped 3 bad rows of 14 (21.43%): columnCount 1, nonNumeric 2;"
        + " first: a.csv, line 9: column 2 holds 'x'; expected a number", r.skippedLine());
  }

  @Test
  void aBadRowInTheFirstSplitIsAtItsOwnLine() throws Exception {
    BadRowReport r = BadRowReport.of("in", List.of(scan("a.csv", 0, List.of("a,1,1", "a,1"), LEARNING),
        scan("a.csv", 50, List.of("a,x,1"), LEARNING)));
    assertEquals("a.csv, line 2: found 2 columns, expected 3 (as in the first line) with delimiter ','", r.firstBadRow());
  }

  @Test
  void rowsOfInputsWithoutLinesAreNamedByTheirZeroBasedRow() throws Exception {
    ScanStats s = ScanStats.scan(LinesReader.rows("t.parquet", List.of("a,1,1", "a,1,1", "a,1,1", "a,1,1", "b,z,1"),
        LinesReader.csv(CSV)), LEARNING);
    BadRowReport r = BadRowReport.of("in", List.of(s));
    assertEquals("t.parquet, row 4 (0-based): column 2 holds 'z'; expected a number", r.firstBadRow());
  }

  @Test
  void countsInTheSkippedLineHaveThousandsSeparators() {
    ScanStats s = new ScanStats();
    s.goodRows = 1_234_567;
    s.badRows[RowProblem.NON_NUMERIC.ordinal()] = 1000;
    s.firstSource = "x";
    s.firstUnit = ParsedRow.Unit.ROW_OF_FILE.ordinal();
    s.firstPosition = 5;
    s.firstProblem = RowProblem.NON_NUMERIC.ordinal();
    s.firstDetail = "d";
    BadRowReport r = BadRowReport.of("in", List.of(s));
    assertEquals("in: skipped 1,000 bad rows of 1,235,567 (0.08%): nonNumeric 1000; first: x, row 5 (0-based): d", r.skippedLine());
  }

  @Test
  void anInputWithoutBadRowsHasNoFirstBadRowAndNoReasons() throws Exception {
    BadRowReport r = BadRowReport.of("in", List.of(scan("a.csv", 0, List.of("a,1,1"), LEARNING)));
    assertNull(r.firstBadRow());
    assertNull(r.firstProblem());
    assertEquals(0, r.badRows());
    assertEquals(1, r.rows());
    assertEquals(0.0, r.badFraction());
    assertEquals(Map.of(), r.byReason());
    assertEquals("", r.reasons());
    BadRowReport empty = BadRowReport.of("in", List.of());
    assertEquals(0, empty.rows());
    assertEquals(0.0, empty.badFraction(), "no rows: no bad fraction rather than NaN");
  }
}
