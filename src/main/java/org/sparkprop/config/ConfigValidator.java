package org.sparkprop.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one place where configuration values are checked and typed. Every key of {@link ConfigKeys}
 * is read by its own {@link ValueType}; a value that does not pass is recorded as a problem and
 * the rest carry on, so a single run reports every problem. The rules between keys
 * ({@link CrossKeyRules}) run on the values that passed. Only if nothing was recorded is a
 * {@link TrainConfig} built.
 */
final class ConfigValidator {
  /** The one section whose keys are not ours: Spark settings passed through verbatim. */
  static final String OPEN_SECTION = "spark.conf";

  private final Config config;
  private final List<String> problems;
  private final KeyValues values = new KeyValues();
  /** Sections replaced by a non-object; their keys were reported once, as the section. */
  private final Set<String> broken = new HashSet<>();

  private ConfigValidator(Config config, List<String> problems) {
    this.config = config;
    this.problems = problems;
  }

  /**
   * Checks a merged, resolved configuration. {@code earlier} holds problems already found while
   * building it; they are reported first, together with everything found here.
   */
  static TrainConfig validate(Config merged, List<String> earlier) {
    return new ConfigValidator(merged, new ArrayList<>(earlier)).run();
  }

  private TrainConfig run() {
    checkKeys(config.root(), List.of());
    for (ConfigKey key : ConfigKeys.reference().all()) read(key);
    CrossKeyRules.check(values, this::from, problems);
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return TrainConfig.of(values);
  }

