package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several label columns: one target per column, in the order given, for multi-target regression and multi-label rows. */
class SeveralTargetsTest {

  private static final List<String> HEADER = List.of("a", "y2", "b", "y1", "c");

  /** Targets y1 (column 4) then y2 (column 2): target order is the order given, not column order. */
  private static CsvLineParser parser(LabelMode mode) {
    return new CsvLineParser(",", 5, new int[] {3, 1}, -1, -1, HEADER, mode);
  }

  private static ParsedRow parse(CsvLineParser p, String line) {
    ParsedRow row = new ParsedRow();
    row.reset("f.csv", ParsedRow.Unit.LINE_OF_SPLIT, 0, 0);
    p.parse(line, row);
    return row;
  }

  @Test
  void eachLabelColumnIsATargetInTheOrderGivenAndNoFeature() {
    CsvLineParser p = parser(LabelMode.VALUES);
    assertEquals(3, p.features());
    assertEquals(List.of("a", "b", "c"), p.featureNames());
    ParsedRow row = parse(p, "1,-2.5,2,7,3");
    assertTrue(row.ok(), row.detail());
    assertEquals(7f, row.target(0));
    assertEquals(-2.5f, row.target(1));
    assertEquals(7f, row.target(), "the first target is the target");
    assertEquals(3, row.width());
    assertArrayEquals(new float[] {1, 2, 3}, Arrays.copyOf(row.features(), 3));
  }

  @Test
  void aBadTargetNamesItsColumn() {
    ParsedRow row = parse(parser(LabelMode.VALUES), "1,x,2,7,3");
    assertEquals(RowProblem.NON_NUMERIC, row.problem());
    assertTrue(row.detail().startsWith("the label column 2 ('y2') holds 'x'"), row.detail());
  }

  @Test
  void multiLabelTargetsAreZeroOrOne() {
    CsvLineParser p = parser(LabelMode.MULTI_LABEL);
    ParsedRow good = parse(p, "1,0,2,1.0,3");
    assertTrue(good.ok(), good.detail());
    assertEquals(1f, good.target(0));
    assertEquals(0f, good.target(1));

    ParsedRow half = parse(p, "1,0.5,2,1,3");
    assertEquals(RowProblem.UNKNOWN_LABEL, half.problem());
    assertEquals("the label column 2 ('y2') holds '0.5'; a multi-label output takes 0 or 1", half.detail());

    ParsedRow two = parse(p, "1,0,2,2,3");
    assertEquals(RowProblem.UNKNOWN_LABEL, two.problem());
    assertTrue(two.detail().startsWith("the label column 4 ('y1') holds '2'"), two.detail());

    // A label that is no number is reported as such, not as a value other than 0 or 1.
    ParsedRow word = parse(p, "1,yes,2,1,3");
    assertEquals(RowProblem.NON_NUMERIC, word.problem());
  }

  @Test
  void severalLabelColumnsAreNotClasses() {
    assertThrows(IllegalArgumentException.class,
        () -> new CsvLineParser(",", 5, new int[] {3, 1}, -1, -1, HEADER, LabelMode.CLASSES));
    assertThrows(IllegalArgumentException.class,
        () -> new CsvLineParser(",", 5, new int[] {3, 1}, -1, -1, HEADER, LabelMode.CLASS_INDICES));
    assertThrows(IllegalArgumentException.class,
        () -> new CsvLineParser(",", 5, new int[0], -1, -1, HEADER, LabelMode.VALUES));
    // One label column may hold classes.
    assertEquals(4, new CsvLineParser(",", 5, new int[] {3}, -1, -1, HEADER, LabelMode.CLASSES).features());
  }

  @Test
  void theParserKeepsItsOwnCopyOfTheLabelColumns() {
    int[] columns = {3, 1};
    CsvLineParser p = new CsvLineParser(",", 5, columns, -1, -1, HEADER, LabelMode.VALUES);
    columns[1] = 0;
    ParsedRow row = parse(p, "1,-2.5,2,7,3");
    assertEquals(-2.5f, row.target(1));
  }

  @Test
  void aRowGrowsItsTargetsAndKeepsTheOnesSetBefore() {
    ParsedRow row = new ParsedRow();
    row.setTarget(0, 1f);
    row.setTarget(1, 2f);
    row.setTarget(6, 7f);
    assertEquals(1f, row.target(0));
    assertEquals(2f, row.target(1));
    assertEquals(7f, row.target(6));
    row.setTarget(-3f);
    assertEquals(-3f, row.target());
    row.reset("f", ParsedRow.Unit.ROW_OF_FILE, 0, 0);
    assertEquals(0f, row.target(), "a reset clears the first target");
  }

  @Test
  void rulesForSeveralTargetsWriteEveryTarget() {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 3, true, "the header").withTargets(2);
    assertEquals(2, rules.targets());
    assertEquals(1, new RowRules(LabelMode.VALUES, null, 3, true, "the header").targets());
    ParsedRow row = parse(parser(LabelMode.VALUES), "1,-2.5,2,7,3");
    float[] y = new float[4];
    rules.targets(row, y, 1);
    assertArrayEquals(new float[] {0, 7, -2.5f, 0}, y);
    assertThrows(IllegalArgumentException.class, () -> rules.withTargets(0));
    assertEquals(1, rules.withTargets(1).targets());
  }

  @Test
  void theOtherRulesKeepTheTargetCountAndTheWeights() {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 0, true, "").withTargets(3).withWeights(true);
    RowRules wider = rules.withWidth(4, "the header").withMapping(null);
    assertEquals(3, wider.targets());
    assertTrue(wider.weighted());
    assertEquals(4, wider.width());
    assertEquals(3, rules.withWeights(true).targets());
  }

  @Test
  void packingSeveralTargetsGivesEachRowItsTargetsSideBySide() throws Exception {
    RowRules rules = new RowRules(LabelMode.VALUES, null, 3, true, "the header").withTargets(2);
    LinesReader in = LinesReader.split("f.csv", 0, List.of("1,10,2,20,3", "4,40,5,50,6"),
        LinesReader.csv(parser(LabelMode.VALUES)));
    PackedBlock b = BlockPacking.pack(in, rules, 0, 2, 3, "data.train");
    assertEquals(2, b.targetWidth);
    assertArrayEquals(new float[] {20, 10, 50, 40}, b.y);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, b.x);
  }

  @Test
  void aSchemaReadsSeveralLabelColumnsOnlyWhenItNamesMoreThanOne() {
    InputSchema single = new InputSchema("csv", 3, null, true, ",", "y1", null, null);
    assertFalse(single.severalLabelColumns());
    assertNull(single.labelColumns());
    assertNull(single.withLabelColumns(List.of()).labelColumns(), "an empty list is no list");
    assertFalse(single.withLabelColumns(List.of("y1")).severalLabelColumns());
    List<String> given = new java.util.ArrayList<>(List.of("y1", "y2"));
    InputSchema several = single.withLabelColumns(given).withWeightColumn("w");
    given.add("y3");
    assertTrue(several.severalLabelColumns());
    assertEquals(List.of("y1", "y2"), several.labelColumns(), "the schema keeps its own copy");
    assertEquals(List.of("y1", "y2"), several.withFormat("parquet").withFeatures(2, null).labelColumns());
  }
}
