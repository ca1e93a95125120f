package org.sparkprop.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StorageType;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Sends any Hadoop file status through Kryo as what every file system shares: a plain
 * {@link FileStatus}, or a {@link LocatedFileStatus} with plain {@link BlockLocation}s.
 *
 * <p>Why: Spark lists an input of many paths with a job of its own, whose results are the file
 * systems' own status classes. HDFS's carry its block lists and protocol objects (which field-by-field
 * serialisation would drag along, each needing registration); object stores have subclasses of
 * their own. Spark's reader uses only what the plain classes hold (path, length, times, block hosts
 * and offsets), so each known subclass is registered with this serializer and arrives as the plain
 * class.
 */
final class PlainFileStatusSerializer extends Serializer<FileStatus> {
  /**
   * Status classes sent through this serializer, by name, when they are on the class path: Hadoop's
   * own and HDFS's (in the Hadoop client), then those of the object-store connectors users add.
   */
  static final List<String> STATUS_CLASSES = List.of(
      "org.apache.hadoop.fs.FileStatus",
      "org.apache.hadoop.fs.LocatedFileStatus",
      "org.apache.hadoop.hdfs.protocol.HdfsLocatedFileStatus",
      "org.apache.hadoop.hdfs.protocol.HdfsNamedFileStatus",
      "org.apache.hadoop.fs.s3a.S3AFileStatus",
      "org.apache.hadoop.fs.s3a.S3ALocatedFileStatus",
      "org.apache.hadoop.fs.azurebfs.AzureBlobFileSystemStore$VersionedFileStatus",
      "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileStatus");

  @Override
  public void write(Kryo kryo, Output out, FileStatus status) {
    boolean located = status instanceof LocatedFileStatus;
    out.writeBoolean(located);
    out.writeString(status.getPath().toUri().toString());
    out.writeLong(status.getLen());
    out.writeBoolean(status.isDirectory());
    out.writeShort(status.getReplication());
    out.writeLong(status.getBlockSize());
    out.writeLong(status.getModificationTime());
    out.writeLong(status.getAccessTime());
    out.writeShort(status.getPermission().toShort());
    out.writeString(status.getOwner());
    out.writeString(status.getGroup());
    out.writeString(status.isSymlink() ? symlink(status).toUri().toString() : null);
    out.writeBoolean(status.hasAcl());
    out.writeBoolean(status.isEncrypted());
    out.writeBoolean(status.isErasureCoded());
    if (!located) return;
    BlockLocation[] blocks = ((LocatedFileStatus) status).getBlockLocations();
    out.writeInt(blocks == null ? -1 : blocks.length, true);
    if (blocks == null) return;
    try {
      for (BlockLocation b : blocks) {
        writeStrings(out, b.getNames());
        writeStrings(out, b.getHosts());
        writeStrings(out, b.getCachedHosts());
        writeStrings(out, b.getTopologyPaths());
        writeStrings(out, b.getStorageIds());
        StorageType[] types = b.getStorageTypes();
        out.writeInt(types.length, true);
        for (StorageType t : types) out.writeString(t.name());
        out.writeLong(b.getOffset());
        out.writeLong(b.getLength());
        out.writeBoolean(b.isCorrupt());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the block locations of " + status.getPath(), e);
    }
  }

  @Override
  public FileStatus read(Kryo kryo, Input in, Class<FileStatus> type) {
    boolean located = in.readBoolean();
    Path path = new Path(URI.create(in.readString()));
    long length = in.readLong();
    boolean directory = in.readBoolean();
    short replication = in.readShort();
    long blockSize = in.readLong();
    long modified = in.readLong();
    long accessed = in.readLong();
    FsPermission permission = new FsPermission(in.readShort());
    String owner = in.readString();
    String group = in.readString();
    String link = in.readString();
    Path symlink = link == null ? null : new Path(URI.create(link));
    boolean acl = in.readBoolean();
    boolean encrypted = in.readBoolean();
    boolean erasureCoded = in.readBoolean();
    if (!located) {
      return new FileStatus(length, directory, replication, blockSize, modified, accessed, permission, owner, group,
          symlink, path, acl, encrypted, erasureCoded);
    }
    int count = in.readInt(true);
    BlockLocation[] blocks = count < 0 ? null : new BlockLocation[count];
    for (int i = 0; i < count; i++) {
      String[] names = readStrings(in);
      String[] hosts = readStrings(in);
      String[] cachedHosts = readStrings(in);
      String[] topologyPaths = readStrings(in);
      String[] storageIds = readStrings(in);
      StorageType[] types = new StorageType[in.readInt(true)];
      for (int t = 0; t < types.length; t++) types[t] = StorageType.valueOf(in.readString());
      long offset = in.readLong();
      long blockLength = in.readLong();
      boolean corrupt = in.readBoolean();
      blocks[i] = new BlockLocation(names, hosts, cachedHosts, topologyPaths, storageIds, types, offset, blockLength,
          corrupt);
    }
    return new LocatedFileStatus(length, directory, replication, blockSize, modified, accessed, permission, owner,
        group, symlink, path, acl, encrypted, erasureCoded, blocks);
  }

  private static Path symlink(FileStatus status) {
    try {
      return status.getSymlink();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the link target of " + status.getPath(), e);
    }
  }

  private static void writeStrings(Output out, String[] values) {
    out.writeInt(values.length, true);
    for (String v : values) out.writeString(v);
  }

  private static String[] readStrings(Input in) {
    String[] values = new String[in.readInt(true)];
    for (int i = 0; i < values.length; i++) values[i] = in.readString();
    return values;
  }
}
