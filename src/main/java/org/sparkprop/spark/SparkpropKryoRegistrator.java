package org.sparkprop.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.GradientAccumulator;
import scala.reflect.ClassTag$;

/**
 * Registers every class Sparkprop sends through Kryo (broadcasts, task results, cached blocks
 * spilled to disk, shuffled tree nodes, block copies between executors), so runs can use {@code spark.kryo.registrationRequired}.
 */
public final class SparkpropKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(PackedBlock.class);
    kryo.register(GradientAccumulator.class);
    kryo.register(EvaluationAccumulator.class);
    kryo.register(float[][].class);
    kryo.register(long[][].class);
    kryo.register(scala.Tuple2[].class);
    kryo.register(GradientAccumulator[].class);
    kryo.register(EvaluationAccumulator[].class);
    kryo.register(PackedBlock[].class);
    // Copying a cached block to another executor (replicated storage levels, migration off a
    // decommissioned executor) sends its class tag through Kryo: AnyRef for the Java RDD API,
    // a class tag for Scala-side RDDs of our blocks.
    kryo.register(ClassTag$.MODULE$.AnyRef().getClass());
    kryo.register(ClassTag$.MODULE$.apply(PackedBlock.class).getClass());
  }
}
