package org.sparkprop.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.Partition;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.data.RowFile;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.RowBlock;
import org.sparkprop.spark.compat.SparkLine;

/**
 * Packed partitions kept as files on the executors' local disks (Spark's local directories), for
 * data larger than the executors' storage memory. The first task of a partition on an executor
 * computes the packed block from its parent (the lineage: reading, parsing, scaling), writes it once
 * and opens it ({@link RowFile}: positional reads on a channel kept open); every later task there
 * shares the open file and reads only the rows its round needs, through the page cache. A task that runs where the file is not (the executor was
 * lost, or the scheduler placed it elsewhere) rebuilds it from the lineage, so the rows, and the
 * bits, are the same wherever they are read.
 *
 * <p>Each file is announced to the driver by a small marker block under this RDD's block id, which
 * is how {@link #getPreferredLocations} sends a partition's tasks to the executor holding its file
 * (the RDD itself is not persisted: Spark would serialise and read whole blocks).
 */
final class LocalDiskRows extends RDD<RowBlock> {
  private static final long serialVersionUID = 1L;
  private static final scala.reflect.ClassTag<RowBlock> ROWS = scala.reflect.ClassTag$.MODULE$.apply(RowBlock.class);
  private static final scala.reflect.ClassTag<PackedBlock> PACKED =
      scala.reflect.ClassTag$.MODULE$.apply(PackedBlock.class);
  private static final scala.reflect.ClassTag<String> MARKER = scala.reflect.ClassTag$.MODULE$.apply(String.class);

  /** This executor's open row files, by file name: opened once, shared by every later task, closed when forgotten. */
  private static final Map<String, RowFile> OPEN = new ConcurrentHashMap<>();

  private final String application; // names the files apart from other applications' on a shared host

  LocalDiskRows(RDD<PackedBlock> packed) {
    super(packed, ROWS);
    this.application = packed.context().applicationId();
  }

  @Override
  public scala.collection.Iterator<RowBlock> compute(Partition split, TaskContext context) {
    String name = fileName(split.index());
    RowFile rows = OPEN.get(name);
    if (rows == null || !Files.exists(rows.file())) rows = build(split, context, name);
    return scala.collection.Iterator$.MODULE$.single(rows);
  }

  /** Packs the partition from the lineage, writes it to a local file, opens it and announces it. */
  private RowFile build(Partition split, TaskContext context, String name) {
    BlockManager blocks = SparkEnv.get().blockManager();
    Path file = blocks.diskBlockManager().getFile(name).toPath();
    scala.collection.Iterator<PackedBlock> packed = firstParent(PACKED).iterator(split, context);
    if (!packed.hasNext()) throw new IllegalStateException("partition " + split.index() + " has no packed block");
    PackedBlock block = packed.next();
    if (packed.hasNext()) {
      throw new IllegalStateException("partition " + split.index() + " has more than one packed block");
    }
    try {
      Path partial = file.resolveSibling(name + ".partial");
      RowFile.write(block, partial);
      Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      RowFile rows = RowFile.open(file);
      closeQuietly(OPEN.put(name, rows)); // a file deleted under it (its blocks go once closed)
      // In memory, or on disk when the storage memory is full, as it is when rows come here: a
      // marker that could not be stored would leave the file unknown to the scheduler and to release().
      if (!blocks.putSingle(marker(split.index()), file.toString(), StorageLevel.MEMORY_AND_DISK(), true, MARKER)) {
        throw new IllegalStateException("cannot store the marker of " + file + " in the block manager");
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the packed rows of partition " + split.index() + " to " + file
          + " (Spark's local directory; set spark.local.dir to a disk with room)", e);
    }
  }

  /** Closes a row file that was replaced; a failure to close it leaks a descriptor, not rows, so it does not fail the task. */
  private static void closeQuietly(RowFile replaced) {
    if (replaced == null) return;
    try {
      replaced.close();
    } catch (IOException e) {
      // the descriptor stays open until the executor exits; nothing reads it any more
    }
  }

  private String fileName(int partition) {
    return filePrefix() + partition + ".spr";
  }

  /** What the names of this RDD's files start with. */
  private String filePrefix() {
    return "sparkprop-rows-" + application + "-" + id() + "-";
  }

  private BlockId marker(int partition) {
    return new RDDBlockId(id(), partition);
  }

