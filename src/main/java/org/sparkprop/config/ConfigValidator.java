package org.sparkprop.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.sparkprop.config.TrainConfig.Activation;
import org.sparkprop.config.TrainConfig.BadRowPolicy;
import org.sparkprop.config.TrainConfig.Checkpoint;
import org.sparkprop.config.TrainConfig.Choice;
import org.sparkprop.config.TrainConfig.Data;
import org.sparkprop.config.TrainConfig.DataFormat;
import org.sparkprop.config.TrainConfig.EarlyStopping;
import org.sparkprop.config.TrainConfig.ExtraFeature;
import org.sparkprop.config.TrainConfig.Init;
import org.sparkprop.config.TrainConfig.Loss;
import org.sparkprop.config.TrainConfig.LrSchedule;
import org.sparkprop.config.TrainConfig.Model;
import org.sparkprop.config.TrainConfig.Optimizer;
import org.sparkprop.config.TrainConfig.OutputActivation;
import org.sparkprop.config.TrainConfig.Playground;
import org.sparkprop.config.TrainConfig.PlaygroundName;
import org.sparkprop.config.TrainConfig.Scaling;
import org.sparkprop.config.TrainConfig.Spark;
import org.sparkprop.config.TrainConfig.StopMetric;
import org.sparkprop.config.TrainConfig.Synthetic;
import org.sparkprop.config.TrainConfig.Train;

/**
 * The one place where configuration values are checked and typed. Each key is read once, by a
 * reader that knows its type and range; a reader that finds a bad value records a problem and
 * carries on, so a single run reports every problem. Cross-key rules run on the values that
 * passed. Only if nothing was recorded is a {@link TrainConfig} built.
 *
 * <p>The set of accepted keys is the set {@code reference.conf} defines, not a list kept here.
 */
final class ConfigValidator {
  /** The one section whose keys are not ours: Spark settings passed through verbatim. */
  static final String OPEN_SECTION = "spark.conf";

  /** Every name Spark's StorageLevel.fromString accepts (checked against Spark by a test). */
  static final List<String> STORAGE_LEVELS = List.of(
      "NONE", "DISK_ONLY", "DISK_ONLY_2", "DISK_ONLY_3", "MEMORY_ONLY", "MEMORY_ONLY_2",
      "MEMORY_ONLY_SER", "MEMORY_ONLY_SER_2", "MEMORY_AND_DISK", "MEMORY_AND_DISK_2",
      "MEMORY_AND_DISK_SER", "MEMORY_AND_DISK_SER_2", "OFF_HEAP");

  static final String STEP_HIDDEN_MESSAGE = "the step (Heaviside) activation has zero derivative "
      + "almost everywhere, so backpropagation cannot train hidden step units; use it only as the "
      + "output of a single-layer perceptron (model.hidden empty, model.output = step)";

  private static volatile Schema schema;

  private final Config config;
  private final List<String> problems;
  private final Map<String, Object> resolved = new TreeMap<>();
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

    DataFormat format = choice("data.format", DataFormat.class);
    String trainPath = string("data.train", false);
    String testPath = string("data.test", false);
    String trainLabels = string("data.trainLabels", false);
    String testLabels = string("data.testLabels", false);
    Boolean header = bool("data.header");
    String delimiter = string("data.delimiter", true);
    String labelColumn = labelColumn("data.labelColumn");
    String featuresColumn = string("data.featuresColumn", true);
    String idColumn = string("data.idColumn", false);
    Integer features = integer("data.features", 0);
    BadRowPolicy onBadRow = choice("data.onBadRow", BadRowPolicy.class);
    Double maxBadFraction = number("data.maxBadFraction", Range.closed(0, 1));
    Scaling scaling = choice("data.scaling", Scaling.class);
    Boolean scaleTarget = bool("data.scaleTarget");
    Double validationFraction = number("data.validationFraction", Range.closedOpen(0, 1));
    Double testFraction = number("data.testFraction", Range.closedOpen(0, 1));
    PlaygroundName playgroundName = choice("data.playground.name", PlaygroundName.class);
    Integer playgroundRows = integer("data.playground.rows", 1);
    Double noise = number("data.playground.noise", Range.closed(0, 0.5));
    List<ExtraFeature> extraFeatures = choiceList("data.playground.extraFeatures", ExtraFeature.class);
    Long syntheticRows = longInteger("data.synthetic.rows", 1);
    Integer syntheticFeatures = integer("data.synthetic.features", 1);
    Integer classes = classes("data.synthetic.classes");
    Long syntheticSeed = longInteger("data.synthetic.seed", Long.MIN_VALUE);

