package org.sparkprop.config;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The complete, validated training configuration. Instances come only from {@link #load},
 * {@link #fromConfig} or {@link #defaults()}, which run {@link ConfigValidator} first, so holding
 * a {@code TrainConfig} means every value is in range and every cross-key rule holds.
 *
 * <p>Immutable and serializable, so that sections can be captured in Spark closures. Enumerated
 * values keep {@code AUTO} as the user wrote it (so {@link #resolved()} shows what was asked
 * for); the {@code effective...()} methods give what {@code auto} stands for.
 */
public final class TrainConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Data data;
  private final Model model;
  private final Train train;
  private final Spark spark;
  private final Checkpoint checkpoint;
  private final Map<String, Object> resolved;

  TrainConfig(Data data, Model model, Train train, Spark spark, Checkpoint checkpoint,
              Map<String, Object> resolved) {
    this.data = data;
    this.model = model;
    this.train = train;
    this.spark = spark;
    this.checkpoint = checkpoint;
    this.resolved = Collections.unmodifiableMap(new TreeMap<>(resolved));
  }

  /**
   * Defaults from {@code reference.conf} on the class path, then {@code fileOrNull} (HOCON, JSON
   * or .properties by its extension), then each {@code key=value} of {@code overrides} in order.
   *
   * @throws ConfigException listing every problem found, of all layers at once
   */
  public static TrainConfig load(Path fileOrNull, List<String> overrides) {
    return ConfigLoader.load(fileOrNull, overrides == null ? List.of() : overrides);
  }

  /**
   * Validates an already parsed configuration; keys it lacks take their defaults from
   * {@code reference.conf}. Unresolved substitutions are resolved first.
   *
   * @throws ConfigException listing every problem found
   */
  public static TrainConfig fromConfig(Config config) {
    return ConfigLoader.fromConfig(config);
  }

  /** Every key at its default. */
  public static TrainConfig defaults() {
    return load(null, List.of());
  }

  public Data data() {
    return data;
  }

  public Model model() {
    return model;
  }

  public Train train() {
    return train;
  }

  public Spark spark() {
    return spark;
  }

  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /**
   * Every key of {@code reference.conf} with its final value, sorted by key: numbers as
   * Integer, Long or Double, booleans as Boolean, enumerated values as their lower-case config
   * names, lists as List, and {@code spark.conf} as a sorted Map of strings. Unmodifiable; ready
   * for a JSON run record.
   */
  public Map<String, Object> resolved() {
    return resolved;
  }

  /**
   * The resolved configuration as {@code key = value} lines, sorted, for printing at start.
   * The text is itself valid HOCON that loads back to an equal configuration; what an
   * {@code auto} stands for is added as a trailing comment.
   */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : resolved.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> map) {
        if (map.isEmpty()) sb.append(e.getKey()).append(" = {}\n");
        for (Map.Entry<?, ?> c : map.entrySet()) {
          sb.append(e.getKey()).append('.').append(quote(String.valueOf(c.getKey())))
              .append(" = ").append(renderValue(c.getValue())).append('\n');
        }
        continue;
      }
      sb.append(e.getKey()).append(" = ").append(renderValue(e.getValue()));
      String auto = autoMeaning(e.getKey());
      if (auto != null) sb.append("  # auto: ").append(auto);
      sb.append('\n');
    }
    return sb.toString();
  }

  private String autoMeaning(String key) {
    switch (key) {
      case "model.output":
        return model.output() == OutputActivation.AUTO ? model.effectiveOutput().configName() : null;
      case "model.init":
        return model.init() == Init.AUTO ? model.effectiveInit().configName() : null;
      case "data.scaling":
        return data.scaling() == Scaling.AUTO ? data.effectiveScaling().configName() : null;
      default:
        return null;
    }
  }

  private static String renderValue(Object v) {
    if (v instanceof String s) return quote(s);
    if (v instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) sb.append(", ");
        sb.append(renderValue(list.get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Double d) return plainNumber(d);
    return String.valueOf(v);
  }

  /** 0.01 rather than 0.010 or 1.0E-2; very small or large values keep an exponent. */
  private static String plainNumber(double d) {
    BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
    return b.scale() > 6 || b.scale() < -6 ? b.toString() : b.toPlainString();
  }

  /** A JSON string literal, which HOCON reads back unchanged. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainConfig other && resolved.equals(other.resolved);
  }

  @Override
  public int hashCode() {
    return resolved.hashCode();
  }

  @Override
  public String toString() {
    return render();
  }

  // ---------------------------------------------------------------------------------------------
  // Sections. Records have public constructors by language rule; build them through load() so
  // that the validator has seen the values.

  /** The {@code data.*} keys. */
  public record Data(DataFormat format, String train, String test, String trainLabels,
                     String testLabels, boolean header, String delimiter, String labelColumn,
                     String featuresColumn, String idColumn, int features, BadRowPolicy onBadRow,
                     double maxBadFraction, Scaling scaling, boolean scaleTarget, double validationFraction,
                     double testFraction, Playground playground, Synthetic synthetic)
      implements Serializable {

    /** Whether {@code data.test} names a separate test set. */
    public boolean hasTest() {
      return !test.isEmpty();
    }

    /**
     * The label column as a 0-based index when {@code data.labelColumn} is made of digits only,
     * else empty (it is then a column name).
     */
    public OptionalInt labelColumnIndex() {
      return isIndex(labelColumn) ? OptionalInt.of(Integer.parseInt(labelColumn)) : OptionalInt.empty();
    }

    /** {@link #scaling()} with {@code auto} replaced by what it means for {@link #format()}. */
    public Scaling effectiveScaling() {
      if (scaling != Scaling.AUTO) return scaling;
      switch (format) {
        case IDX: return Scaling.DIVIDE_BY_255;
        case PLAYGROUND:
        case SYNTHETIC: return Scaling.NONE;
        default: return Scaling.STANDARD;
      }
    }

    static boolean isIndex(String s) {
      if (s.isEmpty() || s.length() > 9) return false;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
      }
      return true;
    }
  }

  /** The {@code data.playground.*} keys. */
  public record Playground(PlaygroundName name, int rows, double noise,
                           List<ExtraFeature> extraFeatures) implements Serializable {
    public Playground {
      extraFeatures = List.copyOf(extraFeatures);
    }
  }

  /** The {@code data.synthetic.*} keys. */
  public record Synthetic(long rows, int features, int classes, long seed) implements Serializable {
    /** {@code classes = 0} asks for a regression target. */
    public boolean regression() {
      return classes == 0;
    }
  }

  /** The {@code model.*} keys. */
  public record Model(List<Integer> hidden, Activation activation, OutputActivation output,
                      Loss loss, Init init) implements Serializable {
    public Model {
      hidden = List.copyOf(hidden);
    }

    /** The hidden widths as an array, as the network code takes them. A fresh copy. */
    public int[] hiddenSizes() {
      return hidden.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@link #output()} with {@code auto} resolved from the loss; never AUTO. */
    public OutputActivation effectiveOutput() {
      if (output != OutputActivation.AUTO) return output;
      switch (loss) {
        case CROSS_ENTROPY: return OutputActivation.SOFTMAX;
        case BCE: return OutputActivation.SIGMOID;
        default: return OutputActivation.IDENTITY;
      }
    }

    /** {@link #init()} with {@code auto} resolved from the hidden activation; never AUTO. */
    public Init effectiveInit() {
      if (init != Init.AUTO) return init;
      return activation == Activation.RELU || activation == Activation.LEAKY_RELU ? Init.HE : Init.GLOROT;
    }
  }

  /** The {@code train.*} keys. */
  public record Train(Optimizer optimizer, double learningRate, int batchSize, int epochs,
                      long seed, double momentum, double beta1, double beta2, double epsilon,
                      double weightDecay, double l2, LrSchedule lrSchedule, int lrStepRounds,
                      double lrStepFactor, double lrMin, int warmupRounds, double clipNorm,
                      EarlyStopping earlyStopping, int logEveryRounds, long maxRounds)
      implements Serializable {

    /** Whether {@code train.maxRounds} bounds the run. */
    public boolean hasMaxRounds() {
      return maxRounds > 0;
    }
  }

  /** The {@code train.earlyStopping.*} keys. */
  public record EarlyStopping(int patience, StopMetric metric) implements Serializable {
    public boolean enabled() {
      return patience > 0;
    }
  }

  /** The {@code spark.*} keys. */
  public record Spark(String master, int partitions, String storageLevel, int treeFanIn,
                      Map<String, String> conf) implements Serializable {
    public Spark {
      conf = Collections.unmodifiableMap(new TreeMap<>(conf));
    }
  }

  /** The {@code checkpoint.*} keys. */
  public record Checkpoint(String dir, int everyRounds, int keep) implements Serializable {
    /** Whether {@code checkpoint.dir} asks for checkpoints at all. */
    public boolean enabled() {
      return !dir.isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closed lists of values. Constant names are the config names in upper case, so that
  // configName() is the spelling the rest of the code (nn, loss, optim) parses.

  /** A value of an enumerated key. */
  public interface Choice {
    String name();

    /** The spelling used in configuration files and accepted by the other packages' parse(). */
    default String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** False for values that {@code auto} can resolve to but a user cannot write. */
    default boolean selectable() {
      return true;
    }
  }

  public enum DataFormat implements Choice {
    CSV, LIBSVM, PARQUET, IDX, PLAYGROUND, SYNTHETIC;

    /** Generated in the application rather than read from {@code data.train}. */
    public boolean generated() {
      return this == PLAYGROUND || this == SYNTHETIC;
    }
  }

  public enum BadRowPolicy implements Choice { FAIL, SKIP }

  public enum Scaling implements Choice {
    AUTO, STANDARD, MINMAX, NONE,
    /** Pixels to [0, 1]: what {@code auto} means for idx; not accepted in a file. */
    DIVIDE_BY_255;

    @Override
    public boolean selectable() {
      return this != DIVIDE_BY_255;
    }
  }

  public enum PlaygroundName implements Choice {
    CIRCLE, XOR, GAUSS, SPIRAL, PLANE, MULTIGAUSS;

    /** plane and multigauss have a real-valued target; the others two classes. */
    public boolean regression() {
      return this == PLANE || this == MULTIGAUSS;
    }
  }

  public enum ExtraFeature implements Choice { X1SQ, X2SQ, X1X2, SINX1, SINX2 }

  /** The hidden layers' activation. */
  public enum Activation implements Choice { IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, STEP }

  /** The output layer's activation. */
  public enum OutputActivation implements Choice { AUTO, IDENTITY, SIGMOID, SOFTMAX, STEP }

  public enum Loss implements Choice { MAE, MSE, BCE, CROSS_ENTROPY }

  public enum Init implements Choice { AUTO, GLOROT, HE }

  public enum Optimizer implements Choice { SGD, MOMENTUM, NESTEROV, ADAM, ADAMW }

  public enum LrSchedule implements Choice { CONSTANT, STEP, COSINE }

  /** What {@code train.earlyStopping} watches. */
  public enum StopMetric implements Choice {
    LOSS, ACCURACY, MSE;

    /** accuracy improves upwards, the others downwards. */
    public boolean higherIsBetter() {
      return this == ACCURACY;
    }
  }
}
