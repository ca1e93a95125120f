package org.sparkprop.data;

/**
 * Strict reading of a decimal number from a range of a line: an optional sign, digits with an
 * optional fraction, an optional exponent; surrounding blanks are ignored. Stricter than
 * {@link Float#parseFloat}, which also takes hexadecimal and suffixed forms such as "1f" that a
 * data file should not contain by accident.
 */
public final class NumberText {
  /** What {@link #check} found. */
  public enum Kind { NUMBER, EMPTY, NOT_FINITE_WORD, NOT_A_NUMBER }

  private NumberText() {
  }

  /** Classifies s[from, to) without allocating. */
  public static Kind check(CharSequence s, int from, int to) {
    while (from < to && isBlank(s.charAt(from))) from++;
    while (to > from && isBlank(s.charAt(to - 1))) to--;
    if (from == to) return Kind.EMPTY;
    int i = from;
    if (s.charAt(i) == '+' || s.charAt(i) == '-') i++;
    if (isNonFiniteWord(s, i, to)) return Kind.NOT_FINITE_WORD;
    int digits = 0;
    while (i < to && isDigit(s.charAt(i))) { i++; digits++; }
    if (i < to && s.charAt(i) == '.') {
      i++;
      while (i < to && isDigit(s.charAt(i))) { i++; digits++; }
    }
    if (digits == 0) return Kind.NOT_A_NUMBER;
    if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
      int expDigits = 0;
      while (i < to && isDigit(s.charAt(i))) { i++; expDigits++; }
      if (expDigits == 0) return Kind.NOT_A_NUMBER;
    }
    return i == to ? Kind.NUMBER : Kind.NOT_A_NUMBER;
  }

  /** The float nearest to s[from, to), which {@link #check} classified as a NUMBER. */
  public static float parse(String s, int from, int to) {
    return Float.parseFloat(s.substring(from, to).trim());
  }

  private static boolean isNonFiniteWord(CharSequence s, int from, int to) {
    return regionIs(s, from, to, "nan") || regionIs(s, from, to, "inf") || regionIs(s, from, to, "infinity");
  }

  private static boolean regionIs(CharSequence s, int from, int to, String lower) {
    if (to - from != lower.length()) return false;
    for (int k = 0; k < lower.length(); k++) {
      if (Character.toLowerCase(s.charAt(from + k)) != lower.charAt(k)) return false;
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }
}
