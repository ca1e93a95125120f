package org.sparkprop.spark.ml;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sparkprop.config.ConfigKey;
import org.sparkprop.config.ValueType;

/**
 * What the label column means: a class index, or a real-valued target. The command line infers
 * this from the loss; an estimator is told it, so each narrows the configuration's choices to
 * those that make sense for its task, and the regressor defaults to a regression loss. This table
 * is the only place Spark ML departs from {@code reference.conf}.
 */
enum Task {
  CLASSIFICATION(Map.of("train.earlyStopping.metric", List.of("mse")), Map.of()),
  REGRESSION(Map.of(
      "model.loss", List.of("cross_entropy"),
      "model.output", List.of("softmax", "step"),
      "train.earlyStopping.metric", List.of("accuracy")),
      Map.of("model.loss", "mse"));

  /** By key, the configuration's values this task has no use for. */
  private final Map<String, List<String>> excluded;
  /** By key, a default other than the configuration's. */
  private final Map<String, Object> defaults;

  Task(Map<String, List<String>> excluded, Map<String, Object> defaults) {
    this.excluded = excluded;
    this.defaults = defaults;
  }

  String configName() {
    return this == CLASSIFICATION ? "classification" : "regression";
  }

  /** What the key accepts for this task. */
  ValueType accepted(ConfigKey key) {
    List<String> out = excluded.get(key.key());
    if (out == null) return key.type();
    if (!(key.type() instanceof ValueType.OneOf oneOf) || !oneOf.names().containsAll(out)) {
      throw new IllegalStateException(this + " excludes " + out + " from " + key.key()
          + ", which does not offer them: " + key.type().expected());
    }
    return oneOf.without(out);
  }

  /** The key's default for this task, in the configuration's canonical form. */
  Object defaultValue(ConfigKey key) {
    return defaults.getOrDefault(key.key(), key.defaultValue());
  }

  /** Keys whose values or default this task changes (a test holds them to the configuration's). */
  Set<String> narrowedKeys() {
    Set<String> keys = new TreeSet<>(excluded.keySet());
    keys.addAll(defaults.keySet());
    return keys;
  }
}
