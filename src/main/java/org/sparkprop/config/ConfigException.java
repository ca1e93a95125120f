package org.sparkprop.config;

import java.util.List;

/**
 * Every problem found in a configuration, reported together so one failed start shows them all.
 * The message is a header line followed by one problem per line; {@link #problems()} gives the
 * same lines for callers that format them differently.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** One human-readable line per problem, in the order they were found. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    StringBuilder sb = new StringBuilder("invalid configuration (")
        .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) sb.append('\n').append("  ").append(p);
    return sb.toString();
  }
}
