package org.sparkprop.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a report's files go: a local folder, or (through the Spark layer) any Hadoop file system. */
@FunctionalInterface
public interface ReportFiles {

  /** A new file of that name (replacing one that exists); the caller closes it. */
  OutputStream create(String name) throws IOException;

  /** Files in a local folder, created if missing. */
  static ReportFiles directory(Path dir) {
    return name -> {
      Files.createDirectories(dir);
      return Files.newOutputStream(dir.resolve(name));
    };
  }
}
