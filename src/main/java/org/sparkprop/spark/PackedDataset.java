package org.sparkprop.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.RowGenerators;

/**
 * A data set packed once into one dense float32 block per partition and cached through Spark, so
 * Spark's memory manager accounts for it and every round reuses it. Partition p holds a contiguous
 * range of global row indices, in partition order: the batch sampler relies on that.
 */
public final class PackedDataset {
  private final JavaRDD<PackedBlock> blocks;
  private final long rows;
  private final int features;
  private final int targetWidth;
  private final int classes;
  private final String description;

  private PackedDataset(JavaRDD<PackedBlock> blocks, long rows, int features, int targetWidth, int classes, String description) {
    this.blocks = blocks;
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
    long n = source.rows();
    if (n <= 0) throw new IllegalArgumentException("the data source " + source.describe() + " has no rows");
    int p = (int) Math.max(1, Math.min(partitions, n));
    List<Integer> ids = new ArrayList<>(p);
    for (int i = 0; i < p; i++) ids.add(i);
    JavaRDD<PackedBlock> blocks = sc.parallelize(ids, p).map(i -> {
      long first = n * i / p;
      long end = n * (i + 1) / p;
      return RowGenerators.pack(source, first, Math.toIntExact(end - first));
    });
    return cache(blocks, n, source.features(), source.targetWidth(), source.classes(), source.describe(), level);
  }

  /** Caches already packed blocks (in partition order of contiguous row ranges) and materialises them. */
  public static PackedDataset cache(JavaRDD<PackedBlock> blocks, long rows, int features, int targetWidth, int classes,
                                    String description, StorageLevel level) {
    blocks.setName("sparkprop packed " + description);
    blocks.persist(level);
    long counted = blocks.map(b -> (long) b.rows).reduce(Long::sum);
    if (counted != rows) {
      throw new IllegalStateException("packed " + counted + " rows but the source declares " + rows);
    }
    return new PackedDataset(blocks, rows, features, targetWidth, classes, description);
  }

  public JavaRDD<PackedBlock> blocks() { return blocks; }
  public long rows() { return rows; }
  public int features() { return features; }
  public int targetWidth() { return targetWidth; }
  public int classes() { return classes; }
  public int partitions() { return blocks.getNumPartitions(); }
  public String description() { return description; }

  /** The float32 payload of the packed rows: rows x (features + targets) x 4 bytes. */
  public long packedBytes() {
    return 4L * rows * (features + targetWidth);
  }

  /**
   * Every partition's blocks on the driver, in partition order: one Spark job, for running rounds
   * or evaluations in the driver process over the same partition structure.
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

  /** Bytes Spark reports for the cached blocks (memory plus disk). */
  public long cachedBytes() {
    for (RDDInfo info : blocks.context().getRDDStorageInfo()) {
      if (info.id() == blocks.id()) return info.memSize() + info.diskSize();
    }
    return 0;
  }

  public void unpersist() {
    blocks.unpersist(false);
  }
}
