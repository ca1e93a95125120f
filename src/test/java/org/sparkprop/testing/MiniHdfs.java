package org.sparkprop.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in the test JVM: Hadoop's MiniDFSCluster (one NameNode, one DataNode) from
 * {@code hadoop-client-minicluster}, with its storage under a given folder. Every address is
 * on loopback; other JVMs (Spark drivers and executors) reach it through {@link #uri()}.
 *
 * <p>Order of use: {@link #start}, then {@link #uri()} / {@link #fileSystem()}, then
 * {@link #stop()} (or close). Start-up takes ~15 s, so share one per test class.
 */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;
  private final Configuration conf;

  private MiniHdfs(MiniDFSCluster cluster, Configuration conf) {
    this.cluster = cluster;
    this.conf = conf;
  }

  /** Formats and starts a one-DataNode HDFS with its data in {@code baseDir}. */
  public static MiniHdfs start(Path baseDir) throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, Files.createDirectories(baseDir).toAbsolutePath().toString());
    // Loopback only; the web UIs are not needed.
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setBoolean("dfs.permissions.enabled", false);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    try {
      cluster.waitActive();
    } catch (IOException | RuntimeException e) {
      cluster.shutdown(true);
      throw e;
    }
    return new MiniHdfs(cluster, conf);
  }

  /** {@code hdfs://localhost:<port>}: prefix paths with it to get URIs any Hadoop client can open. */
  public URI uri() {
    return cluster.getURI();
  }

  /** A Hadoop configuration whose default file system is this HDFS. */
  public Configuration configuration() {
    Configuration c = new Configuration(conf);
    c.set("fs.defaultFS", uri().toString());
    return c;
  }

  public FileSystem fileSystem() throws IOException {
    return cluster.getFileSystem();
  }

  /** Shuts HDFS down and deletes its storage. */
  public void stop() {
    cluster.shutdown(true);
  }

  @Override
  public void close() {
    stop();
  }
}
