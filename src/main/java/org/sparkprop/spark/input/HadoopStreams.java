package org.sparkprop.spark.input;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.DefaultCodec;

/** Opening a file on any Hadoop file system, decompressed when its name says so (.gz, .bz2, ...). */
final class HadoopStreams {
  private HadoopStreams() {
  }

  static InputStream open(Configuration conf, Path path) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    InputStream raw = fs.open(path);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    if (codec == null) return raw;
    try {
      return codec.createInputStream(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Whether the file is DEFLATE-compressed (gzip, or Hadoop's .deflate), whose expansion is bounded. */
  static boolean deflated(Configuration conf, Path path) {
    return new CompressionCodecFactory(conf).getCodec(path) instanceof DefaultCodec;
  }

  static boolean compressed(Configuration conf, Path path) {
    return new CompressionCodecFactory(conf).getCodec(path) != null;
  }
}
