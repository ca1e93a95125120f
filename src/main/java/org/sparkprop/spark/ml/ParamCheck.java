package org.sparkprop.spark.ml;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.storage.StorageLevel;

/**
 * A Spark ML param validator that explains itself. Spark calls {@code isValid} when a value is
 * set, put in a {@code ParamMap} or a grid, or read back from saved metadata, and on {@code false}
 * reports only "given invalid value"; a {@code ParamCheck} throws instead, naming the parameter, the
 * value and what is accepted. Serializable, like the params that hold it.
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

  static ParamCheck<Object> intAtLeast(String name, int min, String meaning) {
    return v -> {
      int x = (Integer) notNull(name, v);
      if (x < min) throw rejected(name, String.valueOf(x), "an integer >= " + min + " (" + meaning + ")");
    };
  }

  static ParamCheck<Object> longAtLeast(String name, long min, String meaning) {
    return v -> {
      long x = (Long) notNull(name, v);
      if (x < min) throw rejected(name, String.valueOf(x), "an integer >= " + min + " (" + meaning + ")");
    };
  }

  /** Any finite number between the bounds; {@code range} is how messages write the interval. */
  static ParamCheck<Object> number(String name, double low, boolean lowIncluded, double high, boolean highIncluded,
                              String range) {
    return v -> {
      double x = (Double) notNull(name, v);
      boolean ok = Double.isFinite(x)
          && (lowIncluded ? x >= low : x > low)
          && (highIncluded ? x <= high : x < high);
      if (!ok) throw rejected(name, String.valueOf(x), "a number " + range);
    };
  }

  /** One of {@code accepted}, ignoring case (the value is used lower-cased). */
  static ParamCheck<String> oneOf(String name, List<String> accepted) {
    return v -> {
      notNull(name, v);
      if (!accepted.contains(v.trim().toLowerCase(Locale.ROOT))) {
        throw rejected(name, "'" + v + "'", "one of " + String.join(", ", accepted));
      }
    };
  }

  /** Widths of hidden layers: each at least 1; no layer at all is allowed. */
  static ParamCheck<int[]> widths(String name) {
    return v -> {
      notNull(name, v);
      for (int w : v) {
        if (w < 1) {
          throw rejected(name, java.util.Arrays.toString(v),
              "widths >= 1, input side first (an empty array means no hidden layer)");
        }
      }
    };
  }

  /** A name {@link StorageLevel#fromString} accepts, ignoring case. */
  static ParamCheck<String> storageLevel(String name) {
    return v -> {
      notNull(name, v);
      try {
        StorageLevel.fromString(v.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw rejected(name, "'" + v + "'", "a Spark storage level such as MEMORY_AND_DISK, MEMORY_ONLY, "
            + "MEMORY_AND_DISK_SER or DISK_ONLY");
      }
    };
  }

  static ParamCheck<String> anyString(String name) {
    return v -> notNull(name, v);
  }

  private static <V> V notNull(String name, V value) {
    if (value == null) throw new IllegalArgumentException("parameter " + name + " must not be null");
    return value;
  }

  private static IllegalArgumentException rejected(String name, String value, String expected) {
    return new IllegalArgumentException("parameter " + name + " = " + value + " is not accepted: expected "
        + expected);
  }
}
