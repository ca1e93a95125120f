package org.sparkprop.data;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Class names to class indices, fitted on the training labels and saved with the model so that
 * test, evaluation and prediction data map the same way. Names are the labels as written, with
 * numbers canonicalised ("1", "1.0" and "1e0" are all class "1"). Order: numeric names by value
 * when every name is a number (so labels 0..k-1 map to themselves), otherwise by string.
 */
public final class LabelMapping implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Above this many distinct labels the column is almost surely a regression target. */
  public static final int MAX_CLASSES = 10_000;

  private final String[] names; // (classes) class index -> name
  private transient Map<String, Integer> index;

  private LabelMapping(String[] names) {
    this.names = names;
  }

  /** A mapping with exactly these class names, in this order (as saved with a model). */
  public static LabelMapping of(List<String> names) {
    if (names.size() < 1) throw new IllegalArgumentException("a label mapping needs at least one class");
    if (new TreeSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException("class names repeat in " + names);
    }
    return new LabelMapping(names.toArray(new String[0]));
  }

  /** Classes 0 .. classes-1 named by their numbers: generated data sets. */
  public static LabelMapping indices(int classes) {
    String[] names = new String[classes];
    for (int i = 0; i < classes; i++) names[i] = Integer.toString(i);
    return new LabelMapping(names);
  }

  /**
   * The class index a canonical name stands for when labels are class indices themselves
   * ({@link LabelMode#CLASS_INDICES}): "0" to "9999" (below {@link #MAX_CLASSES}), or -1 for any
   * other name.
   */
  public static int classIndex(String canonicalName) {
    if (canonicalName == null || canonicalName.isEmpty() || canonicalName.length() > 4) return -1;
    for (int i = 0; i < canonicalName.length(); i++) {
      if (canonicalName.charAt(i) < '0' || canonicalName.charAt(i) > '9') return -1;
    }
    if (canonicalName.length() > 1 && canonicalName.charAt(0) == '0') return -1; // canonical names have no leading zero
    int index = Integer.parseInt(canonicalName);
    return index < MAX_CLASSES ? index : -1;
  }

  /** The mapping of the distinct canonical labels found in training data. */
  public static LabelMapping fit(Collection<String> distinctCanonicalLabels) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(distinctCanonicalLabels));
    boolean numeric = sorted.stream().allMatch(LabelMapping::isNumber);
    if (numeric) sorted.sort(Comparator.comparing(BigDecimal::new));
    return of(sorted);
  }

  /**
   * The canonical class name of a label as written: a number in its shortest exact form (so 1,
   * 1.0 and 1e0 are one class), anything else trimmed. Null for an empty label.
   */
  public static String canonical(String text) {
    String t = text.trim();
    if (t.isEmpty()) return null;
    if (NumberText.check(t, 0, t.length()) == NumberText.Kind.NUMBER) {
      BigDecimal d = new BigDecimal(t.startsWith("+") ? t.substring(1) : t).stripTrailingZeros();
      if (d.signum() == 0) return "0";
      return d.scale() <= 0 && d.precision() - d.scale() <= 19 ? d.toBigIntegerExact().toString() : d.toString();
    }
    return t;
  }

  /** The canonical name of a numeric label value (from a typed column). */
  public static String canonical(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e18) return Long.toString((long) value);
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toString();
  }

  private static boolean isNumber(String s) {
    return NumberText.check(s, 0, s.length()) == NumberText.Kind.NUMBER;
  }

  public int classes() {
    return names.length;
  }

  /** The class index of a canonical name, or -1 when it is not one of the classes. */
  public int indexOf(String canonicalName) {
    if (index == null) {
      Map<String, Integer> m = new HashMap<>(names.length * 2);
      for (int i = 0; i < names.length; i++) m.put(names[i], i);
      index = m;
    }
    Integer i = index.get(canonicalName);
    return i == null ? -1 : i;
  }

  public String name(int classIndex) {
    return names[classIndex];
  }

  public List<String> names() {
    return List.of(names);
  }

  /** The classes for a message: all of them when few, else the first and last few. */
  public String describe() {
    if (names.length <= 12) return String.join(", ", names);
    return String.join(", ", Arrays.copyOf(names, 6)) + ", ... " + names[names.length - 1]
        + " (" + names.length + " classes)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMapping m && Arrays.equals(names, m.names);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(names);
  }

  @Override
  public String toString() {
    return "LabelMapping" + Arrays.toString(names);
  }
}
