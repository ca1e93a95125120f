package org.sparkprop.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A benchmark's child process (a trainer in a JVM of its own, a Python peer): its output is copied
 * to standard error line by line with a tag, and its one {@code RESULT {json}} line is its figures.
 */
public final class ChildProcess {
  /** What a child prints before its JSON result, on a line of its own. */
  public static final String RESULT_PREFIX = "RESULT ";

  private ChildProcess() {
  }

  /**
   * Starts {@code process} (its error stream merged into its output), copies its output to standard
   * error with {@code tag} before each line, and parses its {@code RESULT} line (the last, if several).
   *
   * @param what the child in an error message, e.g. "child JVM" or "child process (python ...)"
   * @throws IllegalStateException if it exits non-zero, prints no result line or a result that is not JSON
   */
  public static Map<String, Object> result(String tag, ProcessBuilder process, String what)
      throws IOException, InterruptedException {
    Process p = process.redirectErrorStream(true).start();
    String result = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(RESULT_PREFIX)) result = line.substring(RESULT_PREFIX.length());
        else System.err.println(tag + ": " + line);
      }
    }
    int exit = p.waitFor();
    if (exit != 0 || result == null) {
      throw new IllegalStateException("the " + tag + " " + what + " exited with " + exit
          + (result == null ? " and printed no " + RESULT_PREFIX.trim() + " line" : "") + "; its output is above");
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = new LinkedHashMap<>(new ObjectMapper().readValue(result, Map.class));
      return m;
    } catch (IOException e) {
      throw new IllegalStateException("the " + tag + " " + what + " printed a " + RESULT_PREFIX.trim()
          + " line that is not a JSON object: " + result, e);
    }
  }
}
