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
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.Playground.ExtraFeature;
import org.sparkprop.data.Playground.Kind;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.Precision;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.ScheduleKind;
import org.sparkprop.train.StopMetric;

/**
 * The complete, validated training configuration. Instances come only from {@link #load},
 * {@link #fromConfig} or {@link #defaults()}, which run {@link ConfigValidator} first, so holding
 * a {@code TrainConfig} means every value is in range and every cross-key rule holds.
 *
 * <p>Immutable and serializable, so that sections can be captured in Spark closures. Enumerated
 * values are the engine's own types ({@link Activation}, {@link Loss}, {@link OptimizerKind}, ...);
 * only choices with no counterpart in the engine ({@link DataFormat}, {@link BadRowPolicy}) are
 * declared here. A key that may be {@code auto} keeps it as the user wrote it ({@link AutoOr}, so
 * {@link #resolved()} shows what was asked for); the {@code effective...()} methods give what
 * {@code auto} stands for.
 */
public final class TrainConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Data data;
  private final Model model;
  private final Train train;
  private final MathSection math;
  private final Spark spark;
  private final Checkpoint checkpoint;
  private final Map<String, Object> resolved;

  private TrainConfig(Data data, Model model, Train train, MathSection math, Spark spark, Checkpoint checkpoint,
                      Map<String, Object> resolved) {
    this.data = data;
    this.model = model;
    this.train = train;
    this.math = math;
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

  public MathSection math() {
    return math;
  }

  public Spark spark() {
    return spark;
  }

  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /**
   * Every key of {@code reference.conf} with its final value, sorted by key: numbers as
   * Integer, Long or Double, booleans as Boolean, enumerated values by their name as
   * reference.conf's {@code Values:} spell it, lists as List, and {@code spark.conf} as a sorted
   * Map of strings. Unmodifiable; ready for a JSON run record.
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
        return model.output().isAuto() ? model.effectiveOutput().configName() : null;
      case "model.init":
        return model.init().isAuto() ? model.effectiveInit().configName() : null;
      case "data.scaling":
        return data.scaling().isAuto() ? data.effectiveScaling().configName() : null;
      default:
        return null;
    }
  }

  static String renderValue(Object v) {
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

  /**
   * The sections from validated values. Adding a key to a section: its entry in
   * {@code reference.conf}, a component of the section's record, and its value read here.
   */
  static TrainConfig of(KeyValues v) {
    Data data = new Data(v.choice("data.format", DataFormat.class), v.text("data.train"), v.text("data.test"),
        v.text("data.trainLabels"), v.text("data.testLabels"), v.flag("data.header"), v.text("data.delimiter"),
        v.text("data.labelColumn"), v.text("data.featuresColumn"), v.text("data.idColumn"), v.integer("data.features"),
        v.choice("data.onBadRow", BadRowPolicy.class), v.number("data.maxBadFraction"),
        v.autoChoice("data.scaling", FeatureScaling.Method.class), v.flag("data.scaleTarget"),
        v.autoNumber("data.validationFraction"), v.number("data.testFraction"),
        new Playground(v.choice("data.playground.name", Kind.class), v.integer("data.playground.rows"),
            v.number("data.playground.noise"), v.choices("data.playground.extraFeatures", ExtraFeature.class)),
        new Synthetic(v.longInteger("data.synthetic.rows"), v.integer("data.synthetic.features"),
            v.integer("data.synthetic.classes"), v.longInteger("data.synthetic.seed")), v.text("data.weightColumn"),
        v.text("data.labelColumns"));
    Model model = new Model(v.integers("model.hidden"), v.choice("model.activation", Activation.class),
        v.autoChoice("model.output", Activation.class), v.choice("model.loss", Loss.class),
        v.autoChoice("model.init", Initializer.class));
    Train train = new Train(v.choice("train.optimizer", OptimizerKind.class), v.number("train.learningRate"),
        v.integer("train.batchSize"), v.integer("train.epochs"), v.integer("train.maxEpochs"), v.longInteger("train.seed"),
        v.number("train.momentum"),
        v.number("train.beta1"), v.number("train.beta2"), v.number("train.epsilon"), v.number("train.weightDecay"),
        v.number("train.l2"), v.choice("train.lrSchedule", ScheduleKind.class), v.integer("train.lrStepRounds"),
        v.number("train.lrStepFactor"), v.number("train.lrMin"), v.integer("train.warmupRounds"),
        v.number("train.clipNorm"), v.integer("train.localSteps"), new EarlyStopping(v.integer("train.earlyStopping.patience"),
            v.number("train.earlyStopping.minDelta"), v.flag("train.earlyStopping.restoreBest"),
            v.choice("train.earlyStopping.metric", StopMetric.class)),
        v.choice("train.execution", Execution.class), v.longInteger("train.driverMaxBytes"),
        v.integer("train.logEveryRounds"), v.longInteger("train.maxRounds"), v.text("train.classWeights"),
        v.text("train.stopAt"));
    Spark spark = new Spark(v.text("spark.master"), v.integer("spark.partitions"), v.longInteger("spark.partitionBytes"),
        v.text("spark.storageLevel"),
        v.integer("spark.treeFanIn"), v.settings("spark.conf"));
    Checkpoint checkpoint = new Checkpoint(v.text("checkpoint.dir"), v.integer("checkpoint.everyRounds"),
        v.integer("checkpoint.keep"));
    MathSection math = new MathSection(v.choice("math.kernel", GemmKernel.class), v.choice("math.precision", Precision.class));
    return new TrainConfig(data, model, train, math, spark, checkpoint, v.all());
  }

  /**
   * Whether the regression target is standardised while training: {@code data.scaleTarget} for an
   * mse or mae loss with an identity output, the only output whose range a standardised target fits.
   */
  public boolean scalesTarget() {
    return data.scaleTarget() && (model.loss() == Loss.MSE || model.loss() == Loss.MAE)
        && model.effectiveOutput() == Activation.IDENTITY;
  }

  /** What {@code auto} holds out for validation when training until converged: scikit-learn's and Keras's 0.1. */
  public static final double AUTO_VALIDATION_FRACTION = 0.1;

  /**
   * The fraction of the training rows held out for validation: {@code data.validationFraction}, with
   * {@code auto} meaning {@link #AUTO_VALIDATION_FRACTION} when training until converged
   * ({@code train.epochs = 0}, judged on those rows) and 0 for a fixed epoch count, which keeps
   * every row for training.
   */
  public double validationFraction() {
    return data.validationFraction().orElse(train.epochs() == 0 ? AUTO_VALIDATION_FRACTION : 0.0);
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
                     double maxBadFraction, AutoOr<FeatureScaling.Method> scaling, boolean scaleTarget,
                     AutoOr<Double> validationFraction, double testFraction, Playground playground, Synthetic synthetic,
                     String weightColumn, String labelColumns)
      implements Serializable {

    /** Whether {@code data.weightColumn} names a column of sample weights. */
    public boolean weighted() {
      return weightColumn != null && !weightColumn.isEmpty();
    }

    /**
     * The label columns of several outputs ({@code data.labelColumns} split at commas, blanks
     * trimmed), or empty for the single {@link #labelColumn()}.
     */
    public List<String> labelColumnList() {
      List<String> out = new java.util.ArrayList<>();
      for (String c : labelColumns.split(",")) {
        if (!c.isBlank()) out.add(c.trim());
      }
      return out;
    }

    /** Whether {@code data.test} names a separate test set. */
    public boolean hasTest() {
      return !test.isEmpty();
    }

    /**
     * The label column as a 0-based index when {@code data.labelColumn} is made of digits only,
     * else empty (it is then a column name).
     */
    public OptionalInt labelColumnIndex() {
      return ValueType.Column.isIndex(labelColumn) ? OptionalInt.of(Integer.parseInt(labelColumn)) : OptionalInt.empty();
    }

    /** {@link #scaling()} with {@code auto} replaced by what it means for {@link #format()}. */
    public FeatureScaling.Method effectiveScaling() {
      switch (format) {
        case IDX: return scaling.orElse(FeatureScaling.Method.DIVIDE_BY_255);
        case PLAYGROUND:
        case SYNTHETIC: return scaling.orElse(FeatureScaling.Method.NONE);
        default: return scaling.orElse(FeatureScaling.Method.STANDARD);
      }
    }
  }

  /** The {@code data.playground.*} keys. */
  public record Playground(Kind name, int rows, double noise, List<ExtraFeature> extraFeatures) implements Serializable {
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
  public record Model(List<Integer> hidden, Activation activation, AutoOr<Activation> output,
                      Loss loss, AutoOr<Initializer> init) implements Serializable {
    public Model {
      hidden = List.copyOf(hidden);
    }

    /** The hidden widths as an array, as the network code takes them. A fresh copy. */
    public int[] hiddenSizes() {
      return hidden.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@link #output()} with {@code auto} resolved from the loss ({@link Loss#defaultOutput()}). */
    public Activation effectiveOutput() {
      return output.orElse(loss.defaultOutput());
    }

    /** {@link #init()} with {@code auto} resolved from the hidden activation ({@link Initializer#defaultFor}). */
    public Initializer effectiveInit() {
      return init.orElse(Initializer.defaultFor(activation));
    }
  }

  /** The {@code train.*} keys. */
  public record Train(OptimizerKind optimizer, double learningRate, int batchSize, int epochs, int maxEpochs,
                      long seed, double momentum, double beta1, double beta2, double epsilon,
                      double weightDecay, double l2, ScheduleKind lrSchedule, int lrStepRounds,
                      double lrStepFactor, double lrMin, int warmupRounds, double clipNorm, int localSteps,
                      EarlyStopping earlyStopping, Execution execution, long driverMaxBytes, int logEveryRounds,
                      long maxRounds, String classWeights, String stopAt)
      implements Serializable {

    /** {@code train.stopAt} read (the validator has checked that it reads); empty when there is no target. */
    public java.util.Optional<org.sparkprop.train.TargetMetric> stopTarget() {
      return stopAt.isBlank() ? java.util.Optional.empty()
          : java.util.Optional.of(org.sparkprop.train.TargetMetric.parse(stopAt));
    }

    /** {@code train.classWeights} read (the validator has checked that it reads). */
    public org.sparkprop.data.ClassWeights parsedClassWeights() {
      return org.sparkprop.data.ClassWeights.parse(classWeights);
    }

    /** Whether {@code train.maxRounds} bounds the run. */
    public boolean hasMaxRounds() {
      return maxRounds > 0;
    }

    /** Whether {@code train.epochs = 0} asks to train until converged. */
    public boolean untilConverged() {
      return epochs == 0;
    }

    /** The most epochs the run may take: {@code train.epochs}, or {@code train.maxEpochs} until converged. */
    public int epochLimit() {
      return untilConverged() ? maxEpochs : epochs;
    }
  }

  /** The {@code train.earlyStopping.*} keys. */
  public record EarlyStopping(int patience, double minDelta, boolean restoreBest, StopMetric metric)
      implements Serializable {
    public boolean enabled() {
      return patience > 0;
    }
  }

  /** The {@code math.*} keys (not named Math, which would hide java.lang.Math here). */
  public record MathSection(GemmKernel kernel, Precision precision) implements Serializable {
  }

  /** The {@code spark.*} keys. */
  public record Spark(String master, int partitions, long partitionBytes, String storageLevel, int treeFanIn,
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
  // Choices of the configuration alone, with no counterpart in the engine. The accepted names are
  // those of reference.conf's Values lines: the constants' names in lower case.

  /** Where the rows come from ({@code data.format}). */
  public enum DataFormat {
    CSV, LIBSVM, PARQUET, IDX, PLAYGROUND, SYNTHETIC;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Generated in the application rather than read from {@code data.train}. */
    public boolean generated() {
      return this == PLAYGROUND || this == SYNTHETIC;
    }
  }

  /** Where the rounds run ({@code train.execution}). */
  public enum Execution {
    AUTO, SPARK, DRIVER;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What to do with a row that cannot be parsed ({@code data.onBadRow}). */
  public enum BadRowPolicy { FAIL, SKIP }
}
