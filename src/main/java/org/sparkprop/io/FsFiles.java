package org.sparkprop.io;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.slf4j.Logger;

/** The few file-system steps the atomic writes are built from, with their failure handling. */
final class FsFiles {
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Creates {@code path} (which must not exist), writes it and makes it durable before close.
   * hsync is asked for only where the stream offers it: HDFS does; S3A does not and makes the
   * object durable at close; Hadoop's LocalFileSystem does not either, so there a power cut
   * may still lose a just-published file (never leave a half-written one under its name).
   */
  static void writeNew(FileSystem fs, Path path, Body body, WriteFault fault) throws IOException {
    try (FSDataOutputStream out = fs.create(path, false)) {
      OutputStream sink = fault == null ? out : fault.wrap(out);
      body.writeTo(sink);
      sink.flush();
      if (out.hasCapability(StreamCapabilities.HSYNC)) {
        out.hsync();
      }
    }
  }

  /** FileSystem.rename reports many failures by returning false; make them exceptions. */
  static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to
          + (fs.exists(to) ? " (the target already exists)" : ""));
    }
  }

  /** For clean-up after a failure or a success: logged, never allowed to mask the outcome. */
  static void deleteQuietly(FileSystem fs, Path path, boolean recursive, Logger log) {
    try {
      if (fs.exists(path) && !fs.delete(path, recursive)) {
        log.warn("Could not delete {}", path);
      }
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", path, e.toString());
    }
  }

  static String randomSuffix() {
    return Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1);
  }

  private FsFiles() {}
}