    List<Integer> hidden = integerList("model.hidden", 1);
    Activation activation = choice("model.activation", Activation.class);
    OutputActivation output = choice("model.output", OutputActivation.class);
    Loss loss = choice("model.loss", Loss.class);
    Init init = choice("model.init", Init.class);

    Optimizer optimizer = choice("train.optimizer", Optimizer.class);
    Double learningRate = number("train.learningRate", Range.greaterThan(0));
    Integer batchSize = integer("train.batchSize", 1);
    Integer epochs = integer("train.epochs", 1);
    Long seed = longInteger("train.seed", Long.MIN_VALUE);
    Double momentum = number("train.momentum", Range.closedOpen(0, 1));
    Double beta1 = number("train.beta1", Range.closedOpen(0, 1));
    Double beta2 = number("train.beta2", Range.closedOpen(0, 1));
    Double epsilon = number("train.epsilon", Range.greaterThan(0));
    Double weightDecay = number("train.weightDecay", Range.atLeast(0));
    Double l2 = number("train.l2", Range.atLeast(0));
    LrSchedule lrSchedule = choice("train.lrSchedule", LrSchedule.class);
    Integer lrStepRounds = integer("train.lrStepRounds", 1);
    Double lrStepFactor = number("train.lrStepFactor", Range.openClosed(0, 1));
    Double lrMin = number("train.lrMin", Range.atLeast(0));
    Integer warmupRounds = integer("train.warmupRounds", 0);
    Double clipNorm = number("train.clipNorm", Range.atLeast(0));
    Integer patience = integer("train.earlyStopping.patience", 0);
    StopMetric stopMetric = choice("train.earlyStopping.metric", StopMetric.class);
    Integer logEveryRounds = integer("train.logEveryRounds", 1);
    Long maxRounds = longInteger("train.maxRounds", 0);

    String master = string("spark.master", true);
    Integer partitions = integer("spark.partitions", 0);
    String storageLevel = storageLevel("spark.storageLevel");
    Integer treeFanIn = integer("spark.treeFanIn", 2);
    Map<String, String> sparkConf = sparkConf();

    String checkpointDir = string("checkpoint.dir", false);
    Integer everyRounds = integer("checkpoint.everyRounds", 0);
    Integer keep = integer("checkpoint.keep", 1);

    // Cross-key rules, each only on values that passed their own check.
    if (loss == Loss.BCE && output != null
        && output != OutputActivation.SIGMOID && output != OutputActivation.AUTO) {
      problems.add("model.loss = bce needs model.output = sigmoid or auto, found '"
          + output.configName() + "'" + from("model.output"));
    }
    if (loss == Loss.CROSS_ENTROPY && output != null
        && output != OutputActivation.SOFTMAX && output != OutputActivation.AUTO) {
      problems.add("model.loss = cross_entropy needs model.output = softmax or auto, found '"
          + output.configName() + "'" + from("model.output"));
    }
    if (activation == Activation.STEP && hidden != null && !hidden.isEmpty()) {
      problems.add("model.activation = 'step' with model.hidden = " + hidden + ": " + STEP_HIDDEN_MESSAGE);
    }
    if (format != null && !format.generated() && trainPath != null && trainPath.isEmpty()) {
      problems.add("data.format = " + format.configName()
          + " needs data.train (the training data URI), which is empty");
    }
    if (format == DataFormat.IDX) {
      if (trainLabels != null && trainLabels.isEmpty()) {
        problems.add("data.format = idx needs data.trainLabels (the IDX label file of data.train), which is empty");
      }
      if (testPath != null && !testPath.isEmpty() && testLabels != null && testLabels.isEmpty()) {
        problems.add("data.format = idx with data.test set needs data.testLabels (the IDX label file of data.test), which is empty");
      }
    }
    if (lrSchedule != null && lrSchedule != LrSchedule.CONSTANT && lrMin != null
        && learningRate != null && lrMin > learningRate) {
      problems.add("train.lrMin = " + plain(lrMin) + " exceeds train.learningRate = " + plain(learningRate)
          + ": the " + lrSchedule.configName() + " schedule decays from learningRate down to lrMin");
    }

