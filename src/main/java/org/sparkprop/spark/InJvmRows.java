package org.sparkprop.spark;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Dependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.sparkprop.data.RowBlock;
import org.sparkprop.spark.compat.SparkLine;

/**
 * A data set's round rows seen, in Spark's local mode, through an RDD with no lineage: its
 * partitions are bare indices, and a task finds the rows' own RDD in this JVM by a key and reads
 * its partition through it (the cached block, or the lineage computed again if the block is gone,
 * exactly as a child RDD would).
 *
 * <p>Why: a round's job over the cached RDD itself costs, every round, on the round's critical
 * path, (1) the block locations of the cached partitions, asked of the block manager master with
 * a blocking message between two driver threads (the DAG scheduler forgets them at every job),
 * (2) the RDD's whole lineage (the generating or reading RDDs, their partitions' input splits)
 * Java-serialised into the job's task binary by the DAG scheduler and deserialised again by every
 * task, and (3) the walk over that lineage to build the stage. In local mode every task runs in
 * the driver's JVM, so none of it carries information: this RDD has no dependencies and no
 * storage level, so the scheduler neither asks where blocks are nor walks anything, and its task
 * binary holds a key and a count.
 *
 * <p>Only for local mode: off it, the key means nothing in an executor's JVM (the task fails
 * saying so), and the scheduler must know the lineage to recompute lost shuffle outputs. The rows'
 * RDD stays registered while this RDD is reachable on the driver.
 */
final class InJvmRows extends RDD<RowBlock> {
  private static final long serialVersionUID = 1L;
  private static final scala.reflect.ClassTag<RowBlock> ROWS = scala.reflect.ClassTag$.MODULE$.apply(RowBlock.class);
  private static final Map<Long, WeakReference<RDD<RowBlock>>> REGISTERED = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_KEY = new AtomicLong();

  private final long key;
  private final int partitions;
  /** The driver's reference: keeps the registered entry from being collected while this RDD is in use. */
  private final transient RDD<RowBlock> rows;

  InJvmRows(RDD<RowBlock> rows) {
    super(rows.context(), SparkLine.<Dependency<?>>asScala(List.of()), ROWS);
    if (!rows.context().isLocal()) {
      throw new IllegalStateException("in-JVM rows are for Spark's local mode only; the master is "
          + rows.context().master());
    }
    REGISTERED.values().removeIf(r -> r.get() == null);
    this.key = NEXT_KEY.incrementAndGet();
    this.partitions = rows.getNumPartitions();
    this.rows = rows;
    REGISTERED.put(key, new WeakReference<>(rows));
    setName("in-JVM view of " + rows.name());
  }

  @Override
  public scala.collection.Iterator<RowBlock> compute(Partition split, TaskContext context) {
    RDD<RowBlock> source = registered(key);
    return source.iterator(source.partitions()[split.index()], context);
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] out = new Partition[partitions];
    for (int i = 0; i < partitions; i++) out[i] = new Index(i);
    return out;
  }

  /** The rows' own RDD (for tests). */
  RDD<RowBlock> rows() {
    return rows;
  }

  /** Rows' RDDs registered and still reachable (for tests). */
  static int registeredCount() {
    REGISTERED.values().removeIf(r -> r.get() == null);
    return REGISTERED.size();
  }

  private static RDD<RowBlock> registered(long key) {
    WeakReference<RDD<RowBlock>> ref = REGISTERED.get(key);
    RDD<RowBlock> source = ref == null ? null : ref.get();
    if (source == null) {
      throw new IllegalStateException("in-JVM rows " + key + " are not registered in this JVM: they serve Spark's "
          + "local mode only, where tasks run in the driver's JVM (this task runs in " + SparkGradientSource.here() + ")");
    }
    return source;
  }

  /** A partition that is only its index. */
  private record Index(int index) implements Partition {
    private static final long serialVersionUID = 1L;
  }
}
