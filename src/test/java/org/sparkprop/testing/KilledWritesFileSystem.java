package org.sparkprop.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.TaskContext;

/**
 * The local file system under the scheme {@code killfs:} on which a Spark task that creates a part
 * file ({@code part-...}) waits until Spark kills the task, then fails. A job writing through it is
 * therefore certainly still running when a test cancels it: the test of an interrupted write needs
 * no timing. Registered with {@code spark.hadoop.fs.killfs.impl} set to this class; its paths are
 * the same files as {@code file:} paths.
 */
public final class KilledWritesFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "killfs";

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
    awaitKillOfPartWriter(f);
    return super.createOutputStream(f, append);
  }

  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission) throws IOException {
    awaitKillOfPartWriter(f);
    return super.createOutputStreamWithMode(f, append, permission);
  }

  private static void awaitKillOfPartWriter(Path f) throws IOException {
    TaskContext task = TaskContext.get();
    if (task == null || !f.getName().startsWith("part-")) return;
    while (!task.isInterrupted()) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IOException("killfs: the task writing " + f + " was killed");
  }
}
