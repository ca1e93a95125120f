package org.sparkprop.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values that passed their key's check, in canonical form, with typed getters that turn
 * names into the engine's enums. A getter returns null for a key whose value was refused, so
 * that rules between keys can run on the rest.
 */
final class KeyValues {
  private static final String AUTO = "auto";

  private final Map<String, Object> values = new TreeMap<>();

  void put(String key, Object value) {
    values.put(key, value);
  }

  /** Every value by key, sorted; unmodifiable. */
  Map<String, Object> all() {
    return Collections.unmodifiableMap(values);
  }

  Boolean flag(String key) {
    return (Boolean) values.get(key);
  }

  String text(String key) {
    return (String) values.get(key);
  }

  Integer integer(String key) {
    return (Integer) values.get(key);
  }

  Long longInteger(String key) {
    return (Long) values.get(key);
  }

  Double number(String key) {
    return (Double) values.get(key);
  }

  @SuppressWarnings("unchecked")
  List<Integer> integers(String key) {
    return (List<Integer>) values.get(key);
  }

  @SuppressWarnings("unchecked")
  Map<String, String> settings(String key) {
    return (Map<String, String>) values.get(key);
  }

  /** The constant of {@code type} a name of the key's {@code Values:} stands for. */
  <E extends Enum<E>> E choice(String key, Class<E> type) {
    String name = text(key);
    return name == null ? null : constant(key, name, type);
  }

  /** Like {@link #choice}, for a key whose values include {@code auto}. */
  <E extends Enum<E>> AutoOr<E> autoChoice(String key, Class<E> type) {
    String name = text(key);
    if (name == null) return null;
    return name.equals(AUTO) ? AutoOr.auto() : AutoOr.of(constant(key, name, type));
  }

  /** A key of type {@code auto, or number ...}. */
  AutoOr<Double> autoNumber(String key) {
    Object value = values.get(key);
    if (value == null) return null;
    return ValueType.AutoOrReal.AUTO.equals(value) ? AutoOr.auto() : AutoOr.of((Double) value);
  }

  @SuppressWarnings("unchecked")
  <E extends Enum<E>> List<E> choices(String key, Class<E> type) {
    List<String> names = (List<String>) values.get(key);
    if (names == null) return null;
    List<E> out = new ArrayList<>();
    for (String name : names) out.add(constant(key, name, type));
    return out;
  }

  /**
   * Names are the constants' names in lower case. A name the file accepts but the enum lacks is
   * a mistake in the program (the file and the engine disagree), not in the user's configuration.
   */
  private static <E extends Enum<E>> E constant(String key, String name, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(name)) return e;
    }
    throw new IllegalStateException(ConfigLoader.RESOURCE + " lets " + key + " be '" + name + "' but "
        + type.getName() + " has no such constant");
  }
}