    if (!problems.isEmpty()) throw new ConfigException(problems);

    Data data = new Data(format, trainPath, testPath, trainLabels, testLabels, header, delimiter,
        labelColumn, featuresColumn, idColumn, features, onBadRow, maxBadFraction, scaling, scaleTarget,
        validationFraction, testFraction,
        new Playground(playgroundName, playgroundRows, noise, extraFeatures),
        new Synthetic(syntheticRows, syntheticFeatures, classes, syntheticSeed));
    Model model = new Model(hidden, activation, output, loss, init);
    Train train = new Train(optimizer, learningRate, batchSize, epochs, seed, momentum, beta1,
        beta2, epsilon, weightDecay, l2, lrSchedule, lrStepRounds, lrStepFactor, lrMin,
        warmupRounds, clipNorm, new EarlyStopping(patience, stopMetric), logEveryRounds, maxRounds);
    Spark spark = new Spark(master, partitions, storageLevel, treeFanIn, sparkConf);
    Checkpoint checkpoint = new Checkpoint(checkpointDir, everyRounds, keep);
    return new TrainConfig(data, model, train, spark, checkpoint, resolved);
  }

  // ---------------------------------------------------------------------------------------------
  // Keys

  private void checkKeys(ConfigObject object, List<String> parent) {
    Schema s = schema();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      List<String> path = new ArrayList<>(parent);
      path.add(e.getKey());
      String key = ConfigUtil.joinPath(path);
      ConfigValue v = e.getValue();
      if (key.equals(OPEN_SECTION)) {
        if (v.valueType() != ConfigValueType.OBJECT) {
          problems.add(badValue(key, v, "an object of Spark settings, e.g. spark.conf { \"spark.executor.memory\" = \"2g\" }"));
          broken.add(key);
        }
      } else if (s.sections.contains(key)) {
        if (v.valueType() == ConfigValueType.OBJECT) {
          checkKeys((ConfigObject) v, path);
        } else {
          problems.add(badValue(key, v, "a section (an object of keys such as " + s.firstLeafUnder(key) + ")"));
          broken.add(key);
        }
      } else if (!s.leaves.contains(key)) {
        problems.add(unknownKey(key, where(v.origin())));
      }
    }
  }

  static String firstLeafUnder(String section) {
    return schema().firstLeafUnder(section);
  }

  static boolean isSection(String key) {
    return schema().sections.contains(key);
  }

  /** Every key of reference.conf that has a value, plus the open {@code spark.conf}. */
  static Set<String> knownKeys() {
    Set<String> all = new TreeSet<>(schema().leaves);
    all.add(OPEN_SECTION);
    return all;
  }

  static String unknownKey(String key, String where) {
    Schema s = schema();
    Set<String> candidates = new TreeSet<>(s.leaves);
    candidates.addAll(s.sections);
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
  // Readers. Each returns null after recording a problem, else the typed value, which it also
  // records in resolved under its key.

  /** The raw value, or null when its section was replaced by a non-object (already reported). */
  private ConfigValue raw(String key) {
    for (String b : broken) {
      if (key.startsWith(b + ".")) return null;
    }
    ConfigValue v = lookup(config.root(), ConfigUtil.splitPath(key));
    if (v == null) {
      // The merged config always contains reference.conf, so this is a key the code reads but
      // reference.conf does not define: a bug, not a user error.
      throw new IllegalStateException("key '" + key + "' is read by ConfigValidator but missing from "
          + ConfigLoader.RESOURCE);
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

  private <E extends Enum<E> & Choice> E choice(String key, Class<E> type) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    List<String> accepted = accepted(type);
    String expected = "one of " + String.join(", ", accepted);
    if (v.valueType() == ConfigValueType.STRING) {
      String s = ((String) v.unwrapped()).trim();
      for (E e : type.getEnumConstants()) {
        if (e.selectable() && e.configName().equalsIgnoreCase(s)) {
          resolved.put(key, e.configName());
          return e;
        }
      }
      problems.add(badValue(key, v, expected + didYouMean(s, accepted)));
      return null;
    }
    problems.add(badValue(key, v, expected));
    return null;
  }

  private <E extends Enum<E> & Choice> List<E> choiceList(String key, Class<E> type) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    List<String> accepted = accepted(type);
    String expected = "a list of distinct values from " + String.join(", ", accepted);
    if (v.valueType() != ConfigValueType.LIST) {
      problems.add(badValue(key, v, expected));
      return null;
    }
    EnumSet<E> seen = EnumSet.noneOf(type);
    List<E> out = new ArrayList<>();
    for (Object element : (List<?>) v.unwrapped()) {
      E match = null;
      if (element instanceof String s) {
        for (E e : type.getEnumConstants()) {
          if (e.selectable() && e.configName().equalsIgnoreCase(s.trim())) match = e;
        }
      }
      if (match == null) {
        String shown = element instanceof String s ? "'" + s + "'" : String.valueOf(element);
        String hint = element instanceof String s ? didYouMean(s.trim(), accepted) : "";
        problems.add(badValue(key, v, expected + "; " + shown + " is not one" + hint));
        return null;
      }
      if (!seen.add(match)) {
        problems.add(badValue(key, v, expected + "; '" + match.configName() + "' appears twice"));
        return null;
      }
      out.add(match);
    }
    resolved.put(key, out.stream().map(Choice::configName).toList());
    return out;
  }

  private static <E extends Enum<E> & Choice> List<String> accepted(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).filter(Choice::selectable)
        .map(Choice::configName).toList();
  }

  private String storageLevel(String key) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    String expected = "one of " + String.join(", ", STORAGE_LEVELS);
    if (v.valueType() == ConfigValueType.STRING) {
      // Spark's own parser is case-sensitive; normalising here spares users that surprise.
      String s = ((String) v.unwrapped()).trim().toUpperCase(Locale.ROOT);
      if (STORAGE_LEVELS.contains(s)) {
        resolved.put(key, s);
        return s;
      }
      problems.add(badValue(key, v, expected + didYouMean(s, STORAGE_LEVELS)));
      return null;
    }
    problems.add(badValue(key, v, expected));
    return null;
  }

  private Integer integer(String key, int min) {
    Long l = integerIn(key, min, Integer.MAX_VALUE);
    if (l == null) return null;
    resolved.put(key, l.intValue());
    return l.intValue();
  }

  private Long longInteger(String key, long min) {
    Long l = integerIn(key, min, Long.MAX_VALUE);
    if (l != null) resolved.put(key, l);
    return l;
  }

  private Long integerIn(String key, long min, long max) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    String expected = min == Long.MIN_VALUE ? "a 64-bit integer" : "an integer >= " + min;
    BigDecimal d = decimal(v);
    if (d == null) {
      problems.add(badValue(key, v, expected));
      return null;
    }
    long l;
    try {
      l = d.longValueExact();
    } catch (ArithmeticException e) {
      boolean whole = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
      problems.add(badValue(key, v, whole ? expected + " and <= " + max : expected));
      return null;
    }
    if (l < min || l > max) {
      problems.add(badValue(key, v, l > max ? expected + " and <= " + max : expected));
      return null;
    }
    return l;
  }

  private Integer classes(String key) {
    Integer c = integer(key, 0);
    if (c != null && c == 1) {
      resolved.remove(key);
      problems.add(badValue(key, raw(key), "0 (regression) or an integer >= 2 (classes)"));
      return null;
    }
    return c;
  }

  private Double number(String key, Range range) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    BigDecimal d = decimal(v);
    if (d == null || !Double.isFinite(d.doubleValue()) || !range.contains(d.doubleValue())) {
      problems.add(badValue(key, v, range.description()));
      return null;
    }
    double x = d.doubleValue();
    resolved.put(key, x);
    return x;
  }

  /** Numbers, and strings that spell one (every --set value is a string). */
  private static BigDecimal decimal(ConfigValue v) {
    try {
      if (v.valueType() == ConfigValueType.NUMBER) return new BigDecimal(v.unwrapped().toString());
      if (v.valueType() == ConfigValueType.STRING) return new BigDecimal(((String) v.unwrapped()).trim());
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private Boolean bool(String key) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    Boolean b = null;
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      b = (Boolean) v.unwrapped();
    } else if (v.valueType() == ConfigValueType.STRING) {
      // The same spellings HOCON's getBoolean accepts.
      switch (((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT)) {
        case "true": case "yes": case "on": b = true; break;
        case "false": case "no": case "off": b = false; break;
        default: break;
      }
    }
    if (b == null) {
      problems.add(badValue(key, v, "true or false"));
      return null;
    }
    resolved.put(key, b);
    return b;
  }

  private String string(String key, boolean nonEmpty) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    String expected = nonEmpty ? "a non-empty string" : "a string";
    String s = scalarText(v);
    if (s == null || (nonEmpty && s.isEmpty())) {
      problems.add(badValue(key, v, expected));
      return null;
    }
    resolved.put(key, s);
    return s;
  }

  private String labelColumn(String key) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    String expected = "a column name or a 0-based column index";
    String s = scalarText(v);
    boolean ok = s != null && !s.isEmpty()
        && (v.valueType() != ConfigValueType.NUMBER || Data.isIndex(s));
    if (!ok) {
      problems.add(badValue(key, v, expected));
      return null;
    }
    resolved.put(key, s);
    return s;
  }

  /** Strings as they are; numbers and booleans by their text, as HOCON's getString does. */
  private static String scalarText(ConfigValue v) {
    switch (v.valueType()) {
      case STRING: return (String) v.unwrapped();
      case NUMBER:
      case BOOLEAN: return v.render();
      default: return null;
    }
  }

  private List<Integer> integerList(String key, int min) {
    ConfigValue v = raw(key);
    if (v == null) return null;
    String expected = "a list of integers >= " + min;
    if (v.valueType() != ConfigValueType.LIST) {
      problems.add(badValue(key, v, expected));
      return null;
    }
    List<Integer> out = new ArrayList<>();
    for (ConfigValue element : (ConfigList) v) {
      BigDecimal d = decimal(element);
      Integer n = null;
      if (d != null) {
        try {
          int i = d.intValueExact();
          if (i >= min) n = i;
        } catch (ArithmeticException e) {
          n = null;
        }
      }
      if (n == null) {
        problems.add(badValue(key, v, expected + "; " + describe(element) + " is not"));
        return null;
      }
      out.add(n);
    }
    resolved.put(key, List.copyOf(out));
    return out;
  }

  private Map<String, String> sparkConf() {
    ConfigValue v = raw(OPEN_SECTION);
    if (v == null || v.valueType() != ConfigValueType.OBJECT) return null; // reported by checkKeys
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
      String text = settingText(e.getValue());
      if (text == null) {
        problems.add(badValue(OPEN_SECTION + "." + ConfigUtil.quoteString(e.getKey()), e.getValue(),
            "a string, number, boolean or list of them (Spark settings are strings)"));
        continue;
      }
      out.put(e.getKey(), text);
    }
    resolved.put(OPEN_SECTION, Collections.unmodifiableMap(out));
    return out;
  }

  /** Spark settings are strings; lists become Spark's comma-separated form. */
  private static String settingText(ConfigValue v) {
    if (v.valueType() == ConfigValueType.LIST) {
      List<String> parts = new ArrayList<>();
      for (ConfigValue element : (ConfigList) v) {
        String s = scalarText(element);
        if (s == null) return null;
        parts.add(s);
      }
      return String.join(",", parts);
    }
    return scalarText(v);
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  /** "key = value: expected ... (from where)". */
  private static String badValue(String key, ConfigValue v, String expected) {
    return key + " = " + describe(v) + ": expected " + expected + origin(v);
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

  private static String describe(ConfigValue v) {
    switch (v.valueType()) {
      case STRING:
        // A --set number arrives as a string; show it as the number the user typed.
        return decimal(v) != null ? ((String) v.unwrapped()).trim() : "'" + v.unwrapped() + "'";
      case NULL: return "null";
      case NUMBER:
      case BOOLEAN: return v.render();
      default: return v.render(ConfigRenderOptions.concise());
    }
  }

  private static String didYouMean(String value, List<String> accepted) {
    List<String> s = KeySuggestions.forValue(value, accepted);
    return s.isEmpty() ? "" : "; did you mean " + s.stream().map(x -> "'" + x + "'")
        .collect(Collectors.joining(" or ")) + "?";
  }

  private static String plain(double x) {
    return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }

  // ---------------------------------------------------------------------------------------------

  /** A closed or open interval of doubles, with the description used in messages. */
  private record Range(double lo, boolean loIncluded, double hi, boolean hiIncluded) {
    static Range atLeast(double lo) {
      return new Range(lo, true, Double.POSITIVE_INFINITY, false);
    }

    static Range greaterThan(double lo) {
      return new Range(lo, false, Double.POSITIVE_INFINITY, false);
    }

    static Range closed(double lo, double hi) {
      return new Range(lo, true, hi, true);
    }

    static Range closedOpen(double lo, double hi) {
      return new Range(lo, true, hi, false);
    }

    static Range openClosed(double lo, double hi) {
      return new Range(lo, false, hi, true);
    }

    boolean contains(double x) {
      return (loIncluded ? x >= lo : x > lo) && (hiIncluded ? x <= hi : x < hi);
    }

    String description() {
      if (hi == Double.POSITIVE_INFINITY) return "a number " + (loIncluded ? ">= " : "> ") + plain(lo);
      return "a number in " + (loIncluded ? "[" : "(") + plain(lo) + ", " + plain(hi)
          + (hiIncluded ? "]" : ")");
    }
  }

  /** The keys and sections reference.conf defines, computed once. */
  private static Schema schema() {
    Schema s = schema;
    if (s == null) {
      s = new Schema(ConfigLoader.reference());
      schema = s;
    }
    return s;
  }

  private static final class Schema {
    final Set<String> leaves = new TreeSet<>();
    final Set<String> sections = new TreeSet<>();

    Schema(Config reference) {
      collect(reference.root(), List.of());
    }

    private void collect(ConfigObject object, List<String> parent) {
      for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
        List<String> path = new ArrayList<>(parent);
        path.add(e.getKey());
        String key = ConfigUtil.joinPath(path);
        if (e.getValue().valueType() == ConfigValueType.OBJECT) {
          sections.add(key);
          if (!key.equals(OPEN_SECTION)) collect((ConfigObject) e.getValue(), path);
        } else {
          leaves.add(key);
        }
      }
    }

    String firstLeafUnder(String section) {
      return leaves.stream().filter(k -> k.startsWith(section + ".")).findFirst().orElse(section + ".<key>");
    }
  }
}
