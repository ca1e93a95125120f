package org.sparkprop.config;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One configuration key as {@code reference.conf} defines it: what it accepts, what it means, its
 * default (the value written there), and, for a training option that Sparkprop's Spark ML
 * estimators take too, the name of that param. See {@link ConfigKeys} for how the file states
 * these.
 *
 * @param key the full path, e.g. {@code train.learningRate}
 * @param type what the key accepts
 * @param doc what it means, in the file's words (may name other keys by their full path)
 * @param defaultValue the default in canonical form (see {@link ValueType})
 * @param sparkParam the Spark ML param's name, or null for a key of the command line only
 */
public record ConfigKey(String key, ValueType type, String doc, Object defaultValue, String sparkParam)
    implements Serializable {

  public Optional<String> param() {
    return Optional.ofNullable(sparkParam);
  }

  /**
   * The documentation as one paragraph for another surface (a Spark ML param's {@code doc}): the
   * meaning, the accepted values with what each means, or else what a value must be.
   *
   * @param accepted the type as that surface narrows it (e.g. fewer values), else {@link #type()}
   * @param names renames the keys the text mentions into that surface's names
   */
  public String describe(ValueType accepted, UnaryOperator<String> names) {
    StringBuilder sb = new StringBuilder(sentence(names.apply(doc)));
    List<ValueType.Choice> choices = accepted.choices();
    if (!choices.isEmpty()) {
      sb.append(accepted instanceof ValueType.OneOf ? " One of: " : " Each at most once: ");
      for (int i = 0; i < choices.size(); i++) {
        ValueType.Choice c = choices.get(i);
        if (i > 0) sb.append("; ");
        sb.append(c.name());
        if (!c.description().isEmpty()) sb.append(" (").append(names.apply(c.description())).append(')');
      }
      sb.append('.');
    } else {
      sb.append(" Expected: ").append(accepted.expected()).append('.');
    }
    return sb.toString();
  }

  private static String sentence(String text) {
    return text.endsWith(".") ? text : text + ".";
  }
}
