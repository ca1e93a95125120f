package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** LibSVM lines into dense rows, and what a bad line's message says. */
class LibSvmLineParserTest {

  private static final LibSvmLineParser INFER = new LibSvmLineParser(0, LabelMode.CLASSES);

  private static ParsedRow parse(LibSvmLineParser p, String line) {
    return parse(p, line, new ParsedRow());
  }

  private static ParsedRow parse(LibSvmLineParser p, String line, ParsedRow row) {
    row.reset("f.svm", ParsedRow.Unit.LINE_OF_SPLIT, 0, 0);
    p.parse(line, row);
    return row;
  }

  private static float[] features(ParsedRow row) {
    return Arrays.copyOf(row.features(), row.width());
  }

  @Test
  void indicesAreOneBasedAndUnlistedFeaturesAreZero() {
    ParsedRow row = parse(INFER, "1 1:0.5 3:2");
    assertTrue(row.ok(), row.detail());
    assertEquals("1", row.label());
    assertEquals(3, row.width(), "the width is the largest index");
    assertArrayEquals(new float[] {0.5f, 0, 2}, features(row));
  }

  @Test
  void labelsAreCanonicalAndBlanksTabsAndCommentsAreSkipped() {
    assertEquals("1", parse(INFER, "+1 2:1").label());
    assertEquals("1", parse(INFER, "1.0 2:1").label());
    ParsedRow row = parse(INFER, "  -1\t 1:1\t2:3   # a comment 9:9");
    assertTrue(row.ok(), row.detail());
    assertEquals("-1", row.label());
    assertArrayEquals(new float[] {1, 3}, features(row));
    ParsedRow glued = parse(INFER, "0 1:2#3:4");
    assertTrue(glued.ok(), glued.detail());
    assertArrayEquals(new float[] {2}, features(glued));
  }

  @Test
  void aLabelAloneIsARowWithNoFeatures() {
    ParsedRow row = parse(INFER, "cat");
    assertTrue(row.ok(), row.detail());
    assertEquals("cat", row.label());
    assertEquals(0, row.width());
  }

  @Test
  void emptyLinesAndCommentLinesHoldNoRow() {
    assertTrue(LibSvmLineParser.isEmpty(""));
    assertTrue(LibSvmLineParser.isEmpty("  \t "));
    assertTrue(LibSvmLineParser.isEmpty("# header"));
    assertTrue(LibSvmLineParser.isEmpty("   # 1 1:1"));
    assertFalse(LibSvmLineParser.isEmpty("1 1:1"));
    assertFalse(LibSvmLineParser.isEmpty(" 1 # x"));
    ParsedRow row = parse(INFER, "");
    assertEquals(RowProblem.MISSING_VALUE, row.problem(), "a classification row needs a label");
    assertEquals("the line has no label", row.detail());
  }

  @Test
  void regressionTargetsAndUnreadLabels() {
    LibSvmLineParser values = new LibSvmLineParser(0, LabelMode.VALUES);
    ParsedRow row = parse(values, "2.5 1:1");
    assertTrue(row.ok(), row.detail());
    assertEquals(2.5f, row.target());
    assertNull(row.label());
    assertEquals(RowProblem.NON_NUMERIC, parse(values, "abc 1:1").problem());
    assertEquals("the label holds 'abc'; expected a number (regression target; class names need model.loss cross_entropy or bce)",
        parse(values, "abc 1:1").detail());
    ParsedRow empty = parse(values, "");
    assertEquals(RowProblem.MISSING_VALUE, empty.problem());
    assertEquals("the label is empty; expected a number (regression target)", empty.detail());
    LibSvmLineParser none = new LibSvmLineParser(0, LabelMode.NONE);
    ParsedRow unread = parse(none, "anything 2:7");
    assertTrue(unread.ok(), unread.detail());
    assertNull(unread.label());
    assertArrayEquals(new float[] {0, 7}, features(unread));
  }

  @Test
  void rankingQueryIdsAreNotFeatures() {
    ParsedRow row = parse(INFER, "1 qid:3 1:2 2:4");
    assertTrue(row.ok(), row.detail());
    assertArrayEquals(new float[] {2, 4}, features(row));
    assertEquals(RowProblem.MALFORMED, parse(INFER, "1 qidx:3").problem());
    assertEquals(RowProblem.MALFORMED, parse(INFER, "1 qi:3").problem());
    assertEquals(RowProblem.MALFORMED, parse(INFER, "1 xqid:3").problem());
  }

