package org.sparkprop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** Reading the log files of child JVMs, and tidying their folders. */
final class Logs {
  private Logs() {
  }

  /** The whole file, or "" if it does not exist yet; undecodable bytes are replaced, not fatal. */
  static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(Path file, int lines, String title) {
    String[] all = read(file).split("\n");
    String last = String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    return "---- " + title + " (" + file + "), last " + lines + " lines:\n" + last + "\n";
  }

  /**
   * Deletes the jars under {@code dir}: the application jar each executor fetched (21 MB a copy)
   * and the links of the Spark installation. Logs stay for a post-mortem.
   */
  static void deleteJars(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(p -> p.getFileName().toString().endsWith(".jar")).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          System.err.println("cannot delete " + p + ": " + e);
        }
      });
    } catch (IOException e) {
      System.err.println("cannot tidy " + dir + ": " + e);
    }
  }
}
