package org.sparkprop.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one configuration key accepts, as its {@code Type:} line (and {@code Values:} block) in
 * {@code reference.conf} states it: the kind of value, its range or its closed list of values.
 *
 * <p>Two readers use a type, and both end in {@link #check}, so each range is written once: the
 * configuration validator reads HOCON values ({@link #read}: files, and {@code --set} strings that
 * spell numbers, booleans or lists), the Spark ML params check the Java values their setters get.
 * A check gives the value in its canonical form (integers as Integer, or Long for 64-bit keys;
 * numbers as Double; names spelled as {@code reference.conf} spells them; lists as List) or the
 * phrase that says what was expected, for a message that names the key and the value.
 */
public sealed interface ValueType extends Serializable {

  /** What a value must be, as messages and documentation say it: "a number in [0, 1)". */
  String expected();

  /** Reads a value of a configuration file or of {@code --set}. */
  Checked read(ConfigValue value);

  /** Checks a Java value (Boolean, a Number, String, or a List of them). */
  Checked check(Object value);

  /** The accepted names with their meaning, for a closed list of values; else empty. */
  default List<Choice> choices() {
    return List.of();
  }

  /** A value in canonical form, or what was expected instead (then {@code value} is null). */
  record Checked(Object value, String expected) {
    static Checked ok(Object value) {
      return new Checked(value, null);
    }

    static Checked bad(String expected) {
      return new Checked(null, expected);
    }

    public boolean ok() {
      return expected == null;
    }
  }

  /** One accepted name of a key with a closed list of values, and what it means ("" if nothing is said). */
  record Choice(String name, String description) implements Serializable {
  }

  /** {@code boolean}: true or false, also yes/no and on/off as HOCON accepts them. */
  record Flag() implements ValueType {
    @Override
    public String expected() {
      return "true or false";
    }

    @Override
    public Checked read(ConfigValue v) {
      if (v.valueType() == ConfigValueType.BOOLEAN) return check(v.unwrapped());
      if (v.valueType() == ConfigValueType.STRING) {
        switch (((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT)) {
          case "true": case "yes": case "on": return check(Boolean.TRUE);
          case "false": case "no": case "off": return check(Boolean.FALSE);
          default: break;
        }
      }
      return Checked.bad(expected());
    }

    @Override
    public Checked check(Object value) {
      return value instanceof Boolean ? Checked.ok(value) : Checked.bad(expected());
    }
  }

  /** {@code string} or {@code non-empty string}; numbers and booleans count as their text, as HOCON's getString has it. */
  record Text(boolean nonEmpty) implements ValueType {
    @Override
    public String expected() {
      return nonEmpty ? "a non-empty string" : "a string";
    }

    @Override
    public Checked read(ConfigValue v) {
      String s = scalarText(v);
      return s == null ? Checked.bad(expected()) : check(s);
    }

    @Override
    public Checked check(Object value) {
      return value instanceof String s && !(nonEmpty && s.isEmpty()) ? Checked.ok(s) : Checked.bad(expected());
    }
  }

  /**
   * {@code none, balanced, or class weights}: {@code train.classWeights} as
   * {@link org.sparkprop.data.ClassWeights#parse} reads it; a list may be written as a HOCON list or
   * as text, "1,5".
   */
  record ClassWeightList() implements ValueType {
    @Override
    public String expected() {
      return "none, balanced, or a list of one weight >= 0 per class such as \"1,5\"";
    }

    @Override
    public Checked read(ConfigValue v) {
      if (v instanceof ConfigList list) {
        List<String> items = new ArrayList<>();
        for (ConfigValue item : list) {
          String t = scalarText(item);
          if (t == null) return Checked.bad(expected());
          items.add(t);
        }
        return check(String.join(",", items));
      }
      String s = scalarText(v);
      return s == null ? Checked.bad(expected()) : check(s);
    }

    @Override
    public Checked check(Object value) {
      if (!(value instanceof String s)) return Checked.bad(expected());
      try {
        org.sparkprop.data.ClassWeights.parse(s);
        return Checked.ok(s.trim());
      } catch (IllegalArgumentException e) {
        return Checked.bad(expected()); // the phrase alone, as the Python binding words it too
      }
    }
  }

  /**
   * {@code stop target}: {@code train.stopAt}, "" or {@code METRIC=VALUE} as
   * {@link org.sparkprop.train.TargetMetric#parse} reads it.
   */
  record StopTarget() implements ValueType {
    @Override
    public String expected() {
      return "\"\" or METRIC=VALUE with METRIC one of accuracy, loss, mse and a finite VALUE, e.g. accuracy=0.85";
    }

    @Override
    public Checked read(ConfigValue v) {
      String s = scalarText(v);
      return s == null ? Checked.bad(expected()) : check(s);
    }

    @Override
    public Checked check(Object value) {
      if (!(value instanceof String s)) return Checked.bad(expected());
      if (s.isBlank()) return Checked.ok("");
      try {
        org.sparkprop.train.TargetMetric.parse(s);
        return Checked.ok(s.trim());
      } catch (IllegalArgumentException e) {
        return Checked.bad(expected()); // the phrase alone, as the Python binding words it too
      }
    }
  }

  /** {@code column name, or 0-based column index}: a name, or a value made only of digits. */
  record Column() implements ValueType {
    @Override
    public String expected() {
      return "a column name or a 0-based column index";
    }

    @Override
    public Checked read(ConfigValue v) {
      String s = scalarText(v);
      if (s == null || (v.valueType() == ConfigValueType.NUMBER && !isIndex(s))) return Checked.bad(expected());
      return check(s);
    }

    @Override
    public Checked check(Object value) {
      return value instanceof String s && !s.isEmpty() ? Checked.ok(s) : Checked.bad(expected());
    }

    /** Whether a column value is an index (digits only, small enough for an int) rather than a name. */
    static boolean isIndex(String s) {
      if (s.isEmpty() || s.length() > 9) return false;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
      }
      return true;
    }
  }

  /**
   * {@code integer >= min}, {@code integer, alone or >= min}, with {@code (64-bit)} for a Long
   * key; without a lower bound, any integer of the width.
   *
   * @param alone a single value accepted below {@code min} (e.g. 0 for "no classes"), or null
   */
  record Whole(long min, long max, Long alone) implements ValueType {
    /** Whether values are Long (64-bit) rather than Integer. */
    public boolean wide() {
      return max > Integer.MAX_VALUE;
    }

    @Override
    public String expected() {
      if (alone != null) return alone + " or an integer >= " + min;
      if (min == Long.MIN_VALUE) return "a 64-bit integer";
      if (min == Integer.MIN_VALUE) return "an integer";
      return "an integer >= " + min;
    }

    @Override
    public Checked read(ConfigValue v) {
      BigDecimal d = decimal(v);
      if (d == null) return Checked.bad(expected());
      try {
        return check(d.longValueExact());
      } catch (ArithmeticException e) {
        boolean whole = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
        return Checked.bad(whole ? expected() + " and <= " + max : expected());
      }
    }

    @Override
    public Checked check(Object value) {
      if (!(value instanceof Integer || value instanceof Long)) return Checked.bad(expected());
      long x = ((Number) value).longValue();
      if (x > max) return Checked.bad(expected() + " and <= " + max);
      if (x < min && (alone == null || x != alone)) return Checked.bad(expected());
      return Checked.ok(wide() ? (Object) x : (Object) (int) x);
    }
  }

  /** {@code number > lo}, {@code number >= lo} or {@code number in [lo, hi)} and the like; finite. */
  record Real(double lo, boolean loIncluded, double hi, boolean hiIncluded) implements ValueType {
    @Override
    public String expected() {
      if (hi == Double.POSITIVE_INFINITY) return "a number " + (loIncluded ? ">= " : "> ") + plain(lo);
      return "a number in " + (loIncluded ? "[" : "(") + plain(lo) + ", " + plain(hi) + (hiIncluded ? "]" : ")");
    }

    @Override
    public Checked read(ConfigValue v) {
      BigDecimal d = decimal(v);
      return d == null ? Checked.bad(expected()) : check(d.doubleValue());
    }

    @Override
    public Checked check(Object value) {
      if (!(value instanceof Number n)) return Checked.bad(expected());
      double x = n.doubleValue();
      boolean in = Double.isFinite(x) && (loIncluded ? x >= lo : x > lo) && (hiIncluded ? x <= hi : x < hi);
      return in ? Checked.ok(x) : Checked.bad(expected());
    }
  }

  /**
   * {@code auto, or number ...}: the word {@code auto} (the program chooses from the rest of the
   * configuration), or a number of the given range; a number may come as text too ("0.2"), as a
   * Spark ML param that holds either as a string gives it. Canonical: "auto" or a Double.
   */
  record AutoOrReal(Real number) implements ValueType {
    public static final String AUTO = "auto";

    @Override
    public String expected() {
      return AUTO + " or " + number.expected();
    }

    @Override
    public Checked read(ConfigValue v) {
      if (v.valueType() == ConfigValueType.STRING) return check(v.unwrapped());
      BigDecimal d = decimal(v);
      return d == null ? Checked.bad(expected()) : check(d.doubleValue());
    }

    @Override
    public Checked check(Object value) {
      if (value instanceof String s) {
        if (s.trim().equalsIgnoreCase(AUTO)) return Checked.ok(AUTO);
        try {
          value = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          return Checked.bad(expected());
        }
      }
      Checked n = number.check(value);
      return n.ok() ? n : Checked.bad(expected());
    }
  }

  /** {@code string} with a {@code Values:} block: one of a closed list of names, case-insensitive. */
  record OneOf(List<Choice> choices) implements ValueType {
    public OneOf {
      choices = List.copyOf(choices);
    }

    public List<String> names() {
      return choices.stream().map(Choice::name).toList();
    }

    /** The same list without some names (a Spark ML estimator that has no use for them). */
    public OneOf without(Collection<String> names) {
      return new OneOf(choices.stream().filter(c -> !names.contains(c.name())).toList());
    }

    @Override
    public String expected() {
      return "one of " + String.join(", ", names());
    }

    @Override
    public Checked read(ConfigValue v) {
      return v.valueType() == ConfigValueType.STRING ? check(v.unwrapped()) : Checked.bad(expected());
    }

    @Override
    public Checked check(Object value) {
      if (!(value instanceof String s)) return Checked.bad(expected());
      String name = match(names(), s);
      return name != null ? Checked.ok(name) : Checked.bad(expected() + didYouMean(s.trim(), names()));
    }
  }

  /** {@code list of distinct values} with a {@code Values:} block: each name at most once. */
  record DistinctValues(List<Choice> choices) implements ValueType {
    public DistinctValues {
      choices = List.copyOf(choices);
    }

    public List<String> names() {
      return choices.stream().map(Choice::name).toList();
    }

    @Override
    public String expected() {
      return "a list of distinct values from " + String.join(", ", names());
    }

    @Override
    public Checked read(ConfigValue v) {
      return v.valueType() == ConfigValueType.LIST ? check(v.unwrapped()) : Checked.bad(expected());
    }

    @Override
    public Checked check(Object value) {
      if (!(value instanceof List<?> list)) return Checked.bad(expected());
      List<String> out = new ArrayList<>();
      for (Object element : list) {
        String name = element instanceof String s ? match(names(), s) : null;
        if (name == null) {
          String shown = element instanceof String s ? "'" + s + "'" : String.valueOf(element);
          String hint = element instanceof String s ? didYouMean(s.trim(), names()) : "";
          return Checked.bad(expected() + "; " + shown + " is not one" + hint);
        }
        if (out.contains(name)) return Checked.bad(expected() + "; '" + name + "' appears twice");
        out.add(name);
      }
      return Checked.ok(List.copyOf(out));
    }
  }

  /** {@code list of integers >= min}. */
  record WholeList(int min) implements ValueType {
    @Override
    public String expected() {
      return "a list of integers >= " + min;
    }

    @Override
    public Checked read(ConfigValue v) {
      if (v.valueType() != ConfigValueType.LIST) return Checked.bad(expected());
      List<Object> numbers = new ArrayList<>();
      for (ConfigValue element : (ConfigList) v) {
        BigDecimal d = decimal(element);
        Object n = null;
        if (d != null) {
          try {
            n = d.intValueExact();
          } catch (ArithmeticException e) {
            n = null;
          }
        }
        if (n == null) return Checked.bad(expected() + "; " + describe(element) + " is not");
        numbers.add(n);
      }
      return check(numbers);
    }

    @Override
    public Checked check(Object value) {
      if (!(value instanceof List<?> list)) return Checked.bad(expected());
      List<Integer> out = new ArrayList<>();
      for (Object element : list) {
        if (!(element instanceof Integer i) || i < min) return Checked.bad(expected() + "; " + element + " is not");
        out.add(i);
      }
      return Checked.ok(List.copyOf(out));
    }
  }

  /**
   * {@code object of strings}: settings passed on verbatim ({@code spark.conf}). Read by the
   * validator itself, which names each bad setting by its own key.
   */
  record Settings() implements ValueType {
    @Override
    public String expected() {
      return "an object of Spark settings, e.g. spark.conf { \"spark.executor.memory\" = \"2g\" }";
    }

    @Override
    public Checked read(ConfigValue v) {
      return v.valueType() == ConfigValueType.OBJECT ? Checked.ok(v.unwrapped()) : Checked.bad(expected());
    }

    @Override
    public Checked check(Object value) {
      return value instanceof Map<?, ?> ? Checked.ok(value) : Checked.bad(expected());
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The accepted name {@code value} stands for, ignoring case and surrounding spaces, or null. */
  private static String match(List<String> accepted, String value) {
    String s = value.trim();
    for (String name : accepted) {
      if (name.equalsIgnoreCase(s)) return name;
    }
    return null;
  }

  /** Numbers, and strings that spell one (every --set value is a string). */
  static BigDecimal decimal(ConfigValue v) {
    try {
      if (v.valueType() == ConfigValueType.NUMBER) return new BigDecimal(v.unwrapped().toString());
      if (v.valueType() == ConfigValueType.STRING) return new BigDecimal(((String) v.unwrapped()).trim());
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  /** Strings as they are; numbers and booleans by their text, as HOCON's getString does. */
  static String scalarText(ConfigValue v) {
    switch (v.valueType()) {
      case STRING: return (String) v.unwrapped();
      case NUMBER:
      case BOOLEAN: return v.render();
      default: return null;
    }
  }

  /** A value as messages show it: a --set number as the number the user typed, other strings quoted. */
  static String describe(ConfigValue v) {
    switch (v.valueType()) {
      case STRING:
        return decimal(v) != null ? ((String) v.unwrapped()).trim() : "'" + v.unwrapped() + "'";
      case NULL: return "null";
      case NUMBER:
      case BOOLEAN: return v.render();
      default: return v.render(ConfigRenderOptions.concise());
    }
  }

  static String didYouMean(String value, List<String> accepted) {
    List<String> s = KeySuggestions.forValue(value, accepted);
    return s.isEmpty() ? "" : "; did you mean " + s.stream().map(x -> "'" + x + "'")
        .collect(Collectors.joining(" or ")) + "?";
  }

  /** 0.01 rather than 0.010 or 1.0E-2. */
  static String plain(double x) {
    return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }
}