  private void read(ConfigKey key) {
    ConfigValue v = raw(key.key());
    if (v == null) return;
    if (key.type() instanceof ValueType.Settings) {
      sparkConf(key.key(), v);
      return;
    }
    ValueType.Checked checked = key.type().read(v);
    if (checked.ok()) {
      values.put(key.key(), checked.value());
    } else {
      problems.add(badValue(key.key(), v, checked.expected()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keys

  private void checkKeys(ConfigObject object, List<String> parent) {
    ConfigKeys keys = ConfigKeys.reference();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      List<String> path = new ArrayList<>(parent);
      path.add(e.getKey());
      String key = ConfigUtil.joinPath(path);
      ConfigValue v = e.getValue();
      if (key.equals(OPEN_SECTION)) {
        if (v.valueType() != ConfigValueType.OBJECT) {
          problems.add(badValue(key, v, keys.get(key).type().expected()));
          broken.add(key);
        }
      } else if (keys.isSection(key)) {
        if (v.valueType() == ConfigValueType.OBJECT) {
          checkKeys((ConfigObject) v, path);
        } else {
          problems.add(badValue(key, v, "a section (an object of keys such as " + keys.firstLeafUnder(key) + ")"));
          broken.add(key);
        }
      } else if (keys.find(key).isEmpty()) {
        problems.add(unknownKey(key, where(v.origin())));
      }
    }
  }

  static String firstLeafUnder(String section) {
    return ConfigKeys.reference().firstLeafUnder(section);
  }

  static boolean isSection(String key) {
    return ConfigKeys.reference().isSection(key);
  }

  /** Every key of reference.conf, {@code spark.conf} included. */
  static Set<String> knownKeys() {
    Set<String> all = new TreeSet<>();
    for (ConfigKey k : ConfigKeys.reference().all()) all.add(k.key());
    return all;
  }

  static String unknownKey(String key, String where) {
    ConfigKeys keys = ConfigKeys.reference();
    Set<String> candidates = new TreeSet<>(knownKeys());
    candidates.addAll(keys.sections());
    // An unknown spark.* key is far more often one of Spark's own settings (spark.executor.memory)
    // than a misspelt key of another section: only the spark section's keys are offered for it.
    if (key.startsWith("spark.")) candidates.removeIf(k -> !k.startsWith("spark."));
    List<String> suggestions = KeySuggestions.forKey(key, candidates);
    StringBuilder sb = new StringBuilder("unknown key '").append(key).append("' in ").append(where);
    if (!suggestions.isEmpty()) {
      sb.append("; did you mean ").append(suggestions.stream().map(x -> "'" + x + "'")
          .collect(Collectors.joining(" or "))).append('?');
    } else if (key.startsWith("spark.")) {
      sb.append("; extra Spark settings go under spark.conf, e.g. spark.conf { \"spark.executor.memory\" = \"2g\" }");
    }
    return sb.toString();
  }

  /**
   * Rewrites {@code spark.conf} so that each Spark setting is one quoted key. Spark keys contain
   * dots, so {@code conf { spark.executor.memory = 2g }} parses as nested objects; flattening
   * makes that spelling and the quoted one the same key, which a later override can replace.
   */
  static Config withFlatSparkConf(Config config, List<String> problems) {
    ConfigValue conf = lookup(config.root(), ConfigUtil.splitPath(OPEN_SECTION));
    if (conf == null || conf.valueType() != ConfigValueType.OBJECT) return config;
    Map<String, ConfigValue> flat = new LinkedHashMap<>();
    flatten((ConfigObject) conf, "", flat, problems);
    Config out = config.withValue(OPEN_SECTION, ConfigValueFactory.fromMap(Map.of(), "spark.conf"));
    for (Map.Entry<String, ConfigValue> e : flat.entrySet()) {
      out = out.withValue(ConfigUtil.joinPath("spark", "conf", e.getKey()), e.getValue());
    }
    return out;
  }

  private static void flatten(ConfigObject object, String prefix, Map<String, ConfigValue> out,
                              List<String> problems) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT) {
        flatten((ConfigObject) v, name, out, problems);
      } else if (v.valueType() != ConfigValueType.NULL && out.put(name, v) != null) {
        problems.add("spark.conf sets '" + name + "' twice, once as a quoted key and once as nested "
            + "keys; keep one of them");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Values

  /** The raw value, or null when its section was replaced by a non-object (already reported). */
  private ConfigValue raw(String key) {
    for (String b : broken) {
      if (key.equals(b) || key.startsWith(b + ".")) return null;
    }
    ConfigValue v = lookup(config.root(), ConfigUtil.splitPath(key));
    if (v == null) {
      // The merged config always contains reference.conf, so this cannot come from a user.
      throw new IllegalStateException("key '" + key + "' is missing from the merged configuration");
    }
    return v;
  }

  private static ConfigValue lookup(ConfigObject root, List<String> path) {
    ConfigValue v = root;
    for (String segment : path) {
      if (!(v instanceof ConfigObject o)) return null;
      v = o.get(segment);
      if (v == null) return null;
    }
    return v;
  }

  private void sparkConf(String key, ConfigValue v) {
    if (v.valueType() != ConfigValueType.OBJECT) return; // reported by checkKeys
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
      String text = settingText(e.getValue());
      if (text == null) {
        problems.add(badValue(key + "." + ConfigUtil.quoteString(e.getKey()), e.getValue(),
            "a string, number, boolean or list of them (Spark settings are strings)"));
        continue;
      }
      out.put(e.getKey(), text);
    }
    values.put(key, Collections.unmodifiableMap(out));
  }

  /** Spark settings are strings; lists become Spark's comma-separated form. */
  private static String settingText(ConfigValue v) {
    if (v.valueType() == ConfigValueType.LIST) {
      List<String> parts = new ArrayList<>();
      for (ConfigValue element : (ConfigList) v) {
        String s = ValueType.scalarText(element);
        if (s == null) return null;
        parts.add(s);
      }
      return String.join(",", parts);
    }
    return ValueType.scalarText(v);
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  /** "key = value: expected ... (from where)". */
  private static String badValue(String key, ConfigValue v, String expected) {
    return key + " = " + ValueType.describe(v) + ": expected " + expected + origin(v);
  }

  private String from(String key) {
    ConfigValue v = lookup(config.root(), ConfigUtil.splitPath(key));
    return v == null ? "" : origin(v);
  }

  /** Where a value came from, unless that is reference.conf (whose values are the defaults). */
  private static String origin(ConfigValue v) {
    ConfigOrigin o = v.origin();
    if (o == null || Objects.equals(o.url(), ConfigLoader.referenceUrl())) return "";
    return " (from " + where(o) + ")";
  }

  static String where(ConfigOrigin o) {
    if (o == null) return "unknown origin";
    String line = o.lineNumber() > 0 ? ":" + o.lineNumber() : "";
    if (o.filename() != null) return o.filename() + line;
    if (o.url() != null) return o.url() + line;
    return o.description();
  }
}
