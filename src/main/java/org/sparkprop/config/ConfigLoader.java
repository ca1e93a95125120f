package org.sparkprop.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Builds the layered configuration: reference, file, {@code --set} overrides. Problems of the
 * layers themselves (missing file, syntax error, malformed {@code --set}) are collected and
 * handed to the validator, so they are reported together with the value problems.
 */
final class ConfigLoader {
  static final String RESOURCE = "reference.conf";
  /** A key only our reference.conf defines; see {@link #reference()}. */
  private static final String MARKER_KEY = "train.batchSize";

  private static volatile Config reference;
  private static volatile URL referenceUrl;

  private ConfigLoader() {}

  static TrainConfig load(Path file, List<String> overrides) {
    Config ref = reference();
    List<String> problems = new ArrayList<>();
    Config merged = ref;
    if (file != null) {
      Config fileLayer = parseFile(file, problems);
      if (fileLayer != null) {
        try {
          merged = fileLayer.withFallback(ref).resolve();
        } catch (com.typesafe.config.ConfigException e) {
          problems.add(fileProblem("cannot resolve config file", file, e));
        }
      }
    }
    // Overrides must replace a Spark setting whichever of the two spellings the file used.
    merged = ConfigValidator.withFlatSparkConf(merged, problems);
    for (String arg : overrides) merged = applyOverride(merged, arg, problems);
    return ConfigValidator.validate(merged, problems);
  }

  static TrainConfig fromConfig(Config config) {
    List<String> problems = new ArrayList<>();
    Config merged = reference();
    try {
      merged = config.withFallback(merged).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      problems.add("cannot resolve configuration: " + e.getMessage());
    }
    return ConfigValidator.validate(ConfigValidator.withFlatSparkConf(merged, problems), problems);
  }

  /**
   * Our reference.conf alone. ConfigFactory.defaultReference() is not used for two reasons: it
   * merges every reference.conf on the class path (other libraries ship one, and their keys
   * would pass as ours), and it overlays JVM system properties, which spark-submit fills with
   * {@code spark.*} settings that would then land in our {@code spark} section.
   */
  static Config reference() {
    Config r = reference;
    if (r != null) return r;
    synchronized (ConfigLoader.class) {
      if (reference != null) return reference;
      ClassLoader loader = ConfigLoader.class.getClassLoader();
      try {
        Enumeration<URL> urls = loader.getResources(RESOURCE);
        while (urls.hasMoreElements()) {
          URL url = urls.nextElement();
          Config c = ConfigFactory.parseURL(url, ConfigParseOptions.defaults().setAllowMissing(false));
          if (c.hasPath(MARKER_KEY)) {
            referenceUrl = url;
            reference = c.resolve();
            return reference;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + RESOURCE + " on the class path", e);
      }
      throw new IllegalStateException("Sparkprop's " + RESOURCE + " (defining " + MARKER_KEY
          + ") is not on the class path; the build copies it from conf/reference.conf");
    }
  }

  /** Where the defaults were read from, to tell a default from a value the user gave. */
  static URL referenceUrl() {
    reference();
    return referenceUrl;
  }

  private static Config parseFile(Path file, List<String> problems) {
    if (!Files.exists(file)) {
      problems.add("config file not found: " + file.toAbsolutePath());
      return null;
    }
    if (!Files.isRegularFile(file)) {
      problems.add("config file is not a regular file: " + file.toAbsolutePath());
      return null;
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(fileProblem("cannot read config file", file, e));
      return null;
    }
  }

  /** Typesafe's messages already start with the file and line; repeat neither. */
  private static String fileProblem(String what, Path file, com.typesafe.config.ConfigException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains(file.toString()) ? what + ": " + message : what + " " + file + ": " + message;
  }

  /**
   * Applies one {@code --set key=value}. The value becomes a string (or a list of strings for a
   * list key); the validator converts and range-checks it exactly as it does file values, so the
   * two sources cannot disagree about what is accepted.
   */
  static Config applyOverride(Config merged, String arg, List<String> problems) {
    int eq = arg == null ? -1 : arg.indexOf('=');
    if (eq < 0) {
      problems.add("malformed --set '" + arg + "': expected key=value, e.g. --set train.batchSize=128");
      return merged;
    }
    String key = arg.substring(0, eq).trim();
    String raw = arg.substring(eq + 1);
    String origin = "--set " + arg;
    List<String> path;
    try {
      path = ConfigUtil.splitPath(key);
    } catch (com.typesafe.config.ConfigException e) {
      problems.add("malformed --set '" + arg + "': '" + key + "' is not a valid key");
      return merged;
    }
    String value;
    try {
      value = unquote(raw);
    } catch (com.typesafe.config.ConfigException e) {
      problems.add("malformed --set '" + arg + "': bad quoted string " + raw.trim());
      return merged;
    }
    if (path.size() > 2 && path.get(0).equals("spark") && path.get(1).equals("conf")) {
      // Spark keys contain dots themselves: everything after spark.conf. is one Spark key.
      String sparkKey = String.join(".", path.subList(2, path.size()));
      return merged.withValue(ConfigUtil.joinPath("spark", "conf", sparkKey),
          ConfigValueFactory.fromAnyRef(value, origin));
    }
    String joined = ConfigUtil.joinPath(path);
    if (joined.equals(ConfigValidator.OPEN_SECTION) || ConfigValidator.isSection(joined)) {
      String hint = joined.equals(ConfigValidator.OPEN_SECTION)
          ? "set Spark settings one at a time, e.g. --set spark.conf.spark.executor.memory=4g"
          : "set its keys one at a time, e.g. --set " + ConfigValidator.firstLeafUnder(joined) + "=...";
      problems.add("malformed --set '" + arg + "': '" + joined + "' is a section, not a key; " + hint);
      return merged;
    }
    ConfigKey defined = ConfigKeys.reference().find(joined).orElse(null);
    if (defined == null) {
      problems.add(ConfigValidator.unknownKey(joined, origin));
      return merged;
    }
    ConfigValue v;
    if (defined.type() instanceof ValueType.WholeList || defined.type() instanceof ValueType.DistinctValues) {
      v = ConfigValueFactory.fromIterable(splitList(value), origin);
    } else {
      v = ConfigValueFactory.fromAnyRef(value, origin);
    }
    return merged.withValue(joined, v);
  }

  /** A value in double quotes is a HOCON string, so that escapes such as \t can be given. */
  private static String unquote(String raw) {
    String t = raw.trim();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      return ConfigFactory.parseString("v = " + t).getString("v");
    }
    return raw;
  }

  /** Comma-separated, optionally in brackets; "" and "[]" are the empty list. */
  static List<String> splitList(String value) {
    String t = value.trim();
    if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1).trim();
    List<String> out = new ArrayList<>();
    if (t.isEmpty()) return out;
    for (String part : t.split(",", -1)) out.add(part.trim());
    return out;
  }
}
