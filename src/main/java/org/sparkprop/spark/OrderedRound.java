package org.sparkprop.spark;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.sparkprop.data.RowBlock;
import org.sparkprop.math.KernelMismatchException;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.train.KernelStamped;
import scala.Tuple2;

/**
 * A round's Spark job over the cached row blocks, whatever a partition computes (its gradient of the
 * global batch, or its model after local steps): every partition's result, combined in
 * partition-index order. Up to {@code fanIn} partitions, one job on the cached blocks brings the
 * results to the driver; beyond, a fixed two-level tree (groups of {@code fanIn} consecutive
 * partitions combined in order by executors, then the groups in order by the driver) keeps the
 * driver from receiving every partition's result. Every result's kernel is checked against the
 * job's before it is combined.
 *
 * <p>The fixed order is what makes a run bit-for-bit reproducible whatever the number of executors,
 * their speed or task retries: float addition is not associative, and Spark's own treeAggregate
 * combines in arrival order.
 *
 * @param <R> what one partition computes
 * @param <C> what the results combine into
 */
final class OrderedRound<R extends KernelStamped, C extends KernelStamped> {
  private static final scala.reflect.ClassTag<Object> ANY_TAG = scala.reflect.ClassTag$.MODULE$.AnyRef();

  /** One partition's work in a round; runs on the executors, so it captures only small serialisable values. */
  interface PartitionWork<R> extends Serializable {
    R compute(int partition, Iterator<RowBlock> blocks);
  }

  /** Combines results given in partition (or group) order. */
  interface InOrder<T, C> extends Serializable {
    C combine(List<T> ordered);
  }

  /** The combined result and the driver's time spent combining it. */
  record Combined<C>(C value, long combineNanos) {
  }

  private final JavaSparkContext sc;
  private final PackedDataset data;
  private final int fanIn;
  private final String kernel;
  private final scala.collection.immutable.List<Object> allPartitions; // 0 .. partitions-1
  private final Class<R> resultType;
  private final InOrder<R, C> partitionsInOrder; // on the driver, or on executors for a group
  private final InOrder<C, C> groupsInOrder;     // on the driver
  /** What the jobs run over: in local mode {@link InJvmRows} (no lineage), else the rows' own RDD. */
  private RDD<RowBlock> rows;

