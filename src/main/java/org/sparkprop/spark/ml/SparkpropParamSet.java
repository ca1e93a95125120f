package org.sparkprop.spark.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.Serializable;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.sparkprop.config.ConfigException;
import org.sparkprop.config.ConfigKey;
import org.sparkprop.config.ConfigKeys;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.ValueType;

/**
 * The training params of one Sparkprop estimator or model, owned by it: one Spark ML param per
 * key of {@code conf/reference.conf} that names one ({@code Spark ML param: ...}), built from that
 * key's definition: the param's type from the key's type, its {@code doc} from the key's
 * documentation (other keys renamed to their params), its default from the key's default, and its
 * validator from the key's range or values (narrowed to the estimator's task, see {@link Task}).
 * Nothing about a key is written here. Use the params through {@link SparkpropParams}; this class
 * holds them and turns their values into the {@link TrainConfig} the trainer runs from, so that
 * the estimators and the {@code train} command train from one validated description.
 *
 * <p>Single values are checked when set ({@link ParamCheck}); rules between params (e.g. {@code lrMin}
 * above {@code learningRate}, a bce loss with a softmax output) are checked by the configuration
 * validator when the estimator validates its schema, before any Spark job runs.
 */
public final class SparkpropParamSet implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Key paths in documentation and messages, replaced longest first so that no key eats a longer one. */
  private static final List<ConfigKey> BY_LENGTH = ConfigKeys.reference().sparkParams().stream()
      .sorted(Comparator.comparingInt((ConfigKey k) -> k.key().length()).reversed()).toList();

  /** By param name, in the order of reference.conf. */
  private final Map<String, Param<?>> params = new LinkedHashMap<>();
  final BooleanParam resumeFromCheckpoint;
  final BooleanParam resumeWithChanges;
  private final Task task;

  SparkpropParamSet(Params owner, Task task) {
    this.task = task;
    for (ConfigKey key : ConfigKeys.reference().sparkParams()) {
      ValueType accepted = task.accepted(key);
      Param<?> p = newParam(owner, key.sparkParam(), key.describe(accepted, SparkpropParamSet::inParamNames), accepted);
      params.put(p.name(), p);
      setDefault(owner, p, paramValue(task.defaultValue(key), accepted));
    }
    // The command line's --resume, not a configuration key: whether to continue a fit, not how to make one.
    resumeFromCheckpoint = new BooleanParam(owner, "resumeFromCheckpoint",
        "Continue from the newest checkpoint in checkpointDir if there is one (the command line's --resume); "
            + "the result is bit-identical to an uninterrupted fit with the same params and data.");
    owner.setDefault(resumeFromCheckpoint, false);
    // The command line's --resume-with-changes: a user's explicit acceptance that the bits change.
    resumeWithChanges = new BooleanParam(owner, "resumeWithChanges",
        "As resumeFromCheckpoint, but continue even if the params or data differ from the checkpoint's (the command"
            + " line's --resume-with-changes): the accepted changes are listed in the training summary"
            + " (resumeChanges), and the fit no longer repeats an uninterrupted one bit for bit.");
    owner.setDefault(resumeWithChanges, false);
  }

  /** The param of a training key; {@link SparkpropParams} has a named accessor for each. */
  @SuppressWarnings("unchecked")
  <P extends Param<?>> P param(String name) {
    Param<?> p = params.get(name);
    if (p == null) {
      throw new IllegalStateException("no key of reference.conf has 'Spark ML param: " + name + "'");
    }
    return (P) p;
  }

  /** The configuration key behind a param, by the param's name. @throws IllegalArgumentException if none */
  public ConfigKey key(String paramName) {
    for (ConfigKey k : ConfigKeys.reference().sparkParams()) {
      if (k.sparkParam().equals(paramName)) return k;
    }
    throw new IllegalArgumentException("parameter " + paramName + " stands for no configuration key");
  }

  /** What a param accepts: its key's type, narrowed to this estimator's task. */
  public ValueType accepted(String paramName) {
    return task.accepted(key(paramName));
  }

  /** The resolved and validated configuration these params describe. @throws IllegalArgumentException */
  TrainConfig toConfig(Params owner) {
    Config config = ConfigFactory.empty();
    for (Param<?> param : params.values()) {
      Object value = ParamCheck.configValue(owner.getOrDefault(param));
      config = config.withValue(key(param.name()).key(), ConfigValueFactory.fromAnyRef(value, "param " + param.name()));
    }
    try {
      return TrainConfig.fromConfig(config);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(inParamNames(e.getMessage())
          .replace("invalid configuration", "invalid " + owner.getClass().getSimpleName() + " params"), e);
    }
  }

  /** What the two resume params ask for; resumeWithChanges implies resuming, as --resume-with-changes does. */
  ResumePolicy resumePolicy(Params owner) {
    if ((Boolean) owner.getOrDefault(resumeWithChanges)) return ResumePolicy.WITH_CHANGES;
    return ResumePolicy.of((Boolean) owner.getOrDefault(resumeFromCheckpoint));
  }

  /** The params that say whether to continue a fit rather than how to make one: no configuration key. */
  boolean isResumeParam(Param<?> p) {
    return p == resumeFromCheckpoint || p == resumeWithChanges;
  }

  Task task() {
    return task;
  }

  /** Whether a configuration key has a param here. */
  boolean isBound(String configKey) {
    return ConfigKeys.reference().find(configKey).map(k -> k.sparkParam() != null).orElse(false);
  }

  /** The configuration key a param stands for, or null. */
  String configKey(Param<?> param) {
    return params.containsKey(param.name()) ? key(param.name()).key() : null;
  }

  /** The configuration speaks in key paths; a Spark ML user sets params. */
  static String inParamNames(String text) {
    String out = text;
    for (ConfigKey k : BY_LENGTH) {
      out = out.replaceAll("(?<![\\w.])" + Pattern.quote(k.key()) + "(?!\\w)", Matcher.quoteReplacement(k.sparkParam()));
    }
    return out;
  }

  private static Param<?> newParam(Params owner, String name, String doc, ValueType accepted) {
    if (accepted instanceof ValueType.Flag) return new BooleanParam(owner, name, doc);
    if (accepted instanceof ValueType.Whole w) {
      return w.wide() ? new LongParam(owner, name, doc, ParamCheck.of(name, accepted))
          : new IntParam(owner, name, doc, ParamCheck.of(name, accepted));
    }
    if (accepted instanceof ValueType.Real) return new DoubleParam(owner, name, doc, ParamCheck.of(name, accepted));
    if (accepted instanceof ValueType.WholeList) return new IntArrayParam(owner, name, doc, ParamCheck.of(name, accepted));
    if (accepted instanceof ValueType.DistinctValues) {
      return new StringArrayParam(owner, name, doc, ParamCheck.of(name, accepted));
    }
    if (accepted instanceof ValueType.Text || accepted instanceof ValueType.Column || accepted instanceof ValueType.OneOf
        || accepted instanceof ValueType.AutoOrReal || accepted instanceof ValueType.ClassWeightList
        || accepted instanceof ValueType.StopTarget) {
      return new Param<String>(owner, name, doc, ParamCheck.of(name, accepted));
    }
    throw new IllegalStateException("a configuration key of type '" + accepted.expected() + "' cannot be the Spark ML param "
        + name);
  }

  /** A canonical configuration value as a param holds it: lists become arrays. */
  private static Object paramValue(Object value, ValueType accepted) {
    if (accepted instanceof ValueType.WholeList) return ((List<?>) value).stream().mapToInt(x -> (Integer) x).toArray();
    if (accepted instanceof ValueType.DistinctValues) return ((List<?>) value).stream().map(String::valueOf).toArray(String[]::new);
    if (accepted instanceof ValueType.AutoOrReal && value instanceof Double d) return ValueType.plain(d);
    return value;
  }

  @SuppressWarnings("unchecked")
  private static void setDefault(Params owner, Param<?> param, Object value) {
    owner.setDefault((Param<Object>) param, value);
  }
}
