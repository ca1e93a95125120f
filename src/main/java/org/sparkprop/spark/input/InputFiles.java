package org.sparkprop.spark.input;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.data.DataException;

/**
 * The data files an input URI stands for, found on the driver from file-system metadata only: a
 * file, a directory of part files (searched recursively; names starting with '.' or '_', such as
 * _SUCCESS and .crc files, are skipped as Hadoop and Spark do), or a glob. Sorted by path, so the
 * rows' global order, and with it a run's result, does not depend on the order a file system lists
 * files in.
 */
public final class InputFiles {
  private InputFiles() {
  }

  /**
   * @param key the configuration key or option that gave the URI, for messages ("data.train")
   * @throws DataException when nothing matches or no data file is found
   */
  public static List<FileStatus> expand(String key, String uri, Configuration conf) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null) {
        throw new DataException(key + " = '" + uri + "': no such file or directory (" + fs.makeQualified(path) + ")");
      }
      if (matches.length == 0) {
        throw new DataException(key + " = '" + uri + "' matches no file");
      }
      List<FileStatus> files = new ArrayList<>();
      for (FileStatus m : matches) {
        if (m.isDirectory()) collect(fs, m.getPath(), files);
        else files.add(m);
      }
      if (files.isEmpty()) {
        throw new DataException(key + " = '" + uri + "' holds no data files (only directories, or hidden files"
            + " whose names start with '.' or '_', such as _SUCCESS)");
      }
      files.sort(Comparator.comparing(f -> f.getPath().toString()));
      return files;
    } catch (FileNotFoundException e) {
      throw new DataException(key + " = '" + uri + "': no such file or directory (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new DataException(key + " = '" + uri + "' cannot be listed: " + e, e);
    }
  }

  /** The single file an input that must be one file (an IDX file) stands for. */
  static FileStatus single(String key, String uri, Configuration conf) {
    List<FileStatus> files = expand(key, uri, conf);
    if (files.size() != 1) {
      throw new DataException(key + " = '" + uri + "' stands for " + files.size() + " files (" + files.get(0).getPath()
          + ", ...); this format needs exactly one file");
    }
    return files.get(0);
  }

  private static void collect(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) continue;
      if (s.isDirectory()) collect(fs, s.getPath(), out);
      else out.add(s);
    }
  }
}
