package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV lines into rows: field splitting, quoting, and what a bad row's message says. */
class CsvLineParserTest {

  private static final List<String> HEADER = List.of("label", "id", "a", "b");

  /** label, id, a, b with a header: the common case. */
  private static CsvLineParser classes() {
    return new CsvLineParser(",", 4, 0, 1, HEADER, LabelMode.CLASSES);
  }

  private static ParsedRow parse(CsvLineParser p, String line) {
    ParsedRow row = new ParsedRow();
    row.reset("f.csv", ParsedRow.Unit.LINE_OF_SPLIT, 0, 0);
    p.parse(line, row);
    return row;
  }

  private static float[] features(ParsedRow row) {
    return Arrays.copyOf(row.features(), row.width());
  }

  @Test
  void aGoodRowHasItsLabelIdAndFeaturesInColumnOrder() {
    ParsedRow row = parse(classes(), "cat,r1,1.5,-2");
    assertTrue(row.ok(), row.detail());
    assertEquals("cat", row.label());
    assertEquals("r1", row.id());
    assertArrayEquals(new float[] {1.5f, -2f}, features(row));
    assertEquals(2, row.width());
  }

  @Test
  void theLabelAndIdMayBeAnyColumn() {
    // a, label, b, id, c: features are the other columns, in order.
    CsvLineParser p = new CsvLineParser(";", 5, 1, 3, null, LabelMode.CLASSES);
    assertEquals(3, p.features());
    ParsedRow row = parse(p, "1;dog;2;x7;3");
    assertTrue(row.ok(), row.detail());
    assertEquals("dog", row.label());
    assertEquals("x7", row.id());
    assertArrayEquals(new float[] {1, 2, 3}, features(row));
  }

  @Test
  void numericLabelsAreCanonicalClassNames() {
    assertEquals("1", parse(classes(), "1.0,r,0,0").label());
    assertEquals("1", parse(classes(), " 1e0 ,r,0,0").label());
    assertEquals("cat", parse(classes(), " cat ,r,0,0").label(), "names are trimmed");
  }

  @Test
  void featureCountAndNamesLeaveOutTheLabelAndIdColumns() {
    assertEquals(2, classes().features());
    assertEquals(List.of("a", "b"), classes().featureNames());
    CsvLineParser noId = new CsvLineParser(",", 4, 3, -1, List.of("a", "b", "c", "y"), LabelMode.VALUES);
    assertEquals(3, noId.features());
    assertEquals(List.of("a", "b", "c"), noId.featureNames());
    CsvLineParser noLabel = new CsvLineParser(",", 4, -1, 0, List.of("id", "a", "b", "c"), LabelMode.NONE);
    assertEquals(3, noLabel.features());
    assertEquals(List.of("a", "b", "c"), noLabel.featureNames());
    CsvLineParser neither = new CsvLineParser(",", 4, -1, -1, null, LabelMode.NONE);
    assertEquals(4, neither.features());
    assertNull(neither.featureNames(), "no header, no names");
  }