  @Test
  void malformedLinesSayWhichTokenIsWrong() {
    assertProblem(INFER, "1:2 3:4", RowProblem.MALFORMED,
        "the line starts with '1:2'; expected a label before the first index:value pair");
    assertProblem(INFER, ":2 3:4", RowProblem.MALFORMED,
        "the line starts with ':2'; expected a label before the first index:value pair");
    assertProblem(INFER, "1 abc", RowProblem.MALFORMED, "token 'abc' is not index:value");
    assertProblem(INFER, "1 1:1 abc 3:x:y", RowProblem.MALFORMED, "token 'abc' is not index:value");
    assertProblem(INFER, "1 a:5", RowProblem.MALFORMED, "index 'a' is not a whole number from 1 (indices are 1-based)");
    assertProblem(INFER, "1 -1:5", RowProblem.MALFORMED, "index '-1' is not a whole number from 1 (indices are 1-based)");
    assertProblem(INFER, "1 :5", RowProblem.MALFORMED, "index '' is not a whole number from 1 (indices are 1-based)");
    assertProblem(INFER, "1 1/:5", RowProblem.MALFORMED, "index '1/' is not a whole number from 1 (indices are 1-based)");
    assertProblem(INFER, "1 1a:5", RowProblem.MALFORMED, "index '1a' is not a whole number from 1 (indices are 1-based)");
    assertProblem(INFER, "1 0:5", RowProblem.FEATURE_INDEX, "index '0' is not a whole number from 1 (indices are 1-based)");
    assertProblem(INFER, "1 3:1 2:1", RowProblem.MALFORMED, "index 2 follows index 3; expected strictly increasing indices");
    assertProblem(INFER, "1 2:1 2:1", RowProblem.MALFORMED, "index 2 follows index 2; expected strictly increasing indices");
  }

  @Test
  void indicesBeyondTheKnownWidthOrADenseRowAreRefused() {
    LibSvmLineParser three = new LibSvmLineParser(3, LabelMode.CLASSES);
    assertProblem(three, "1 4:1", RowProblem.FEATURE_INDEX, "index 4 exceeds data.features = 3");
    ParsedRow atWidth = parse(three, "1 3:1");
    assertTrue(atWidth.ok(), atWidth.detail());
    assertEquals(3, atWidth.width());
    assertProblem(INFER, "1 999999999999:1", RowProblem.FEATURE_INDEX, "index 999999999999 is too large for a dense row");
    assertProblem(INFER, "1 2147483632:1", RowProblem.FEATURE_INDEX, "index 2147483632 is too large for a dense row");
    assertProblem(INFER, "1 1234567890123:1", RowProblem.MALFORMED,
        "index '1234567890123' is not a whole number from 1 (indices are 1-based)");
  }

  @Test
  void badValuesNameTheFeature() {
    assertProblem(INFER, "1 1:nan", RowProblem.NOT_FINITE, "feature 1 holds 'nan'; expected a finite number");
    assertProblem(INFER, "1 2:-Infinity", RowProblem.NOT_FINITE, "feature 2 holds '-Infinity'; expected a finite number");
    assertProblem(INFER, "1 1:1e39", RowProblem.NOT_FINITE,
        "feature 1 holds '1e39', beyond the float32 range; expected a finite number");
    assertProblem(INFER, "1 4:", RowProblem.MISSING_VALUE, "feature 4 has no value after ':'");
    assertProblem(INFER, "1 1:x", RowProblem.NON_NUMERIC, "feature 1 holds 'x'; expected a number");
    assertProblem(INFER, "1 1:1f", RowProblem.NON_NUMERIC, "feature 1 holds '1f'; expected a number");
  }

  private static void assertProblem(LibSvmLineParser p, String line, RowProblem problem, String detail) {
    ParsedRow row = parse(p, line);
    assertEquals(problem, row.problem(), line);
    assertEquals(detail, row.detail(), line);
    assertFalse(row.ok());
  }

  @Test
  void aReusedRowGetsZerosWhereTheLinesBeforeLeftValues() {
    ParsedRow row = new ParsedRow();
    parse(INFER, "1 1:7 2:7 3:7 4:7 5:7", row);
    parse(INFER, "0 2:1 5:2", row);
    assertTrue(row.ok(), row.detail());
    assertArrayEquals(new float[] {0, 1, 0, 0, 2}, features(row));
    assertEquals("0", row.label());
  }

  @Test
  void wideRowsGrowTheBuffer() {
    ParsedRow row = parse(INFER, "1 3:1 100:2 1000:3");
    assertTrue(row.ok(), row.detail());
    assertEquals(1000, row.width());
    float[] expected = new float[1000];
    expected[2] = 1;
    expected[99] = 2;
    expected[999] = 3;
    assertArrayEquals(expected, features(row));
  }
}