  @Override
  public Partition[] getPartitions() {
    return firstParent(PACKED).partitions();
  }

  /** The executors whose local disks hold the partition's file, as Spark names executor locations. */
  @Override
  public scala.collection.immutable.Seq<String> getPreferredLocations(Partition split) {
    scala.collection.Seq<BlockManagerId> holders =
        SparkEnv.get().blockManager().master().getLocations(marker(split.index()));
    List<String> out = new ArrayList<>();
    for (BlockManagerId id : SparkLine.asJava(holders)) out.add("executor_" + id.host() + "_" + id.executorId());
    return SparkLine.asScala(out);
  }

  /**
   * Deletes the partitions' files on every executor that announced one (a short job of one task per
   * file, each sent to its executor) and forgets their markers: a session that goes on after
   * training (a sweep, a notebook) does not keep gigabytes of rows in its local directories. A file
   * whose executor is gone went with it; a task the scheduler places elsewhere finds nothing to
   * delete there, and that file goes with its executor's local directories when the application ends.
   */
  void release() {
    if (context().isStopped()) return;
    List<RowFiles.Held> held = new ArrayList<>();
    for (int p = 0; p < getPartitions().length; p++) {
      for (BlockManagerId id : SparkLine.asJava(SparkEnv.get().blockManager().master().getLocations(marker(p)))) {
        held.add(new RowFiles.Held(held.size(), fileName(p), "executor_" + id.host() + "_" + id.executorId()));
      }
    }
    if (!held.isEmpty()) new RowFiles(context(), held, filePrefix()).count();
    try {
      if (context().isLocal()) forgetAll(filePrefix()); // the driver's JVM is the executor: whatever the markers say
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the packed-rows files " + filePrefix() + "* from Spark's local directory", e);
    }
    SparkEnv.get().blockManager().master().removeRdd(id(), false);
  }

  /** Deletes this executor's file {@code name}, if it has one, and closes it; true when a file was deleted. */
  static boolean forget(String name) throws IOException {
    RowFile open = OPEN.remove(name);
    if (open != null) open.close(); // a deleted file's blocks are freed only once no channel holds it
    Path file = SparkEnv.get().blockManager().diskBlockManager().getFile(name).toPath();
    Files.deleteIfExists(file.resolveSibling(name + ".partial"));
    return Files.deleteIfExists(file);
  }

  /** Deletes every file this executor opened whose name starts with {@code prefix} (one RDD's files); how many. */
  static int forgetAll(String prefix) throws IOException {
    int deleted = 0;
    for (String name : new ArrayList<>(OPEN.keySet())) {
      if (name.startsWith(prefix) && forget(name)) deleted++;
    }
    return deleted;
  }

  /** One task per announced file, at the executor that announced it, deleting it there. */
  static final class RowFiles extends RDD<Object> {
    private static final long serialVersionUID = 1L;
    private static final scala.reflect.ClassTag<Object> ANY = scala.reflect.ClassTag$.MODULE$.apply(Object.class);
    private final List<Held> held;
    private final String prefix;

    /** A file of partition rows on one executor, as Spark names the executor's location. */
    record Held(int index, String name, String executor) implements Partition {
      private static final long serialVersionUID = 1L;
    }

    /** @param prefix what the names of the RDD's files start with: any other of them open there goes too */
    RowFiles(org.apache.spark.SparkContext sc, List<Held> held, String prefix) {
      super(sc, SparkLine.asScala(new ArrayList<org.apache.spark.Dependency<?>>()), ANY);
      this.held = new ArrayList<>(held);
      this.prefix = prefix;
    }

    @Override
    public scala.collection.Iterator<Object> compute(Partition split, TaskContext context) {
      try {
        boolean deleted = forget(((Held) split).name());
        return scala.collection.Iterator$.MODULE$.single(forgetAll(prefix) > 0 || deleted);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the packed-rows file " + ((Held) split).name()
            + " from Spark's local directory", e);
      }
    }

    @Override
    public Partition[] getPartitions() {
      return held.toArray(new Partition[0]);
    }

    @Override
    public scala.collection.immutable.Seq<String> getPreferredLocations(Partition split) {
      return SparkLine.asScala(List.of(((Held) split).executor()));
    }
  }
}
