package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
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
}
