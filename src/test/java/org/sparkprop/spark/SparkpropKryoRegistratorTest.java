package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StorageType;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/** Kryo with registration required must still carry what Spark itself sends for Sparkprop's cached blocks. */
class SparkpropKryoRegistratorTest {

  /**
   * Copying a cached block to another executor (replicated storage levels, and the migration of a
   * decommissioned executor's blocks) sends (storage level, class tag) through Kryo first; the
   * Java RDD API tags every block with ClassTag.AnyRef. Unregistered, the copy fails with "Class
   * is not registered: scala.reflect.ManifestFactory$ObjectManifest" (seen on the standalone
   * cluster: a decommissioned executor could not hand over its partitions).
   */
  @Test
  void blockReplicationMetadataSerialises() {
    SerializerInstance kryo = new KryoSerializer(SparkSessions.defaults(new SparkConf(false))).newInstance();
    for (ClassTag<?> tag : new ClassTag<?>[] {ClassTag$.MODULE$.AnyRef(), ClassTag$.MODULE$.apply(PackedBlock.class)}) {
      Tuple2<StorageLevel, ClassTag<?>> metadata = new Tuple2<>(StorageLevel.MEMORY_AND_DISK(), tag);
      ByteBuffer bytes = kryo.serialize(metadata, ClassTag$.MODULE$.apply(Tuple2.class));
      Tuple2<StorageLevel, ClassTag<?>> back = kryo.deserialize(bytes, ClassTag$.MODULE$.apply(Tuple2.class));
      assertEquals(metadata._1(), back._1());
      assertEquals(tag.runtimeClass(), back._2().runtimeClass());
    }
  }

  /**
   * Spark's parallel listing of many input paths returns the file systems' statuses from its
   * tasks: they arrive as the plain classes with every field Spark's reader uses (the HDFS
   * subclasses themselves are exercised on a real MiniDFSCluster by HdfsTrainingTest).
   */
  @Test
  void fileStatusesArriveAsThePlainClassesWithTheirFields() throws Exception {
    SerializerInstance kryo = new KryoSerializer(SparkSessions.defaults(new SparkConf(false))).newInstance();
    BlockLocation[] blocks = {
        new BlockLocation(new String[] {"10.0.0.1:9866", "10.0.0.2:9866"}, new String[] {"dn1", "dn2"},
            new String[] {"dn2"}, new String[] {"/rack1/10.0.0.1:9866", "/rack2/10.0.0.2:9866"},
            new String[] {"DS-1", "DS-2"}, new StorageType[] {StorageType.DISK, StorageType.SSD}, 0, 134_217_728L, false),
        new BlockLocation(new String[] {"10.0.0.3:9866"}, new String[] {"dn3"}, 134_217_728L, 1_000L, true)};
    LocatedFileStatus file = new LocatedFileStatus(134_218_728L, false, 2, 134_217_728L, 1_700_000_000_000L,
        1_700_000_001_000L, new FsPermission((short) 0640), "alice", "data", null,
        new Path("hdfs://nn:8020/data/part-00001.parquet"), false, true, false, blocks);
    FileStatus dir = new FileStatus(0, true, 0, 0, 1_700_000_002_000L, 0, new FsPermission((short) 0755), "bob", "data",
        new Path("file:/tmp/a%20dir/x=1"));
    FileStatus[] back = kryo.deserialize(kryo.serialize(new FileStatus[] {file, dir}, ClassTag$.MODULE$.apply(FileStatus[].class)),
        ClassTag$.MODULE$.apply(FileStatus[].class));

    assertSame(LocatedFileStatus.class, back[0].getClass());
    assertEquals(file, back[0]); // FileStatus equality is its path; the fields are checked one by one below
    for (FileStatus[] pair : new FileStatus[][] {{file, back[0]}, {dir, back[1]}}) {
      assertEquals(pair[0].getPath(), pair[1].getPath());
      assertEquals(pair[0].getLen(), pair[1].getLen());
      assertEquals(pair[0].isDirectory(), pair[1].isDirectory());
      assertEquals(pair[0].getReplication(), pair[1].getReplication());
      assertEquals(pair[0].getBlockSize(), pair[1].getBlockSize());
      assertEquals(pair[0].getModificationTime(), pair[1].getModificationTime());
      assertEquals(pair[0].getAccessTime(), pair[1].getAccessTime());
      assertEquals(pair[0].getPermission(), pair[1].getPermission());
      assertEquals(pair[0].getOwner(), pair[1].getOwner());
      assertEquals(pair[0].getGroup(), pair[1].getGroup());
      assertEquals(pair[0].isEncrypted(), pair[1].isEncrypted());
    }
    assertTrue(back[0].isEncrypted());
    assertFalse(back[1] instanceof LocatedFileStatus);
    BlockLocation[] got = ((LocatedFileStatus) back[0]).getBlockLocations();
    assertEquals(blocks.length, got.length);
    for (int i = 0; i < blocks.length; i++) {
      assertArrayEquals(blocks[i].getNames(), got[i].getNames());
      assertArrayEquals(blocks[i].getHosts(), got[i].getHosts());
      assertArrayEquals(blocks[i].getCachedHosts(), got[i].getCachedHosts());
      assertArrayEquals(blocks[i].getTopologyPaths(), got[i].getTopologyPaths());
      assertArrayEquals(blocks[i].getStorageIds(), got[i].getStorageIds());
      assertArrayEquals(blocks[i].getStorageTypes(), got[i].getStorageTypes());
      assertEquals(blocks[i].getOffset(), got[i].getOffset());
      assertEquals(blocks[i].getLength(), got[i].getLength());
      assertEquals(blocks[i].isCorrupt(), got[i].isCorrupt());
    }
  }
}