  OrderedRound(JavaSparkContext sc, PackedDataset data, int fanIn, String kernel, Class<R> resultType,
               InOrder<R, C> partitionsInOrder, InOrder<C, C> groupsInOrder) {
    this.sc = sc;
    this.data = data;
    this.fanIn = Math.max(2, fanIn);
    this.kernel = kernel;
    this.resultType = resultType;
    this.partitionsInOrder = partitionsInOrder;
    this.groupsInOrder = groupsInOrder;
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < data.partitions(); i++) ids.add(i);
    this.allPartitions = SparkLine.asScala(ids);
    this.rows = sc.isLocal() ? new InJvmRows(data.roundBlocks().rdd()) : data.roundBlocks().rdd();
  }

  /**
   * Runs the jobs over the rows' own RDD even in local mode, as on a cluster (its lineage in every
   * task binary, its block locations asked for at every job): for measuring what {@link InJvmRows} saves.
   */
  OrderedRound<R, C> overTheRowsLineage() {
    this.rows = data.roundBlocks().rdd();
    return this;
  }

  /** Whether the jobs run over {@link InJvmRows}. */
  boolean overInJvmRows() {
    return rows instanceof InJvmRows;
  }

  /**
   * Runs the round.
   *
   * @param handoff the {@link InJvmRounds} id whose slots receive the results in local mode, or
   *     {@link SparkGradientSource#NO_HANDOFF} for results that travel as task results
   */
  Combined<C> run(PartitionWork<R> work, long handoff) {
    if (data.partitions() <= fanIn) {
      @SuppressWarnings("unchecked")
      R[] parts = (R[]) Array.newInstance(resultType, data.partitions()); // by partition index
      sc.sc().runJob(rows, new Job<>(work, handoff), allPartitions,
          new Collect<>(parts, handoff, resultType), ANY_TAG);
      long m0 = System.nanoTime();
      for (int p = 0; p < parts.length; p++) checkKernel(parts[p], "partition " + p, kernel);
      C combined = partitionsInOrder.combine(Arrays.asList(parts));
      return new Combined<>(combined, System.nanoTime() - m0);
    }
    int groups = (data.partitions() + fanIn - 1) / fanIn;
    List<Tuple2<Integer, C>> groupResults = rows.toJavaRDD()
        .mapPartitionsToPair(new Keyed<>(work, fanIn))
        .groupByKey(new HashPartitioner(groups))
        .mapValues(new GroupInOrder<>(partitionsInOrder))
        .collect();
    long m0 = System.nanoTime();
    List<Tuple2<Integer, C>> sorted = new ArrayList<>(groupResults);
    sorted.sort(Comparator.comparing(Tuple2::_1));
    List<C> ordered = new ArrayList<>(sorted.size());
    for (Tuple2<Integer, C> g : sorted) {
      checkKernel(g._2, "partition group " + g._1, kernel);
      ordered.add(g._2);
    }
    C combined = groupsInOrder.combine(ordered);
    return new Combined<>(combined, System.nanoTime() - m0);
  }

  /**
   * Refuses a result computed with another kernel than the job's: combining it would make the
   * weights depend on where the task ran. (Tasks check their kernel themselves; this also catches
   * an executor that skipped the check.)
   */
  static void checkKernel(KernelStamped part, String which, String kernel) {
    if (!kernel.equalsIgnoreCase(String.valueOf(part.kernel()))) {
      throw KernelMismatchException.inResult(which, String.valueOf(part.host()), String.valueOf(part.kernel()), kernel);
    }
  }

  /**
   * The round as the function of a job run directly on the cached blocks. Not
   * {@code mapPartitions(...).collect()}: every such call hands Spark two Scala lambdas, and Spark
   * 4's ClosureCleaner parses the bytecode of each lambda's declaring class (RDD, SparkContext,
   * JavaRDDLike: hundreds of kB) with ASM on every call, looking for return statements. That was a
   * quarter of the driver's CPU time in a near-empty round (JFR). A named class is not a closure,
   * so the cleaner returns at once.
   */
  static final class Job<R> extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<RowBlock>,
      Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PartitionWork<R> work;
    private final long handoff;

    Job(PartitionWork<R> work, long handoff) {
      this.work = work;
      this.handoff = handoff;
    }

    /** The partition's result, or in local mode the round's handoff id once the result is in its slot. */
    @Override
    public Object apply(TaskContext context, scala.collection.Iterator<RowBlock> blocks) {
      R result = work.compute(context.partitionId(), SparkLine.asJava(blocks));
      if (handoff == SparkGradientSource.NO_HANDOFF) return result;
      InJvmRounds.deposit(handoff, context.partitionId(), result);
      return handoff;
    }
  }

  /**
   * Driver-side result handler: files each partition's result under its index (taken from the
   * round's slot when the task left it in the JVM).
   */
  static final class Collect<R> extends scala.runtime.AbstractFunction2<Object, Object, scala.runtime.BoxedUnit> {
    private final R[] slots;
    private final long handoff;
    private final Class<R> type;

    Collect(R[] slots, long handoff, Class<R> type) {
      this.slots = slots;
      this.handoff = handoff;
      this.type = type;
    }

    @Override
    public scala.runtime.BoxedUnit apply(Object partition, Object result) {
      int p = (Integer) partition;
      slots[p] = type.isInstance(result) ? type.cast(result) : InJvmRounds.take(handoff, p, type);
      return scala.runtime.BoxedUnit.UNIT;
    }
  }

  /** The same work, keyed by the partition's group for the two-level tree. */
  static final class Keyed<R> implements PairFlatMapFunction<Iterator<RowBlock>, Integer, Tuple2<Integer, R>> {
    private static final long serialVersionUID = 1L;
    private final PartitionWork<R> work;
    private final int groupSize;

    Keyed(PartitionWork<R> work, int groupSize) {
      this.work = work;
      this.groupSize = groupSize;
    }

    @Override
    public Iterator<Tuple2<Integer, Tuple2<Integer, R>>> call(Iterator<RowBlock> blocks) {
      int partition = TaskContext.getPartitionId();
      R result = work.compute(partition, blocks);
      return Collections.singletonList(new Tuple2<>(partition / groupSize, new Tuple2<>(partition, result))).iterator();
    }
  }

  /** Executor-side combination of one group: sort by partition index, then combine in that order. */
  static final class GroupInOrder<R, C> implements Function<Iterable<Tuple2<Integer, R>>, C> {
    private static final long serialVersionUID = 1L;
    private final InOrder<R, C> inOrder;

    GroupInOrder(InOrder<R, C> inOrder) {
      this.inOrder = inOrder;
    }

    @Override
    public C call(Iterable<Tuple2<Integer, R>> parts) {
      List<Tuple2<Integer, R>> list = new ArrayList<>();
      parts.forEach(list::add);
      list.sort(Comparator.comparing(Tuple2::_1));
      List<R> ordered = new ArrayList<>(list.size());
      for (Tuple2<Integer, R> t : list) ordered.add(t._2);
      return inOrder.combine(ordered);
    }
  }
}
