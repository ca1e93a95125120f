package org.sparkprop.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.RowBlock;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.RowGenerators;

/**
 * A data set packed once into one dense float32 block per partition and kept where a
 * {@link RowStore} placed it: cached through Spark, so Spark's memory manager accounts for it, or
 * in files on the executors' local disks ({@link LocalDiskRows}); every round reuses it. Partition p
 * holds a contiguous range of global row indices, in partition order: the batch sampler relies on
 * that. Rounds and evaluations read {@link #roundBlocks}; {@link #blocks} is the packed lineage.
 */
public final class PackedDataset {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PackedDataset.class);
  private final JavaRDD<PackedBlock> blocks;
  private final JavaRDD<RowBlock> rounds;
  private final LocalDiskRows disk; // null when the rows are in memory
  private final RowStore.Placement placement;
  private final long rows;
  private final int features;
  private final int targetWidth;
  private final int classes;
  private final String description;

  private PackedDataset(JavaRDD<PackedBlock> blocks, JavaRDD<RowBlock> rounds, LocalDiskRows disk,
                        RowStore.Placement placement, long rows, int features, int targetWidth, int classes,
                        String description) {
    this.blocks = blocks;
    this.rounds = rounds;
    this.disk = disk;
    this.placement = placement;
    this.rows = rows;
    this.features = features;
    this.targetWidth = targetWidth;
    this.classes = classes;
    this.description = description;
  }

  /**
   * Generates the rows of a source on the executors (the driver only sends index ranges), packs
   * and caches them, and materialises the cache.
   */
  public static PackedDataset generate(JavaSparkContext sc, RowGenerator source, int partitions, StorageLevel level) {
    return generate(sc, source, PartitionSizing.fixed(partitions), level);
  }

  /** Generates and caches the rows of {@code source} in as many partitions as {@code partitions} gives for them. */
  public static PackedDataset generate(JavaSparkContext sc, RowGenerator source, PartitionSizing partitions,
                                       StorageLevel level) {
    return generate(sc, source, partitions, RowStore.memory(level));
  }

  /** Generates the rows of {@code source} and keeps them where {@code store} places them. */
  public static PackedDataset generate(JavaSparkContext sc, RowGenerator source, PartitionSizing partitions,
                                       RowStore store) {
    long n = source.rows();
    if (n <= 0) throw new IllegalArgumentException("the data source " + source.describe() + " has no rows");
    int p = partitions.count(n, source.features() + source.targetWidth());
    List<Integer> ids = new ArrayList<>(p);
    for (int i = 0; i < p; i++) ids.add(i);
    JavaRDD<PackedBlock> blocks = sc.parallelize(ids, p).map(i -> {
      long first = n * i / p;
      long end = n * (i + 1) / p;
      return RowGenerators.pack(source, first, Math.toIntExact(end - first));
    });
    return cache(blocks, n, source.features(), source.targetWidth(), source.classes(), source.describe(), store);
  }

  /** Caches already packed blocks (in partition order of contiguous row ranges) and materialises them. */
  public static PackedDataset cache(JavaRDD<PackedBlock> blocks, long rows, int features, int targetWidth, int classes,
                                    String description, StorageLevel level) {
    return cache(blocks, rows, features, targetWidth, classes, description, RowStore.memory(level));
  }

  /**
   * Keeps already packed blocks where {@code store} places them (decided here, once, from their
   * packed size) and materialises them: cached at the store's level, or written to the executors'
   * local disks.
   */
  public static PackedDataset cache(JavaRDD<PackedBlock> blocks, long rows, int features, int targetWidth, int classes,
                                    String description, RowStore store) {
    blocks.setName("sparkprop packed " + description);
    RowStore.Placement placement = store.place(JavaSparkContext.fromSparkContext(blocks.context()),
        4L * rows * (features + targetWidth));
    LocalDiskRows disk = null;
    JavaRDD<RowBlock> rounds;
    if (placement.onDisk()) {
      disk = new LocalDiskRows(blocks.rdd());
      disk.setName("sparkprop local-disk rows of " + description);
      rounds = disk.toJavaRDD();
    } else {
      blocks.persist(store.inMemory());
      rounds = asRows(blocks);
    }
    LOG.info("rows of {} are read from {}: {}", description, placement.source(), placement.why());
    long counted = rounds.map(b -> (long) b.rows()).reduce(Long::sum);
    if (counted != rows) {
      throw new IllegalStateException("packed " + counted + " rows but the source declares " + rows);
    }
    return new PackedDataset(blocks, rounds, disk, placement, rows, features, targetWidth, classes, description);
  }

  /** The blocks as the rows rounds read: a {@link PackedBlock} is a {@link RowBlock}, no job needed. */
  @SuppressWarnings("unchecked")
  private static JavaRDD<RowBlock> asRows(JavaRDD<PackedBlock> blocks) {
    return (JavaRDD<RowBlock>) (JavaRDD<?>) blocks;
  }

  /** The packed blocks' lineage (cached when the rows are in memory, computed again when on disk). */
  public JavaRDD<PackedBlock> blocks() { return blocks; }
  /** What rounds and evaluations read: the cached blocks, or their files on the executors' local disks. */
  public JavaRDD<RowBlock> roundBlocks() { return rounds; }
  /** Where the rows are kept, and why. */
  public RowStore.Placement placement() { return placement; }
  public long rows() { return rows; }
  public int features() { return features; }
  public int targetWidth() { return targetWidth; }
  public int classes() { return classes; }
  public int partitions() { return blocks.getNumPartitions(); }
  public String description() { return description; }

  /** Bytes one row takes: (features + targets) x 4. */
  public long rowBytes() {
    return 4L * (features + targetWidth);
  }

  /** The float32 payload of the packed rows: rows x (features + targets) x 4 bytes. */
  public long packedBytes() {
    return 4L * rows * (features + targetWidth);
  }

  /**
   * Every partition's blocks on the driver, in partition order, copied through the task results:
   * one Spark job, for running rounds or evaluations in the driver process over the same partition
   * structure on any master.
   */
  public List<List<PackedBlock>> collectByPartition() {
    List<PackedBlock> all = blocks.collect(); // partition order; one block per partition
    if (all.size() != partitions()) {
      throw new IllegalStateException("expected one packed block per partition, got " + all.size() + " for "
          + partitions() + " partitions of " + description);
    }
    List<List<PackedBlock>> out = new ArrayList<>(all.size());
    for (PackedBlock b : all) out.add(List.of(b));
    return out;
  }

  /**
   * Every partition's blocks on the driver, in partition order, without a copy where Spark's local
   * mode allows it ({@link #heldInJvm}), else collected ({@link #collectByPartition}).
   */
  public List<List<PackedBlock>> onDriver() {
    return blocks.context().isLocal() ? heldInJvm() : collectByPartition();
  }

  /**
   * Every partition's blocks, in partition order, as the very objects Spark's block manager caches
   * (the lineage computed again for a partition it does not hold): one Spark job whose tasks hand
   * their partition's block references to the driver inside this JVM ({@link InJvmRounds}), where
   * {@link #collectByPartition} would serialise a copy of every block through the task results.
   * Only in Spark's local mode, where the tasks run in the driver's JVM.
   *
   * <p>The driver's references keep the blocks alive: a block the block manager later drops from
   * memory (evicted, spilled to disk, unpersisted) stays in the heap as long as they are held.
   *
   * @throws IllegalStateException off local mode
   */
  public List<List<PackedBlock>> heldInJvm() {
    org.apache.spark.SparkContext context = blocks.context();
    if (!context.isLocal()) {
      throw new IllegalStateException("the blocks of " + description + " can be held by reference only in Spark's"
          + " local mode, where the tasks run in the driver's JVM; the master is " + context.master()
          + " (collectByPartition copies them to the driver instead)");
    }
    int n = partitions();
    long round = InJvmRounds.open(null, n);
    try {
      blocks.foreachPartition(it -> {
        List<PackedBlock> held = new ArrayList<>(1);
        it.forEachRemaining(held::add);
        InJvmRounds.deposit(round, org.apache.spark.TaskContext.get().partitionId(), held);
      });
      List<List<PackedBlock>> out = new ArrayList<>(n);
      for (int p = 0; p < n; p++) {
        @SuppressWarnings("unchecked")
        List<PackedBlock> held = InJvmRounds.take(round, p, List.class);
        out.add(List.copyOf(held));
      }
      return out;
    } finally {
      InJvmRounds.close(round);
    }
  }

  /** Bytes Spark reports for the cached blocks (memory plus disk). */
  public long cachedBytes() {
    for (RDDInfo info : blocks.context().getRDDStorageInfo()) {
      if (info.id() == blocks.id()) return info.memSize() + info.diskSize();
    }
    return 0;
  }

  public void unpersist() {
    if (disk != null) disk.release();
    blocks.unpersist(false);
  }
}
