package org.sparkprop.bench.spark;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.spark.compat.SparkLine;

/**
 * Spark's own floor under any synchronous round, with no training: broadcast a {@code float[P]},
 * run one job over the same cached partitions in which every task reads the broadcast and returns
 * a {@code float[P]}, add the results on the driver in partition order, destroy the broadcast.
 * The round loop cannot do less than this through Spark's broadcast and task results.
 */
final class SparkFloor {
  private final JavaSparkContext sc;
  private final JavaRDD<PackedBlock> blocks;
  private final float[] params; // (P)
  private final float[] sum;    // (P)

  SparkFloor(JavaSparkContext sc, JavaRDD<PackedBlock> blocks, int parameters) {
    this.sc = sc;
    this.blocks = blocks;
    this.params = new float[parameters];
    this.sum = new float[parameters];
  }

  /** One round; returns its wall time in nanoseconds. */
  long round() {
    long t0 = System.nanoTime();
    Broadcast<float[]> weights = sc.broadcast(params);
    try {
      List<float[]> parts = blocks.mapPartitions(new Task(weights)).collect();
      java.util.Arrays.fill(sum, 0f);
      for (float[] part : parts) {
        for (int i = 0; i < sum.length; i++) sum[i] += part[i];
      }
    } finally {
      weights.destroy();
    }
    return System.nanoTime() - t0;
  }

  /**
   * The same round through {@code SparkContext.runJob} with a named function class instead of
   * {@code mapPartitions(...).collect()}: the leanest route to the same broadcast and task results,
   * the one the training loop takes (see {@code SparkGradientSource.RoundJob}).
   */
  long leanRound() {
    long t0 = System.nanoTime();
    Broadcast<float[]> weights = sc.broadcast(params);
    try {
      float[][] parts = new float[blocks.getNumPartitions()][];
      sc.sc().runJob(blocks.rdd(), new LeanTask(new Task(weights)), partitions(), new Slots(parts), FLOATS);
      java.util.Arrays.fill(sum, 0f);
      for (float[] part : parts) {
        for (int i = 0; i < sum.length; i++) sum[i] += part[i];
      }
    } finally {
      weights.destroy();
    }
    return System.nanoTime() - t0;
  }

  private static final scala.reflect.ClassTag<float[]> FLOATS = scala.reflect.ClassTag$.MODULE$.apply(float[].class);

  private scala.collection.immutable.List<Object> partitions() {
    java.util.List<Object> ids = new java.util.ArrayList<>();
    for (int i = 0; i < blocks.getNumPartitions(); i++) ids.add(i);
    return SparkLine.asScala(ids);
  }

  static final class LeanTask extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
      scala.collection.Iterator<PackedBlock>, float[]> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Task task;

    LeanTask(Task task) {
      this.task = task;
    }

    @Override
    public float[] apply(org.apache.spark.TaskContext context, scala.collection.Iterator<PackedBlock> it) {
      return task.call(SparkLine.asJava(it)).next();
    }
  }

  static final class Slots extends scala.runtime.AbstractFunction2<Object, float[], scala.runtime.BoxedUnit> {
    private final float[][] slots;

    Slots(float[][] slots) {
      this.slots = slots;
    }

    @Override
    public scala.runtime.BoxedUnit apply(Object partition, float[] result) {
      slots[(Integer) partition] = result;
      return scala.runtime.BoxedUnit.UNIT;
    }
  }

  /** Reads the broadcast and the cached block, returns a gradient-sized array. */
  static final class Task implements FlatMapFunction<Iterator<PackedBlock>, float[]> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<float[]> weights;

    Task(Broadcast<float[]> weights) {
      this.weights = weights;
    }

    @Override
    public Iterator<float[]> call(Iterator<PackedBlock> it) {
      float[] w = weights.value();
      float[] out = new float[w.length];
      while (it.hasNext()) out[0] += it.next().rows;
      out[out.length - 1] = w[w.length - 1];
      return Collections.singletonList(out).iterator();
    }
  }
}