  @Test
  void aLabelColumnIsNeededUnlessLabelsAreNotRead() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CsvLineParser(",", 3, -1, -1, null, LabelMode.CLASSES));
    assertEquals("a label column is needed", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CsvLineParser(",", 3, -1, -1, null, LabelMode.VALUES));
    assertThrows(IllegalArgumentException.class, () -> new CsvLineParser(",", 3, -1, -1, null, LabelMode.CLASS_INDICES));
  }

  @Test
  void withoutLabelsTheLabelColumnIsNeitherReadNorAFeature() {
    CsvLineParser p = new CsvLineParser(",", 3, 0, -1, null, LabelMode.NONE);
    ParsedRow row = parse(p, "not a number,4,5");
    assertTrue(row.ok(), row.detail());
    assertNull(row.label());
    assertEquals(0f, row.target());
    assertArrayEquals(new float[] {4, 5}, features(row));
  }

  @Test
  void regressionTargetsAreReadAsNumbers() {
    CsvLineParser p = new CsvLineParser(",", 3, 2, -1, List.of("a", "b", "y"), LabelMode.VALUES);
    ParsedRow row = parse(p, "1,2,-3.25");
    assertTrue(row.ok(), row.detail());
    assertEquals(-3.25f, row.target());
    assertNull(row.label());
    ParsedRow bad = parse(p, "1,2,big");
    assertEquals(RowProblem.NON_NUMERIC, bad.problem());
    assertEquals("the label column 3 ('y') holds 'big'; expected a number (regression target;"
        + " class names need model.loss cross_entropy or bce)", bad.detail());
  }

  @Test
  void quotedFieldsMayHoldTheDelimiterAndEscapedQuotes() {
    ParsedRow row = parse(classes(), "\"x,y\",\"r,1\",1,\"2\"");
    assertTrue(row.ok(), row.detail());
    assertEquals("x,y", row.label());
    assertEquals("r,1", row.id());
    assertArrayEquals(new float[] {1, 2}, features(row));
    assertEquals("say \"hi\"", parse(classes(), "\"say \"\"hi\"\"\",r,1,2").label());
    assertEquals("\"", parse(classes(), "\"\"\"\",r,1,2").label(), "a field of one escaped quote");
    assertEquals("a\"\"b", parse(classes(), "a\"\"b,r,1,2").label(), "quotes inside an unquoted field stay as written");
  }

  @Test
  void anOpenOrMisplacedQuoteIsAMalformedRowThatSaysWhere() {
    ParsedRow open = parse(classes(), "a,b,\"1,2");
    assertEquals(RowProblem.MALFORMED, open.problem());
    assertEquals("a quote opened at character 5 is not closed", open.detail());
    ParsedRow follow = parse(classes(), "\"a\"x,b,1,2");
    assertEquals(RowProblem.MALFORMED, follow.problem());
    assertEquals("characters follow the closing quote at character 3", follow.detail());
    ParsedRow endsEscaped = parse(classes(), "\"a\"\"");
    assertEquals("a quote opened at character 1 is not closed", endsEscaped.detail());
  }

  @Test
  void aShortOrLongRowNamesTheCountsAndWhereTheExpectedCountComesFrom() {
    ParsedRow shortRow = parse(classes(), "a,b,1");
    assertEquals(RowProblem.COLUMN_COUNT, shortRow.problem());
    assertEquals("found 3 columns, expected 4 (as in the header) with delimiter ','", shortRow.detail());
    CsvLineParser headerless = new CsvLineParser("\t", 2, 0, -1, null, LabelMode.CLASSES);
    ParsedRow longRow = parse(headerless, "a\t1\t2");
    assertEquals(RowProblem.COLUMN_COUNT, longRow.problem());
    assertEquals("found 3 columns, expected 2 (as in the first line) with delimiter '\t'", longRow.detail());
  }

  @Test
  void badValuesNameTheColumnByNumberAndHeaderName() {
    assertProblem(classes(), "a,r,,2", RowProblem.MISSING_VALUE, "column 3 ('a') is empty; expected a number");
    assertProblem(classes(), "a,r, ,2", RowProblem.MISSING_VALUE, "column 3 ('a') is empty; expected a number");
    assertProblem(classes(), "a,r,1,NaN", RowProblem.NOT_FINITE, "column 4 ('b') holds 'NaN'; expected a finite number");
    assertProblem(classes(), "a,r,1e39,2", RowProblem.NOT_FINITE,
        "column 3 ('a') holds '1e39', beyond the float32 range; expected a finite number");
    assertProblem(classes(), "a,r,x,2", RowProblem.NON_NUMERIC, "column 3 ('a') holds 'x'; expected a number");
    assertProblem(classes(), ",r,1,2", RowProblem.MISSING_VALUE, "the label column 1 ('label') is empty");
    CsvLineParser headerless = new CsvLineParser(",", 2, 1, -1, null, LabelMode.CLASSES);
    assertProblem(headerless, "one,c", RowProblem.NON_NUMERIC, "column 1 holds 'one'; expected a number");
  }

  @Test
  void theFirstProblemOfARowIsTheOneReported() {
    assertProblem(classes(), "a,r,x,nan", RowProblem.NON_NUMERIC, "column 3 ('a') holds 'x'; expected a number");
    assertProblem(classes(), ",r,nan,x", RowProblem.MISSING_VALUE, "the label column 1 ('label') is empty");
  }

  @Test
  void longValuesAreShortenedInMessages() {
    String value = "v".repeat(50);
    assertProblem(classes(), "a,r," + value + ",2", RowProblem.NON_NUMERIC,
        "column 3 ('a') holds '" + "v".repeat(37) + "...'; expected a number");
  }

  private static void assertProblem(CsvLineParser p, String line, RowProblem problem, String detail) {
    ParsedRow row = parse(p, line);
    assertEquals(problem, row.problem(), line);
    assertEquals(detail, row.detail(), line);
  }

  @Test
  void fieldsOfAHeaderAreUnquoted() {
    assertEquals(List.of("a", "b,c", "d\"e"), CsvLineParser.fieldsOf("a,\"b,c\",\"d\"\"e\"", ","));
    assertEquals(List.of(""), CsvLineParser.fieldsOf("", ","));
    assertEquals(List.of("a", ""), CsvLineParser.fieldsOf("a,", ","), "a trailing delimiter opens an empty field");
    assertEquals(List.of("a", ""), CsvLineParser.fieldsOf("\"a\",", ","));
    assertEquals(List.of("", "", ""), CsvLineParser.fieldsOf(",,", ","));
    assertEquals(List.of("a", "b", "c::d"), CsvLineParser.fieldsOf("a::b::\"c::d\"", "::"), "a delimiter of two characters");
    assertEquals(List.of("a:b"), CsvLineParser.fieldsOf("a:b", "::"));
    assertNull(CsvLineParser.fieldsOf("\"a", ","));
    assertThrows(IllegalArgumentException.class, () -> CsvLineParser.fieldsOf("a", ""));
  }

  @Test
  void columnsOfCountsFieldsOrSaysMinusOneForBadCsv() {
    CsvLineParser p = classes();
    assertEquals(4, p.columnsOf("a,b,c,d"));
    assertEquals(2, p.columnsOf("\"a,b\",c"));
    assertEquals(3, p.columnsOf("a,b,"));
    assertEquals(-1, p.columnsOf("a,\"b"));
    assertEquals(-1, p.columnsOf("a,\"b\"c"));
  }

  @Test
  void linesOfManyFieldsAreSplitWhole() {
    // The field ranges start at 64 entries and grow: check lines that cross that size on every path.
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 150; i++) values.add(Integer.toString(i));
    assertEquals(values, CsvLineParser.fieldsOf(String.join(",", values), ","));
    List<String> quoted = new ArrayList<>();
    for (int i = 0; i < 150; i++) quoted.add("\"" + i + "\"\"\"");
    List<String> unquoted = new ArrayList<>();
    for (int i = 0; i < 150; i++) unquoted.add(i + "\"");
    assertEquals(unquoted, CsvLineParser.fieldsOf(String.join(",", quoted), ","));
    // 64 fields then a trailing delimiter: the empty 65th field needs room.
    String sixtyFour = String.join(",", values.subList(0, 64));
    List<String> withEmpty = new ArrayList<>(values.subList(0, 64));
    withEmpty.add("");
    assertEquals(withEmpty, CsvLineParser.fieldsOf(sixtyFour + ",", ","));
    String quotedLast = String.join(",", values.subList(0, 63)) + ",\"63\",";
    assertEquals(withEmpty, CsvLineParser.fieldsOf(quotedLast, ","));
    // A reused parser splits a short line correctly after a long one.
    CsvLineParser p = new CsvLineParser(",", 150, 0, -1, null, LabelMode.CLASSES);
    assertEquals(150, p.columnsOf(String.join(",", values)));
    assertEquals(2, p.columnsOf("1,2"));
    ParsedRow row = parse(p, String.join(",", values));
    assertTrue(row.ok(), row.detail());
    assertEquals("0", row.label());
    assertEquals(149, row.width());
    assertEquals(149f, row.features()[148]);
  }

  @Test
  void theParserIsSerializableAndWorksAfterACopy() throws Exception {
    CsvLineParser p = classes();
    p.columnsOf("a,b"); // builds the transient field splitter
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    CsvLineParser copy;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (CsvLineParser) in.readObject();
    }
    ParsedRow row = parse(copy, "cat,r1,1.5,-2");
    assertTrue(row.ok(), row.detail());
    assertArrayEquals(new float[] {1.5f, -2f}, features(row));
    assertEquals(List.of("a", "b"), copy.featureNames());
  }
}
