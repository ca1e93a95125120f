package org.sparkprop.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * The value of a key that may be {@code auto}: either a value of the engine's own type, or
 * "let the program choose", which {@link #orElse} resolves from the rest of the configuration
 * (the {@code effective...()} methods of {@link TrainConfig}'s sections).
 *
 * @param <T> the engine's type, e.g. {@link org.sparkprop.nn.Activation}
 */
public final class AutoOr<T> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final AutoOr<?> AUTO = new AutoOr<>(null);

  private final T value; // null for auto

  private AutoOr(T value) {
    this.value = value;
  }

  @SuppressWarnings("unchecked")
  public static <T> AutoOr<T> auto() {
    return (AutoOr<T>) AUTO;
  }

  public static <T> AutoOr<T> of(T value) {
    return new AutoOr<>(Objects.requireNonNull(value, "value (use AutoOr.auto() for auto)"));
  }

  public boolean isAuto() {
    return value == null;
  }

  /** The value given, or {@code chosen} for auto. */
  public T orElse(T chosen) {
    return value == null ? chosen : value;
  }

  /** Whether a value was given and it is {@code other}. */
  public boolean is(T other) {
    return value != null && value.equals(other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AutoOr<?> a && Objects.equals(value, a.value);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return value == null ? "auto" : String.valueOf(value);
  }
}
