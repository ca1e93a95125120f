package org.sparkprop.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/** Helpers for tests that damage real files behind the code's back, as a crash or a disk would. */
final class TestFiles {
  static Configuration conf() {
    return new Configuration();
  }

  static String uri(Path p) {
    return p.toUri().toString();
  }

  /** How the code under test names a local path in its messages. */
  static String hadoopName(Path p) {
    return new org.apache.hadoop.fs.Path(uri(p)).toString();
  }

  static byte[] bytesOf(TensorFile f) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    f.writeTo(out);
    return out.toByteArray();
  }

  /**
   * Rewrites a file in place and removes Hadoop's {@code .NAME.crc} side file, so that the
   * damage reaches this package's own checks instead of LocalFileSystem's.
   */
  static void replaceContent(Path file, byte[] content) throws IOException {
    Files.write(file, content);
    Files.deleteIfExists(crcSideFile(file));
  }

  static void flipBit(Path file, long bitIndex) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[(int) (bitIndex / 8)] ^= (byte) (1 << (bitIndex % 8));
    replaceContent(file, b);
  }

  static Path crcSideFile(Path file) {
    return file.resolveSibling("." + file.getFileName() + ".crc");
  }

  private TestFiles() {}
}
