package org.sparkprop.spark;

import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Where the packed training rows are kept between rounds ({@code spark.storageLevel}): in the
 * executors' storage memory, on their local disks ({@link LocalDiskRows}), or, for {@code auto},
 * whichever the packed size and the executors' storage memory allow, decided once when the data
 * is loaded.
 *
 * @param choice  auto, memory or disk
 * @param inMemory the Spark storage level of the in-memory path
 * @param decided where the rows of this load go, once decided (see {@link #decidedFor}); null before
 */
public record RowStore(Choice choice, StorageLevel inMemory, Placement decided) {
  /** The share of the executors' free storage memory that packed rows may take and still be kept in memory. */
  static final double MEMORY_SHARE = 0.5;

  /** The values of {@code spark.storageLevel}. */
  public enum Choice { AUTO, MEMORY, DISK }

  /** Where rows were put, and why, in words for the job's log. */
  public record Placement(boolean onDisk, String why) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** "memory" or "local disk": where a round's rows come from. */
    public String source() {
      return onDisk ? "local disk" : "memory";
    }
  }

  /** A store whose placement is decided when {@link #place} is first asked. */
  public RowStore(Choice choice, StorageLevel inMemory) {
    this(choice, inMemory, null);
  }

  public static final RowStore AUTO = new RowStore(Choice.AUTO, StorageLevel.MEMORY_AND_DISK());
  public static final RowStore DISK = new RowStore(Choice.DISK, StorageLevel.MEMORY_AND_DISK());

  /** The store {@code spark.storageLevel} names (auto, memory or disk, any case). */
  public static RowStore of(String configValue) {
    Choice c;
    try {
      c = Choice.valueOf(configValue.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spark.storageLevel = '" + configValue + "': expected auto, memory or disk", e);
    }
    return new RowStore(c, StorageLevel.MEMORY_AND_DISK());
  }

  /** Rows kept in memory at Spark's storage level {@code level} (NONE: recomputed at every use). */
  public static RowStore memory(StorageLevel level) {
    return new RowStore(Choice.MEMORY, level);
  }

  /**
   * The level at which rows staged for a second pass over the input are kept: on disk when the
   * rows go to the local disks, so that data larger than the storage memory is never first cached
   * in it (nor pushes out what is).
   */
  public StorageLevel stagingLevel() {
    return choice == Choice.DISK || (decided != null && decided.onDisk()) ? StorageLevel.DISK_ONLY() : inMemory;
  }

  /**
   * This store with the placement of {@code packedBytes} decided now, for a load that stages its
   * input before packing: the staging follows the decision, and every set the load makes goes
   * where the decision put it, for the reason it gives.
   */
  public RowStore decidedFor(JavaSparkContext sc, long packedBytes) {
    return decided != null ? this : new RowStore(choice, inMemory, place(sc, packedBytes));
  }

  /** Where {@code packedBytes} of rows go in the cluster {@code sc} runs on (the decided place, once decided). */
  public Placement place(JavaSparkContext sc, long packedBytes) {
    if (decided != null) return decided;
    if (choice == Choice.MEMORY) return new Placement(false, "spark.storageLevel = memory");
    if (choice == Choice.DISK) return new Placement(true, "spark.storageLevel = disk");
    StorageMemory free = StorageMemory.of(sc);
    return decide(packedBytes, free.bytes(), free.source());
  }

  /** The auto rule: memory when the rows take at most {@link #MEMORY_SHARE} of the free storage memory. */
  static Placement decide(long packedBytes, long freeStorageBytes, String whereFrom) {
    boolean fits = packedBytes <= MEMORY_SHARE * freeStorageBytes;
    return new Placement(!fits, String.format(Locale.ROOT,
        "spark.storageLevel = auto: %s of packed rows %s half the %s of free storage memory (%s)",
        size(packedBytes), fits ? "fit in" : "exceed", size(freeStorageBytes), whereFrom));
  }

  /** {@code bytes} in KiB, MiB or GiB with one decimal, for messages. */
  public static String size(long bytes) {
    if (bytes < 1L << 20) return String.format(Locale.ROOT, "%,.1f KiB", bytes / 1024.0);
    if (bytes < 1L << 30) return String.format(Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
    return String.format(Locale.ROOT, "%,.2f GiB", bytes / 1073741824.0);
  }

  /** The executors' free storage memory, as their block managers report it (or the configuration says). */
  record StorageMemory(long bytes, String source) {
    static StorageMemory of(JavaSparkContext sc) {
      scala.collection.Map<String, Tuple2<Object, Object>> status = sc.sc().getExecutorMemoryStatus();
      String driver = sc.sc().env().blockManager().blockManagerId().hostPort();
      long free = 0;
      int executors = 0;
      scala.collection.Iterator<Tuple2<String, Tuple2<Object, Object>>> it = status.iterator();
      while (it.hasNext()) {
        Tuple2<String, Tuple2<Object, Object>> e = it.next();
        if (!sc.isLocal() && e._1().equals(driver)) continue; // the driver holds no partitions off local mode
        free += (Long) e._2()._2();
        executors++;
      }
      if (executors > 0) {
        return new StorageMemory(free, executors + (sc.isLocal() ? " local-mode JVM" : " executor(s) registered"));
      }
      return fromConfiguration(sc.getConf());
    }

    /** Before any executor registers: one executor of spark.executor.memory, Spark's unified share of it. */
    static StorageMemory fromConfiguration(SparkConf conf) {
      long heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
      double fraction = conf.getDouble("spark.memory.fraction", 0.6);
      long reserved = 300L << 20;
      long bytes = (long) (Math.max(0, heap - reserved) * fraction);
      return new StorageMemory(bytes, "no executor registered yet: one executor of spark.executor.memory = "
          + conf.get("spark.executor.memory", "1g"));
    }
  }
}
