package org.sparkprop.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every configuration key, read from {@code reference.conf}: the one definition of each key's
 * type, range, accepted values, default and documentation. The configuration validator, its
 * messages, {@code --set}, and the Spark ML params (their docs, defaults and range checks) all
 * take them from here.
 *
 * <p>Each key is preceded by comment lines (HOCON keeps them with the value), in this order:
 * <pre>
 * # What the key means: free text, any number of lines, naming other keys by their full path.
 * # Values: name   what it means        (a closed list of values: one per line, or several
 * #         other  ...                   names separated by commas; a description continues
 * #                more of the description  on lines indented further)
 * # Type: number in [0, 1).            (see below)
 * # Spark ML param: momentum.           (only for a training option the estimators take)
 * key = 0.9                             (the value is the default)
 * </pre>
 * Types: {@code boolean}; {@code string}, {@code non-empty string}; {@code column name, or 0-based
 * column index}; {@code integer}, {@code integer >= N}, {@code integer, A or >= N}, each with
 * {@code (64-bit)} for a 64-bit key; {@code number > X}, {@code number >= X}, {@code number in
 * [A, B]} with either end open ({@code (} or {@code )}), each also as {@code auto, or number ...};
 * {@code list of integers >= N};
 * {@code string} with a {@code Values:} block (one of them, case-insensitive);
 * {@code list of distinct values} with a {@code Values:} block; {@code object of strings} (settings
 * passed on verbatim). A key whose comments do not parse, or whose default its own type refuses,
 * stops the program at start with the key named: it is a mistake in the file, not the user's.
 */
public final class ConfigKeys {
  private static volatile ConfigKeys reference;

  private final Map<String, ConfigKey> keys;
  private final Set<String> sections;

  private ConfigKeys(Map<String, ConfigKey> keys, Set<String> sections) {
    this.keys = Collections.unmodifiableMap(keys);
    this.sections = Collections.unmodifiableSet(sections);
  }

  /** The keys of the {@code reference.conf} the program loads. */
  public static ConfigKeys reference() {
    ConfigKeys r = reference;
    if (r == null) {
      r = parse(ConfigLoader.reference());
      reference = r;
    }
    return r;
  }

  /** Every key, in the order of the file. */
  public Collection<ConfigKey> all() {
    return keys.values();
  }

  public Optional<ConfigKey> find(String key) {
    return Optional.ofNullable(keys.get(key));
  }

  /** @throws IllegalArgumentException for a key the file does not define */
  public ConfigKey get(String key) {
    ConfigKey k = keys.get(key);
    if (k == null) throw new IllegalArgumentException("no configuration key '" + key + "' in " + ConfigLoader.RESOURCE);
    return k;
  }

  /** The keys that are Spark ML params too, in the order of the file. */
  public List<ConfigKey> sparkParams() {
    return keys.values().stream().filter(k -> k.sparkParam() != null).toList();
  }

  /** The objects that group keys ({@code train}, {@code data.playground}, ...). */
  Set<String> sections() {
    return sections;
  }

  boolean isSection(String key) {
    return sections.contains(key);
  }

  String firstLeafUnder(String section) {
    return keys.keySet().stream().filter(k -> k.startsWith(section + ".")).findFirst().orElse(section + ".<key>");
  }

  // ---------------------------------------------------------------------------------------------

