package org.sparkprop.cli;

import java.util.List;
import java.util.Locale;

/** The file formats evaluate and predict read. */
final class Formats {
  static final List<String> READABLE = List.of("csv", "libsvm", "parquet", "idx");

  private Formats() {
  }

  /** The format named by an option, checked; null stays null (the model's own). */
  static String input(String given) {
    if (given == null) return null;
    String f = given.toLowerCase(Locale.ROOT);
    if (!READABLE.contains(f)) throw new IllegalArgumentException("unknown data format '" + given + "'; expected one of " + READABLE);
    return f;
  }
}
