package org.sparkprop.spark.input;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.spark.compat.SparkLine;

/**
 * The rows of one side of the split of the staged blocks, renumbered from 0 in input order and
 * regrouped into {@code targets} balanced blocks (block q holds rows [n q / T, n (q + 1) / T) of
 * that side), scaled and weighed by class: without a shuffle. Block q depends only on the staged
 * partitions whose rows it takes (a narrow dependency), reads them where they are kept, and copies
 * its rows out of them; every row is scaled and weighed on its own, so the bits are those of
 * selecting, scaling and weighing each staged block first and joining the pieces after.
 */
final class Regrouped extends RDD<PackedBlock> {
  private static final long serialVersionUID = 1L;
  private static final scala.reflect.ClassTag<PackedBlock> PACKED = scala.reflect.ClassTag$.MODULE$.apply(PackedBlock.class);

  private final ValidationSplit split;
  private final boolean validationSide;
  private final long[] sideStarts; // (staged partitions) the side's rows before each staged partition
  private final int[] sideCounts;  // (staged partitions) the side's rows in each staged partition
  private final long rows;
  private final int targets;
  private final int features;
  private final int targetWidth;
  private final Preprocessing prep;    // null: rows are not scaled here
  private final float[] classWeights;  // null: rows are not weighed by class

  /**
   * One block of the result: its index, and the staged partitions it takes rows from (as the driver
   * knows them: an input's partitions cannot be listed again on an executor).
   */
  private record Target(int index, int[] parents, Partition[] parentPartitions) implements Partition {
    private static final long serialVersionUID = 1L;
  }

  Regrouped(RDD<PackedBlock> staged, ValidationSplit split, boolean validationSide, int[] sideCounts, int targets,
            int features, int targetWidth, Preprocessing prep, float[] classWeights) {
    super(staged.context(), SparkLine.asScala(List.<org.apache.spark.Dependency<?>>of(
        new Overlaps(staged, starts(sideCounts), sideCounts, targets))), PACKED);
    this.split = split;
    this.validationSide = validationSide;
    this.sideCounts = sideCounts.clone();
    this.sideStarts = starts(sideCounts);
    this.rows = sideStarts[sideCounts.length - 1] + sideCounts[sideCounts.length - 1];
    this.targets = targets;
    this.features = features;
    this.targetWidth = targetWidth;
    this.prep = prep;
    this.classWeights = classWeights;
  }

  private static long[] starts(int[] counts) {
    long[] s = new long[counts.length];
    for (int p = 1; p < counts.length; p++) s[p] = s[p - 1] + counts[p - 1];
    return s;
  }

  /** Block q of {@code targets} over {@code rows} rows: its first row and its end. */
  private static long first(long rows, int targets, int q) {
    return rows * q / targets;
  }

  /** Which staged partitions each target block takes rows from. */
  private static final class Overlaps extends NarrowDependency<PackedBlock> {
    private static final long serialVersionUID = 1L;
    private final long[] sideStarts;
    private final int[] sideCounts;
    private final int targets;

    Overlaps(RDD<PackedBlock> staged, long[] sideStarts, int[] sideCounts, int targets) {
      super(staged);
      this.sideStarts = sideStarts;
      this.sideCounts = sideCounts;
      this.targets = targets;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public scala.collection.immutable.Seq<Object> getParents(int q) {
      List parents = new ArrayList<>();
      for (int p : overlapping(sideStarts, sideCounts, targets, q)) parents.add(p);
      return (scala.collection.immutable.Seq<Object>) (scala.collection.immutable.Seq) SparkLine.asScala(parents);
    }
  }

  /** The staged partitions holding some of target block q's rows, in order. */
  static List<Integer> overlapping(long[] sideStarts, int[] sideCounts, int targets, int q) {
    int last = sideCounts.length - 1;
    long rows = sideStarts[last] + sideCounts[last];
    long from = first(rows, targets, q);
    long to = first(rows, targets, q + 1);
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < sideCounts.length; p++) {
      if (sideCounts[p] > 0 && sideStarts[p] < to && sideStarts[p] + sideCounts[p] > from) out.add(p);
    }
    return out;
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] staged = firstParent(PACKED).partitions();
    Partition[] out = new Partition[targets];
    for (int q = 0; q < targets; q++) {
      int[] parents = overlapping(sideStarts, sideCounts, targets, q).stream().mapToInt(Integer::intValue).toArray();
      Partition[] parentPartitions = new Partition[parents.length];
      for (int i = 0; i < parents.length; i++) parentPartitions[i] = staged[parents[i]];
      out[q] = new Target(q, parents, parentPartitions);
    }
    return out;
  }

  @Override
  public scala.collection.Iterator<PackedBlock> compute(Partition partition, TaskContext context) {
    int q = partition.index();
    long from = first(rows, targets, q);
    int n = (int) (first(rows, targets, q + 1) - from);
    float[] x = new float[Math.multiplyExact(n, features)]; // (n, features)
    float[] y = new float[Math.multiplyExact(n, targetWidth)]; // (n, targetWidth)
    float[] w = null;  // (n) sample weights, when the rows have them
    int filled = 0;
    RDD<PackedBlock> staged = firstParent(PACKED);
    Target target = (Target) partition;
    for (int i = 0; i < target.parents().length; i++) {
      int p = target.parents()[i];
      PackedBlock b = staged.iterator(target.parentPartitions()[i], context).next();
      if (filled == 0 && b.w != null) w = new float[n];
      if ((b.w != null) != (w != null)) throw new IllegalStateException("weighted and unweighted blocks cannot be joined");
      if (!split.active()) { // every row is on this side: rows [from, from + n) are a range of b
        int r0 = (int) Math.max(0, from - sideStarts[p]);
        int count = (int) Math.min(b.rows - r0, from + n - sideStarts[p] - r0);
        System.arraycopy(b.x, r0 * features, x, filled * features, count * features);
        System.arraycopy(b.y, r0 * targetWidth, y, filled * targetWidth, count * targetWidth);
        if (w != null) System.arraycopy(b.w, r0, w, filled, count);
        filled += count;
        continue;
      }
      long side = sideStarts[p]; // the side index of b's next row on this side
      for (int r = 0; r < b.rows && side < from + n; r++) {
        if (split.isValidation(b.firstIndex + r) != validationSide) continue;
        if (side++ < from) continue;
        System.arraycopy(b.x, r * features, x, filled * features, features);
        System.arraycopy(b.y, r * targetWidth, y, filled * targetWidth, targetWidth);
        if (w != null) w[filled] = b.w[r];
        filled++;
      }
    }
    if (filled != n) throw new IllegalStateException("target block " + q + " got " + filled + " rows, expected " + n);
    PackedBlock out = new PackedBlock(from, n, features, targetWidth, x, y, w);
    if (prep != null) prep.applyTo(out);
    if (classWeights != null) out = org.sparkprop.data.BlockPacking.weighByClass(out, classWeights);
    return scala.collection.Iterator$.MODULE$.single(out);
  }
}
