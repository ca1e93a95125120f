package org.sparkprop.driver;

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
 * The data files an input URI stands for, as the Spark pipeline's listing finds them (a file, a
 * directory of part files searched recursively without names starting with '.' or '_', or a
 * glob), sorted by path: the same files in the same order, so the same global row order.
 */
final class LocalFiles {
  private LocalFiles() {
  }

  /**
   * @param key the configuration key or option that gave the URI, for messages ("data.train")
   * @throws DataException when nothing matches or no data file is found
   */
  static List<FileStatus> expand(String key, String uri, Configuration conf) {
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

  private static void collect(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) continue;
      if (s.isDirectory()) collect(fs, s.getPath(), out);
      else out.add(s);
    }
  }
}