  static ConfigKeys parse(Config config) {
    List<Map.Entry<String, ConfigValue>> leaves = new ArrayList<>();
    Set<String> sections = new TreeSet<>();
    collect(config.root(), List.of(), leaves, sections);
    leaves.sort(Comparator.comparingInt(e -> e.getValue().origin().lineNumber()));
    Map<String, ConfigKey> keys = new LinkedHashMap<>();
    Set<String> params = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : leaves) {
      ConfigKey key = define(e.getKey(), e.getValue());
      if (key.sparkParam() != null && !params.add(key.sparkParam())) {
        throw mistake(e.getKey(), "the Spark ML param name " + key.sparkParam() + " is used by another key too");
      }
      keys.put(key.key(), key);
    }
    return new ConfigKeys(keys, sections);
  }

  /** Objects are sections unless their comments give a Type (an open object of settings). */
  private static void collect(ConfigObject object, List<String> parent, List<Map.Entry<String, ConfigValue>> leaves,
                              Set<String> sections) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      List<String> path = new ArrayList<>(parent);
      path.add(e.getKey());
      String key = ConfigUtil.joinPath(path);
      ConfigValue v = e.getValue();
      boolean typed = v.origin().comments().stream().anyMatch(c -> c.trim().startsWith(TYPE));
      if (v.valueType() == ConfigValueType.OBJECT && !typed) {
        sections.add(key);
        collect((ConfigObject) v, path, leaves, sections);
      } else {
        leaves.add(Map.entry(key, v));
      }
    }
  }

  private static ConfigKey define(String key, ConfigValue value) {
    Comments c = Comments.parse(key, value.origin().comments());
    ValueType type = type(key, c.type, c.values);
    ValueType.Checked d = type.read(value);
    if (!d.ok()) throw mistake(key, "its default " + ValueType.describe(value) + " is not " + d.expected());
    return new ConfigKey(key, type, c.doc, d.value(), c.param);
  }

  private static final String TYPE = "Type:";
  private static final String VALUES = "Values:";
  private static final String PARAM = "Spark ML param:";
  private static final String AUTO_OR = "auto, or ";

  private static final Pattern WHOLE = Pattern.compile("integer(?:, (-?\\d+) or)?(?: >= (-?\\d+))?( \\(64-bit\\))?");
  private static final Pattern REAL_BOUND = Pattern.compile("number (>=?) (-?[\\d.]+)");
  private static final Pattern REAL_RANGE = Pattern.compile("number in ([\\[(])(-?[\\d.]+), (-?[\\d.]+)([\\])])");
  private static final Pattern WHOLE_LIST = Pattern.compile("list of integers >= (-?\\d+)");
  /** A Values line "name  description" (two spaces or more between them). */
  private static final Pattern DESCRIBED = Pattern.compile("(\\S+)\\s{2,}(\\S.*)");
  /** A Values line of names only, "a, b, c". */
  private static final Pattern NAMES = Pattern.compile("[\\w.-]+(,\\s*[\\w.-]+)*,?");

  private static ValueType type(String key, String text, List<ValueType.Choice> values) {
    if (text == null) throw mistake(key, "it has no '" + TYPE + "' line");
    boolean listed = !values.isEmpty();
    if (listed && !text.equals("string") && !text.equals("list of distinct values")) {
      throw mistake(key, "'" + VALUES + "' goes with Type: string or list of distinct values, not " + text);
    }
    switch (text) {
      case "boolean": return new ValueType.Flag();
      case "string": return listed ? new ValueType.OneOf(values) : new ValueType.Text(false);
      case "non-empty string": return new ValueType.Text(true);
      case "column name, or 0-based column index": return new ValueType.Column();
      case "none, balanced, or class weights": return new ValueType.ClassWeightList();
      case "stop target": return new ValueType.StopTarget();
      case "object of strings": return new ValueType.Settings();
      case "list of distinct values":
        if (!listed) throw mistake(key, "a list of distinct values needs a '" + VALUES + "' block");
        return new ValueType.DistinctValues(values);
      default: break;
    }
    if (text.startsWith(AUTO_OR)) {
      ValueType rest = type(key, text.substring(AUTO_OR.length()), values);
      if (!(rest instanceof ValueType.Real r)) throw mistake(key, "'" + AUTO_OR + "' goes with a number type, not " + text);
      return new ValueType.AutoOrReal(r);
    }
    Matcher m = WHOLE.matcher(text);
    if (m.matches()) {
      boolean wide = m.group(3) != null;
      long min = m.group(2) != null ? Long.parseLong(m.group(2)) : wide ? Long.MIN_VALUE : Integer.MIN_VALUE;
      return new ValueType.Whole(min, wide ? Long.MAX_VALUE : Integer.MAX_VALUE,
          m.group(1) != null ? Long.valueOf(m.group(1)) : null);
    }
    m = REAL_BOUND.matcher(text);
    if (m.matches()) return new ValueType.Real(Double.parseDouble(m.group(2)), m.group(1).equals(">="),
        Double.POSITIVE_INFINITY, false);
    m = REAL_RANGE.matcher(text);
    if (m.matches()) return new ValueType.Real(Double.parseDouble(m.group(2)), m.group(1).equals("["),
        Double.parseDouble(m.group(3)), m.group(4).equals("]"));
    m = WHOLE_LIST.matcher(text);
    if (m.matches()) return new ValueType.WholeList(Integer.parseInt(m.group(1)));
    throw mistake(key, "its type '" + text + "' is not one of the types " + ConfigKeys.class.getName() + " reads");
  }

  private static IllegalStateException mistake(String key, String what) {
    return new IllegalStateException(ConfigLoader.RESOURCE + " defines " + key + " wrongly: " + what);
  }

  /** The comment lines of one key, taken apart. */
  private static final class Comments {
    final List<String> docLines = new ArrayList<>();
    final List<ValueType.Choice> values = new ArrayList<>();
    String doc;
    String type;
    String param;

    static Comments parse(String key, List<String> lines) {
      Comments c = new Comments();
      List<String[]> entries = new ArrayList<>(); // name, description so far
      int column = -1; // where the names of a Values block start; -1 outside one
      for (String line : lines) {
        String t = line.trim();
        int indent = line.length() - line.stripLeading().length();
        if (column >= 0 && !t.isEmpty() && indent >= column) {
          if (indent > column && !entries.isEmpty()) {
            String[] last = entries.get(entries.size() - 1);
            last[1] = (last[1] + " " + t).trim();
          } else {
            entries.addAll(valueLine(key, t));
          }
          continue;
        }
        column = -1;
        if (t.startsWith(VALUES)) {
          String rest = line.substring(line.indexOf(VALUES) + VALUES.length());
          column = line.indexOf(VALUES) + VALUES.length() + (rest.length() - rest.stripLeading().length());
          entries.addAll(valueLine(key, rest.trim()));
        } else if (t.startsWith(TYPE)) {
          c.type = sentence(t.substring(TYPE.length()));
        } else if (t.startsWith(PARAM)) {
          c.param = sentence(t.substring(PARAM.length()));
        } else if (!t.isEmpty()) {
          c.docLines.add(t);
        }
      }
      for (String[] e : entries) c.values.add(new ValueType.Choice(e[0], e[1]));
      c.doc = String.join(" ", c.docLines);
      if (c.doc.isEmpty()) throw mistake(key, "it has no documentation");
      return c;
    }

    /** "name  description", "name", or "a, b, c" (names only). */
    private static List<String[]> valueLine(String key, String text) {
      List<String[]> out = new ArrayList<>();
      Matcher described = DESCRIBED.matcher(text);
      if (described.matches() && !described.group(1).endsWith(",")) {
        out.add(new String[] {described.group(1), described.group(2)});
        return out;
      }
      if (!NAMES.matcher(text).matches()) {
        throw mistake(key, "cannot read the Values line '" + text + "': write 'name  description' or 'a, b, c'");
      }
      for (String name : text.split(",")) {
        if (!name.isBlank()) out.add(new String[] {name.trim(), ""});
      }
      return out;
    }

    private static String sentence(String text) {
      String t = text.trim();
      return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
  }
}
