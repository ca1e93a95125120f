package org.sparkprop.data;

/**
 * Splits one CSV line into field ranges without copying it. A field may be enclosed in double
 * quotes, with "" standing for one quote inside, so that a class name can hold the delimiter; a
 * quoted field cannot span lines. Reused per partition: the range arrays grow as needed.
 */
final class CsvFields {
  private final String delimiter;
  private int[] start = new int[64];
  private int[] end = new int[64];
  private boolean[] quoted = new boolean[64];
  private int count;
  private String line;
  private String error;

  CsvFields(String delimiter) {
    if (delimiter.isEmpty()) throw new IllegalArgumentException("the delimiter is empty");
    this.delimiter = delimiter;
  }

  /** Splits {@code line}; false (with {@link #error()}) when a quote is left open or misplaced. */
  boolean split(String line) {
    this.line = line;
    count = 0;
    error = null;
    int n = line.length();
    int i = 0;
    while (true) {
      grow();
      if (i < n && line.charAt(i) == '"') {
        int j = i + 1;
        boolean escaped = false;
        while (true) {
          if (j >= n) {
            error = "a quote opened at character " + (i + 1) + " is not closed";
            return false;
          }
          if (line.charAt(j) == '"') {
            if (j + 1 < n && line.charAt(j + 1) == '"') {
              escaped = true;
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        start[count] = i + 1;
        end[count] = j;
        quoted[count] = escaped;
        count++;
        i = j + 1;
        if (i == n) return true;
        if (!line.startsWith(delimiter, i)) {
          error = "characters follow the closing quote at character " + (j + 1);
          return false;
        }
        i += delimiter.length();
        if (i == n) { // a trailing delimiter opens an empty last field
          grow();
          start[count] = end[count] = n;
          quoted[count++] = false;
          return true;
        }
      } else {
        int d = line.indexOf(delimiter, i);
        int stop = d < 0 ? n : d;
        start[count] = i;
        end[count] = stop;
        quoted[count] = false;
        count++;
        if (d < 0) return true;
        i = d + delimiter.length();
        if (i == n) {
          grow();
          start[count] = end[count] = n;
          quoted[count++] = false;
          return true;
        }
      }
    }
  }

  private void grow() {
    if (count == start.length) {
      start = java.util.Arrays.copyOf(start, 2 * count);
      end = java.util.Arrays.copyOf(end, 2 * count);
      quoted = java.util.Arrays.copyOf(quoted, 2 * count);
    }
  }

  int count() {
    return count;
  }

  int start(int field) {
    return start[field];
  }

  int end(int field) {
    return end[field];
  }

  /** The field's text, with quotes removed and "" unescaped. */
  String text(int field) {
    String s = line.substring(start[field], end[field]);
    return quoted[field] ? s.replace("\"\"", "\"") : s;
  }

  String error() {
    return error;
  }
}
