package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The strict number syntax every text format reads its values with. */
class NumberTextTest {

  private static NumberText.Kind kind(String s) {
    return NumberText.check(s, 0, s.length());
  }

  @Test
  void decimalNumbersWithSignFractionAndExponentAreNumbers() {
    for (String s : new String[] {"0", "9", "1", "-1", "+1", "1.5", "-0.25", ".5", "5.", "1e3", "1E3", "1e-3", "1e+3",
        "-1.5E-07", "1234567890", "00012"}) {
      assertEquals(NumberText.Kind.NUMBER, kind(s), s);
    }
  }

  @Test
  void spacesAndTabsAroundANumberAreIgnoredButNoOtherCharacter() {
    assertEquals(NumberText.Kind.NUMBER, kind(" 2.5"));
    assertEquals(NumberText.Kind.NUMBER, kind("2.5 "));
    assertEquals(NumberText.Kind.NUMBER, kind("\t 2.5 \t"));
    assertEquals(NumberText.Kind.NOT_A_NUMBER, kind("\n2.5"), "a newline is not a blank of a field");
    assertEquals(NumberText.Kind.NOT_A_NUMBER, kind("2.5\r"));
    assertEquals(NumberText.Kind.NOT_A_NUMBER, kind("2 5"), "a blank inside the number");
  }

  @Test
  void blanksOnlyAreEmpty() {
    assertEquals(NumberText.Kind.EMPTY, kind(""));
    assertEquals(NumberText.Kind.EMPTY, kind(" "));
    assertEquals(NumberText.Kind.EMPTY, kind(" \t "));
  }

  @Test
  void nanAndInfinityInAnyCaseWithAnOptionalSignAreNotFiniteWords() {
    for (String s : new String[] {"nan", "NaN", "NAN", "-nan", "inf", "+inf", "-Inf", "infinity", "-INFINITY", " nan "}) {
      assertEquals(NumberText.Kind.NOT_FINITE_WORD, kind(s), s);
    }
    for (String s : new String[] {"na", "nanx", "infinit", "infinityy", "in", "xnan", "+-inf"}) {
      assertEquals(NumberText.Kind.NOT_A_NUMBER, kind(s), s);
    }
  }

  @Test
  void whatFloatParseFloatAcceptsBeyondDecimalsIsRefused() {
    for (String s : new String[] {"abc", "1f", "1d", "0x10", "1e", "1e+", "1E-", ".", "-", "+", "1.2.3", "e5", "1e5x", "--1",
        "1,5", "/", ":", "1:", "1e/", "1e:"}) {
      assertEquals(NumberText.Kind.NOT_A_NUMBER, kind(s), s);
    }
  }

  @Test
  void onlyTheGivenRangeIsLookedAt() {
    String line = "x12y";
    assertEquals(NumberText.Kind.NUMBER, NumberText.check(line, 1, 3));
    assertEquals(NumberText.Kind.NOT_A_NUMBER, NumberText.check(line, 0, 3));
    assertEquals(NumberText.Kind.NOT_A_NUMBER, NumberText.check(line, 1, 4));
    assertEquals(NumberText.Kind.EMPTY, NumberText.check(line, 2, 2));
    assertEquals(12f, NumberText.parse(line, 1, 3));
    assertEquals(NumberText.Kind.NOT_FINITE_WORD, NumberText.check("1,nan,2", 2, 5));
  }

  @Test
  void parseGivesTheNearestFloatIgnoringBlanks() {
    assertEquals(2.5f, NumberText.parse(" 2.5\t", 0, 5));
    assertEquals(-1.5e-7f, NumberText.parse("-1.5E-07", 0, 8));
    assertEquals(0.1f, NumberText.parse("0.1", 0, 3));
    assertEquals(Float.POSITIVE_INFINITY, NumberText.parse("1e39", 0, 4), "beyond float32: the caller checks finiteness");
  }

  @Test
  void blanksAreSpaceAndTabOnly() {
    assertEquals(true, NumberText.isBlank(' '));
    assertEquals(true, NumberText.isBlank('\t'));
    assertEquals(false, NumberText.isBlank('\n'));
    assertEquals(false, NumberText.isBlank('0'));
  }
}
