package org.sparkprop.spark.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.sparkprop.config.ValueType;

/**
 * A Spark ML param validator that explains itself. Spark calls {@code isValid} when a value is
 * set, put in a {@code ParamMap} or a grid, or read back from saved metadata, and on {@code false}
 * reports only "given invalid value"; a {@code ParamCheck} throws instead, naming the parameter, the
 * value and what is accepted, the latter in the configuration's own words ({@link ValueType}).
 * Serializable, like the params that hold it.
 *
 * @param <T> the param's value type as Spark's Java signatures give it (boxed for numbers)
 */
@FunctionalInterface
interface ParamCheck<T> extends scala.Function1<T, Object>, Serializable {

  /** Returns normally for an accepted value. @throws IllegalArgumentException otherwise */
  void require(T value);

  @Override
  default Object apply(T value) {
    require(value);
    return Boolean.TRUE;
  }

  /** What the configuration key behind a param accepts (case-insensitive names, the value kept as given). */
  static <T> ParamCheck<T> of(String name, ValueType accepted) {
    return v -> {
      if (v == null) throw new IllegalArgumentException("parameter " + name + " must not be null");
      ValueType.Checked checked = accepted.check(configValue(v));
      if (!checked.ok()) {
        throw new IllegalArgumentException("parameter " + name + " = " + shown(v) + " is not accepted: expected "
            + checked.expected());
      }
    };
  }

  /** A param's value as the configuration holds it: arrays become lists. */
  static Object configValue(Object v) {
    if (v instanceof int[] widths) return Arrays.stream(widths).boxed().toList();
    if (v instanceof String[] names) return List.of(names);
    return v;
  }

  private static String shown(Object v) {
    if (v instanceof String s) return "'" + s + "'";
    if (v instanceof int[] a) return Arrays.toString(a);
    if (v instanceof String[] a) return Arrays.toString(a);
    return String.valueOf(v);
  }
}
