package org.sparkprop.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file written whole on any Hadoop file system: the bytes go to a temporary name beside it and
 * are renamed into place once complete, so a reader never sees a half-written file (an exported
 * model, for instance).
 */
public final class PublishedFile {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedFile.class);

  private PublishedFile() {}

  /**
   * Writes {@code bytes} to {@code uri}.
   *
   * @param overwrite replace an existing file; otherwise an existing file is an error naming it
   */
  public static void write(String uri, Configuration conf, byte[] bytes, boolean overwrite) throws IOException {
    Path target = new Path(uri);
    FileSystem fs = target.getFileSystem(conf);
    if (fs.exists(target)) {
      if (!overwrite) throw new IOException(uri + " already exists; choose another output or allow overwriting it");
      if (fs.getFileStatus(target).isDirectory()) throw new IOException(uri + " is a directory, not a file");
    }
    Path parent = target.getParent();
    if (parent != null) fs.mkdirs(parent);
    Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + FsFiles.randomSuffix());
    try {
      FsFiles.writeNew(fs, tmp, out -> out.write(bytes), null);
      if (fs.exists(target) && !fs.delete(target, false)) throw new IOException("could not replace " + uri);
      FsFiles.rename(fs, tmp, target);
    } finally {
      FsFiles.deleteQuietly(fs, tmp, false, LOG);
    }
  }
}
