package org.sparkprop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS for tests: Hadoop's MiniDFSCluster (one NameNode, {@code dataNodes} DataNodes, all
 * on the loopback interface) with its storage under a test's temporary directory. Spark reads and
 * writes it through full {@code hdfs://localhost:PORT/...} URIs, as it would a production cluster;
 * nothing needs registering with Spark. Start-up takes about 15 s, so share one per test class:
 *
 * <pre>
 *   static MiniHdfs hdfs;
 *   &#64;BeforeAll static void start(&#64;TempDir Path dir) { hdfs = MiniHdfs.start(dir); }
 *   &#64;AfterAll static void stop() { hdfs.close(); }
 *   ... hdfs.uri("/data/train.csv"), hdfs.copyFromLocal(local, "/data/train.csv") ...
 * </pre>
 */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;

  private MiniHdfs(MiniDFSCluster cluster) {
    this.cluster = cluster;
  }

  /** One DataNode: enough for reads, writes, renames and listings. */
  public static MiniHdfs start(Path baseDir) {
    return start(baseDir, 1);
  }

  public static MiniHdfs start(Path baseDir, int dataNodes) {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toAbsolutePath().toString());
    // Loopback only: no address on the machine's network interfaces.
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setBoolean("dfs.permissions.enabled", false);
    // Small blocks so that a modest test file spans several blocks (and Spark input splits).
    conf.setLong("dfs.blocksize", 1 << 20);
    conf.setLong("dfs.namenode.fs-limits.min-block-size", 1 << 16);
    try {
      MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(dataNodes).format(true).build();
      cluster.waitActive();
      return new MiniHdfs(cluster);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a MiniDFSCluster under " + baseDir, e);
    }
  }

  /** {@code hdfs://localhost:PORT}, without a trailing slash. */
  public String uri() {
    String u = cluster.getURI().toString();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  /** The full URI of an absolute HDFS path, e.g. {@code uri("/data/x.csv")}. */
  public String uri(String absolutePath) {
    if (!absolutePath.startsWith("/")) throw new IllegalArgumentException("an absolute HDFS path is needed: " + absolutePath);
    return uri() + absolutePath;
  }

  /** A client of this HDFS (cached by Hadoop; do not close it). */
  public FileSystem fileSystem() {
    try {
      return cluster.getFileSystem();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a local file or directory to an absolute HDFS path. */
  public void copyFromLocal(Path local, String absolutePath) {
    try {
      fileSystem().copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()),
          new org.apache.hadoop.fs.Path(uri(absolutePath)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + local + " to " + uri(absolutePath), e);
    }
  }

  public boolean exists(String absolutePath) {
    try {
      return fileSystem().exists(new org.apache.hadoop.fs.Path(uri(absolutePath)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Configuration configuration() {
    return cluster.getConfiguration(0);
  }

  @Override
  public void close() {
    cluster.shutdown(true);
  }
}
