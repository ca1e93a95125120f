package org.sparkprop.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The local file system under the scheme {@code crashfs:} whose JVM dies part-way through
 * writing a chosen file: after {@value #AFTER_BYTES} bytes of the first file whose name starts
 * with {@value #FILE_PREFIX}, the bytes so far are flushed to disk and the JVM halts with exit
 * code {@value #EXIT_CODE}: no finally blocks, no shutdown hooks, as after {@code kill -9}. It
 * lets a test kill a driver exactly in the middle of a checkpoint write, which no timing of an
 * outside kill can do reliably.
 *
 * <p>Registered in a driver with {@code spark.hadoop.fs.crashfs.impl} set to this class (on the
 * driver's class path) and the two settings below prefixed with {@code spark.hadoop.}; the
 * paths it serves are the same files as {@code file:} paths, so a later run reads them with the
 * ordinary local file system.
 */
public final class CrashingFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "crashfs";
  public static final String FILE_PREFIX = "sparkprop.test.crash.filePrefix";
  public static final String AFTER_BYTES = "sparkprop.test.crash.afterBytes";
  public static final int EXIT_CODE = 86;

  private String prefix;
  private long afterBytes;

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    prefix = conf.get(FILE_PREFIX);
    afterBytes = conf.getLong(AFTER_BYTES, 0);
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  protected OutputStream createOutputStream(Path f, boolean append) throws IOException {
    return maybeCrashing(f, super.createOutputStream(f, append));
  }

  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission) throws IOException {
    return maybeCrashing(f, super.createOutputStreamWithMode(f, append, permission));
  }

  private OutputStream maybeCrashing(Path f, OutputStream out) {
    if (prefix == null || !f.getName().startsWith(prefix)) return out;
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        int room = (int) Math.min(len, afterBytes - written);
        out.write(b, off, room);
        written += room;
        if (room < len) {
          out.flush();
          System.err.println("crashfs: halting the JVM after " + written + " bytes of " + f);
          System.err.flush();
          Runtime.getRuntime().halt(EXIT_CODE);
        }
      }
    };
  }
}
