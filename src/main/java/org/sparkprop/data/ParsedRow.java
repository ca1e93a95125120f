package org.sparkprop.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * One input row as a parser leaves it: dense features, the label (a class name or a value), an
 * optional id, where it was read, and the problem that made it unusable (null for a good row).
 * One instance per partition is reused for every row, so parsing allocates no row objects.
 */
public final class ParsedRow {
  /** How {@link #position()} counts. */
  public enum Unit {
    /** 0-based line of the input split starting at {@link #splitStart()}: resolved to a file line by the driver. */
    LINE_OF_SPLIT("line"),
    /** 0-based row of the file. */
    ROW_OF_FILE("row"),
    /** 0-based row of a partition of an in-memory table. */
    ROW_OF_PARTITION("row");

    final String word;

    Unit(String word) {
      this.word = word;
    }
  }

  private float[] features = new float[64]; // (width) dense values; only [0, width) is meaningful
  private int width;
  private String label;
  private float target;
  private float weight = 1f; // the sample weight; 1 unless the input has a weight column
  private Object id;
  private RowProblem problem;
  private String detail;
  private String source;
  private long splitStart;
  private long position;
  private Unit unit;

  /** Starts a new row read at the given place. */
  public void reset(String source, Unit unit, long splitStart, long position) {
    this.source = source;
    this.unit = unit;
    this.splitStart = splitStart;
    this.position = position;
    this.width = 0;
    this.label = null;
    this.target = 0;
    this.weight = 1f;
    this.id = null;
    this.problem = null;
    this.detail = null;
  }

  /** Marks the row bad; the first problem found is kept. */
  public void fail(RowProblem problem, String detail) {
    if (this.problem == null) {
      this.problem = problem;
      this.detail = detail;
    }
  }

  /** The feature buffer, grown to hold at least {@code width} values (kept values survive growth). */
  public float[] featuresFor(int width) {
    if (features.length < width) features = Arrays.copyOf(features, Math.max(width, 2 * features.length));
    return features;
  }

  public void setWidth(int width) {
    this.width = width;
  }

  public void setLabel(String label) {
    this.label = label;
  }

  public void setTarget(float target) {
    this.target = target;
  }

  public void setWeight(float weight) {
    this.weight = weight;
  }

  public void setId(Object id) {
    this.id = id;
  }

  public boolean ok() {
    return problem == null;
  }

  public float[] features() {
    return features;
  }

  public int width() {
    return width;
  }

  public String label() {
    return label;
  }

  public float target() {
    return target;
  }

  /** The sample weight: the weight column's value, or 1 when there is none. */
  public float weight() {
    return weight;
  }

  /**
   * Reads a sample weight: a finite number, zero or more (zero-weight rows are kept and count for
   * nothing, as in Spark ML). Anything else marks the row bad with a message naming {@code what}
   * and returns 0.
   */
  public static float parseWeight(String text, int from, int to, String what, ParsedRow row) {
    switch (NumberText.check(text, from, to)) {
      case NUMBER: {
        float v = NumberText.parse(text, from, to);
        return checkWeight(v, what, text.subSequence(from, to), row);
      }
      case EMPTY:
        row.fail(RowProblem.BAD_WEIGHT, what + " is empty; expected a sample weight (a finite number >= 0)");
        return 0f;
      default:
        row.fail(RowProblem.BAD_WEIGHT, what + " holds " + quote(text.subSequence(from, to))
            + "; expected a sample weight (a finite number >= 0)");
        return 0f;
    }
  }

  /** Checks a sample weight read as a number; a negative, NaN or infinite one marks the row bad and gives 0. */
  public static float checkWeight(double v, String what, CharSequence shown, ParsedRow row) {
    if (v >= 0 && v <= Float.MAX_VALUE) return (float) v;
    row.fail(RowProblem.BAD_WEIGHT, what + " holds " + quote(shown)
        + "; a sample weight must be a finite number >= 0 (0 keeps the row at no weight)");
    return 0f;
  }

  /** The id column's value (a String for text inputs), or null. */
  public Object id() {
    return id;
  }

  public RowProblem problem() {
    return problem;
  }

  public String detail() {
    return detail;
  }

  public String source() {
    return source;
  }

  public Unit unit() {
    return unit;
  }

  public long splitStart() {
    return splitStart;
  }

  public long position() {
    return position;
  }

  /** "line 17" or "row 16": numbered from 1 for lines (as editors do), from 0 for rows (as arrays do). */
  public static String place(Unit unit, long resolvedPosition) {
    return unit == Unit.LINE_OF_SPLIT
        ? String.format(Locale.ROOT, "line %d", resolvedPosition + 1)
        : String.format(Locale.ROOT, "row %d (0-based)", resolvedPosition);
  }

  /** A value as found in the input, quoted and shortened for a message. */
  public static String quote(CharSequence s) {
    String t = s.toString();
    if (t.length() > 40) t = t.substring(0, 37) + "...";
    return "'" + t + "'";
  }
}
