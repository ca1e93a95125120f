package org.sparkprop.spark.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkprop.config.ConfigException;
import org.sparkprop.config.TrainConfig;

/**
 * The training params of one Sparkprop estimator or model, owned by it: one Spark ML param per
 * training key of the command line's configuration ({@code conf/reference.conf}), with the same
 * default, range and meaning. Use them through {@link SparkpropParams}; this class only holds
 * them and turns their values into the {@link TrainConfig} the trainer runs from, so that the
 * estimators and the {@code train} command train from one validated description.
 *
 * <p>Single values are checked when set ({@link ParamCheck}); rules between params (e.g. {@code lrMin}
 * above {@code learningRate}, a bce loss with a softmax output) are checked by the configuration
 * validator when the estimator validates its schema, before any Spark job runs.
 */
public final class SparkpropParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The command line's defaults, read from reference.conf once. */
  private static final Map<String, Object> REFERENCE = TrainConfig.defaults().resolved();

  final IntArrayParam hiddenLayers;
  final Param<String> activation;
  final Param<String> outputActivation;
  final Param<String> loss;
  final Param<String> weightInit;
  final Param<String> optimizer;
  final DoubleParam learningRate;
  final IntParam batchSize;
  final IntParam epochs;
  final LongParam seed;
  final DoubleParam momentum;
  final DoubleParam beta1;
  final DoubleParam beta2;
  final DoubleParam epsilon;
  final DoubleParam weightDecay;
  final DoubleParam l2;
  final Param<String> lrSchedule;
  final IntParam lrStepRounds;
  final DoubleParam lrStepFactor;
  final DoubleParam lrMin;
  final IntParam warmupRounds;
  final DoubleParam clipNorm;
  final IntParam earlyStoppingPatience;
  final Param<String> earlyStoppingMetric;
  final DoubleParam validationFraction;
  final LongParam maxRounds;
  final IntParam logEveryRounds;
  final IntParam partitions;
  final Param<String> storageLevel;
  final IntParam treeFanIn;
  final Param<String> checkpointDir;
  final IntParam checkpointEveryRounds;
  final IntParam checkpointKeep;
  final BooleanParam resumeFromCheckpoint;

  /** Each config-backed param with its key, in declaration order. */
  private final List<Binding> bindings = new ArrayList<>();
  private final Task task;

  /** A param and the configuration key it stands for; its default is that key's. */
  private record Binding(Param<?> param, String key, Object defaultValue) implements Serializable {
  }

  SparkpropParamSet(Params owner, Task task) {
    this.task = task;
    boolean classification = task == Task.CLASSIFICATION;

    hiddenLayers = bind(new IntArrayParam(owner, "hiddenLayers",
        "Widths of the hidden layers, input side first; empty for no hidden layer (a linear model, or a "
            + "single-layer perceptron with outputActivation step). The input width comes from the features, "
            + "the output width from the number of classes (1 for regression and for 2 classes without softmax).",
        ParamCheck.widths("hiddenLayers")), "model.hidden",
        ((List<?>) REFERENCE.get("model.hidden")).stream().mapToInt(x -> ((Number) x).intValue()).toArray());
    activation = bindString(owner, "activation", "model.activation",
        "Activation of every hidden layer; leaky_relu has slope 0.01 below zero, step (Heaviside) is refused "
            + "with hidden layers.", choices(TrainConfig.Activation.class));
    List<String> outputs = classification ? choices(TrainConfig.OutputActivation.class)
        : List.of("auto", "identity", "sigmoid");
    outputActivation = bindString(owner, "outputActivation", "model.output",
        "Activation of the output layer: auto is softmax for cross_entropy, sigmoid for bce, identity "
            + "otherwise; step is the Heaviside output of a single-layer perceptron trained by the perceptron "
            + "rule with loss mae or mse.", outputs);
    List<String> losses = classification ? choices(TrainConfig.Loss.class) : List.of("mae", "mse", "bce");
    loss = bindString(owner, "loss", "model.loss",
        "Training loss: mae, mse, bce (independent 0/1 outputs, sigmoid output), cross_entropy (categorical, "
            + "softmax output)" + (classification ? "." : "; cross_entropy needs classes, use SparkpropClassifier."),
        losses, classification ? REFERENCE.get("model.loss") : "mse");
    weightInit = bindString(owner, "weightInit", "model.init",
        "Weight initialisation, seeded by seed (biases start at zero): auto is he for relu and leaky_relu "
            + "hidden layers and glorot otherwise; glorot is uniform with limit sqrt(6 / (fanIn + fanOut)), he "
            + "is normal with standard deviation sqrt(2 / fanIn).", choices(TrainConfig.Init.class));

    optimizer = bindString(owner, "optimizer", "train.optimizer",
        "Update rule: sgd, momentum and nesterov (with momentum), adam (beta1, beta2, epsilon), adamw (adam "
            + "with decoupled weightDecay).", choices(TrainConfig.Optimizer.class));
    learningRate = bindDouble(owner, "learningRate", "train.learningRate",
        "Base step size, before schedule and warm-up; > 0.", 0, false, Double.MAX_VALUE, true, "> 0");
    batchSize = bindInt(owner, "batchSize", "train.batchSize",
        "Rows in each global mini-batch, summed over all partitions: one synchronous round computes the "
            + "gradient of this many rows and makes one update; >= 1.", 1, "rows per global mini-batch");
    epochs = bindInt(owner, "epochs", "train.epochs", "Passes over the training rows; >= 1.", 1, "passes over the data");
    seed = bindLong(owner, "seed", "train.seed",
        "Seed of the weight initialisation, the per-epoch shuffling and the validation split; with the same "
            + "seed, data and partitions a fit is repeatable bit for bit.", Long.MIN_VALUE, "any 64-bit integer");
    momentum = bindDouble(owner, "momentum", "train.momentum",
        "Momentum coefficient of optimizer momentum and nesterov; in [0, 1).", 0, true, 1, false, "in [0, 1)");
    beta1 = bindDouble(owner, "beta1", "train.beta1",
        "Adam's decay rate of the first moment estimate (adam, adamw); in [0, 1).", 0, true, 1, false, "in [0, 1)");
    beta2 = bindDouble(owner, "beta2", "train.beta2",
        "Adam's decay rate of the second moment estimate (adam, adamw); in [0, 1).", 0, true, 1, false, "in [0, 1)");
    epsilon = bindDouble(owner, "epsilon", "train.epsilon",
        "Adam's term added to the denominator for numerical stability (adam, adamw); > 0.",
        0, false, Double.MAX_VALUE, true, "> 0");
    weightDecay = bindDouble(owner, "weightDecay", "train.weightDecay",
        "Decoupled weight decay of adamw (ignored by the other optimizers); >= 0.",
        0, true, Double.MAX_VALUE, true, ">= 0");
    l2 = bindDouble(owner, "l2", "train.l2",
        "L2 penalty coefficient added to the gradient of every parameter, biases included, for any optimizer; "
            + "0 for none; >= 0.", 0, true, Double.MAX_VALUE, true, ">= 0");
    lrSchedule = bindString(owner, "lrSchedule", "train.lrSchedule",
        "How the learning rate changes after warm-up: constant; step (multiplied by lrStepFactor every "
            + "lrStepRounds rounds, never below lrMin); cosine (from learningRate down to lrMin along a half "
            + "cosine over the whole fit).", choices(TrainConfig.LrSchedule.class));
    lrStepRounds = bindInt(owner, "lrStepRounds", "train.lrStepRounds",
        "Rounds between two decays of lrSchedule step; >= 1.", 1, "rounds between decays");
    lrStepFactor = bindDouble(owner, "lrStepFactor", "train.lrStepFactor",
        "Factor of each decay of lrSchedule step; in (0, 1].", 0, false, 1, true, "in (0, 1]");
    lrMin = bindDouble(owner, "lrMin", "train.lrMin",
        "Lowest learning rate of lrSchedule step and cosine; must not exceed learningRate; >= 0.",
        0, true, Double.MAX_VALUE, true, ">= 0");
    warmupRounds = bindInt(owner, "warmupRounds", "train.warmupRounds",
        "Rounds over which the learning rate rises linearly from near 0 to its scheduled value; 0 for none.",
        0, "rounds of warm-up");
    clipNorm = bindDouble(owner, "clipNorm", "train.clipNorm",
        "Rescale the global gradient when its L2 norm exceeds this; 0 for no clipping; >= 0.",
        0, true, Double.MAX_VALUE, true, ">= 0");
    earlyStoppingPatience = bindInt(owner, "earlyStoppingPatience", "train.earlyStopping.patience",
        "Stop when earlyStoppingMetric has not improved for this many epochs, measured on the validation rows "
            + "if validationFraction > 0, else on the training loss; 0 never stops early.", 0, "epochs");
    earlyStoppingMetric = bindString(owner, "earlyStoppingMetric", "train.earlyStopping.metric",
        "What early stopping watches: loss (lower is better)" + (classification
            ? ", accuracy (higher is better)." : ", mse (lower is better)."),
        classification ? List.of("loss", "accuracy") : List.of("loss", "mse"));
    validationFraction = bindDouble(owner, "validationFraction", "data.validationFraction",
        "Fraction of the training rows held out for validation, chosen per row by seed, evaluated after "
            + "every epoch and watched by early stopping; 0 for none; in [0, 1).", 0, true, 1, false, "in [0, 1)");
    maxRounds = bindLong(owner, "maxRounds", "train.maxRounds",
        "Stop after this many rounds in total, whatever epochs says; 0 for no limit.", 0, "rounds");
    logEveryRounds = bindInt(owner, "logEveryRounds", "train.logEveryRounds",
        "Log the training loss (at INFO, logger org.sparkprop) every this many rounds; >= 1.", 1, "rounds");

    partitions = bindInt(owner, "partitions", "spark.partitions",
        "Partitions of the packed training data (one task each per round); 0 for Spark's default parallelism "
            + "(one per core). The rows keep their order and are split into contiguous ranges.", 0, "partitions");
    storageLevel = bind(new Param<>(owner, "storageLevel",
        "How the packed training data is cached between rounds: a Spark storage level name such as "
            + "MEMORY_AND_DISK, MEMORY_ONLY, MEMORY_AND_DISK_SER or DISK_ONLY.",
        ParamCheck.storageLevel("storageLevel")), "spark.storageLevel", REFERENCE.get("spark.storageLevel"));
    treeFanIn = bindInt(owner, "treeFanIn", "spark.treeFanIn",
        "Partitions whose gradients are merged per node of the fixed-order tree aggregation; >= 2.", 2,
        "partitions per merge");
    checkpointDir = bind(new Param<>(owner, "checkpointDir",
        "Directory URI (any Hadoop file system) where checkpoints of the fit are written; empty for none. "
            + "Fits that run at the same time (a CrossValidator's) must not share one directory.",
        ParamCheck.anyString("checkpointDir")), "checkpoint.dir", REFERENCE.get("checkpoint.dir"));
    checkpointEveryRounds = bindInt(owner, "checkpointEveryRounds", "checkpoint.everyRounds",
        "Write a checkpoint every this many rounds; 0 only at the end of each epoch.", 0, "rounds");
    checkpointKeep = bindInt(owner, "checkpointKeep", "checkpoint.keep",
        "How many of the newest checkpoints to keep; older ones are deleted; >= 1.", 1, "checkpoints");
    resumeFromCheckpoint = new BooleanParam(owner, "resumeFromCheckpoint",
        "Continue from the newest checkpoint in checkpointDir if there is one (the command line's --resume); "
            + "the result is bit-identical to an uninterrupted fit with the same params and data.");

    for (Binding b : bindings) setDefault(owner, b.param, b.defaultValue);
    owner.setDefault(resumeFromCheckpoint, false);
  }

  /** The resolved and validated configuration these params describe. @throws IllegalArgumentException */
  TrainConfig toConfig(Params owner) {
    Config config = ConfigFactory.empty();
    for (Binding b : bindings) {
      Object value = owner.getOrDefault(b.param);
      if (value instanceof int[] widths) value = Arrays.stream(widths).boxed().toList();
      config = config.withValue(b.key, ConfigValueFactory.fromAnyRef(value, "param " + b.param.name()));
    }
    try {
      return TrainConfig.fromConfig(config);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(inParamNames(e.getMessage(), owner.getClass().getSimpleName()), e);
    }
  }

  boolean resume(Params owner) {
    return (Boolean) owner.getOrDefault(resumeFromCheckpoint);
  }

  Task task() {
    return task;
  }

  /** Whether a configuration key has a param here. */
  boolean isBound(String configKey) {
    for (Binding b : bindings) {
      if (b.key.equals(configKey)) return true;
    }
    return false;
  }

  /** The configuration key a param stands for, or null. */
  String configKey(Param<?> param) {
    for (Binding b : bindings) {
      if (b.param.name().equals(param.name())) return b.key;
    }
    return null;
  }

  /** The validator speaks in configuration keys; a Spark ML user set params. */
  private String inParamNames(String message, String owner) {
    List<Binding> longestFirst = new ArrayList<>(bindings);
    longestFirst.sort(Comparator.comparingInt((Binding b) -> b.key.length()).reversed());
    String out = message.replace("invalid configuration", "invalid " + owner + " params");
    for (Binding b : longestFirst) out = out.replace(b.key, b.param.name());
    return out;
  }

  private <T> Param<T> bind(Param<T> param, String key, Object defaultValue) {
    bindings.add(new Binding(param, key, defaultValue));
    return param;
  }

  private IntArrayParam bind(IntArrayParam param, String key, int[] defaultValue) {
    bindings.add(new Binding(param, key, defaultValue));
    return param;
  }

  private Param<String> bindString(Params owner, String name, String key, String doc, List<String> accepted) {
    return bindString(owner, name, key, doc, accepted, REFERENCE.get(key));
  }

  private Param<String> bindString(Params owner, String name, String key, String doc, List<String> accepted,
                                   Object defaultValue) {
    return bind(new Param<>(owner, name, doc + " One of: " + String.join(", ", accepted) + ".",
        ParamCheck.oneOf(name, accepted)), key, defaultValue);
  }

  private DoubleParam bindDouble(Params owner, String name, String key, String doc, double low, boolean lowIncluded,
                                 double high, boolean highIncluded, String range) {
    DoubleParam p = new DoubleParam(owner, name, doc, ParamCheck.number(name, low, lowIncluded, high, highIncluded, range));
    bindings.add(new Binding(p, key, ((Number) REFERENCE.get(key)).doubleValue()));
    return p;
  }

  private IntParam bindInt(Params owner, String name, String key, String doc, int min, String meaning) {
    IntParam p = new IntParam(owner, name, doc, ParamCheck.intAtLeast(name, min, meaning));
    bindings.add(new Binding(p, key, ((Number) REFERENCE.get(key)).intValue()));
    return p;
  }

  private LongParam bindLong(Params owner, String name, String key, String doc, long min, String meaning) {
    LongParam p = new LongParam(owner, name, doc, ParamCheck.longAtLeast(name, min, meaning));
    bindings.add(new Binding(p, key, ((Number) REFERENCE.get(key)).longValue()));
    return p;
  }

  @SuppressWarnings("unchecked")
  private static void setDefault(Params owner, Param<?> param, Object value) {
    owner.setDefault((Param<Object>) param, value);
  }

  private static <E extends Enum<E> & TrainConfig.Choice> List<String> choices(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).filter(TrainConfig.Choice::selectable)
        .map(TrainConfig.Choice::configName).toList();
  }
}
