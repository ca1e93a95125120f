package org.sparkprop.spark.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.Attribute$;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.CounterRandom;
import org.sparkprop.spark.PackedDataset;
import scala.Tuple2;

/**
 * Packs a DataFrame's vector features column and numeric label column into the trainer's cached
 * float32 blocks: training rows (and, with a validation fraction, validation rows) numbered
 * 0..n-1 in the DataFrame's order, split into contiguous ranges over the requested number of
 * partitions exactly as the {@code train} command splits generated data, so the same rows train
 * to the same bits either way.
 *
 * <p>Two steps, reading the input once: each input partition is packed into local blocks (one
 * for its training rows, one for its validation rows) and cached; the driver learns the row
 * counts, gives every row its global index, and slices of the local blocks (float arrays, not
 * rows) are shuffled into the final contiguous ranges, which are cached in turn. The staging
 * cache is dropped once the final one is materialised. Checks on the way: features must be
 * finite vectors of one size, labels finite (for classification, class indices 0..k-1).
 *
 * <p>Minimal by design: the data-io work adds a public helper that packs a {@code Dataset<Row>}
 * with preprocessing and label mapping; this class should converge with it (TODO for the lead).
 */
final class DataFramePacking {
  /** Far above any real class count; it stops a stray label such as 1e9 from sizing the output layer. */
  static final int MAX_CLASSES = 10_000;
  /** Decorrelates the validation split from the other uses of the seed (initialisation, shuffling). */
  private static final long VALIDATION_SALT = 0x7A11DA7E5EEDL;

  private DataFramePacking() {
  }

  /** The packed sets; validation is null when no row was held out. */
  record Packed(PackedDataset train, PackedDataset validation, int features, int classes) {
    void unpersist() {
      train.unpersist();
      if (validation != null) validation.unpersist();
    }
  }

  /**
   * @param partitions         partitions of the packed training rows (at most one per row)
   * @param validationFraction chance of each row to be held out for validation, drawn per row from the seed
   */
  static Packed pack(Dataset<?> dataset, String featuresCol, String labelCol, Task task, int partitions,
                     double validationFraction, long seed, StorageLevel level) {
    int declaredClasses = task == Task.CLASSIFICATION ? declaredClasses(dataset.schema().apply(labelCol)) : 0;
    JavaRDD<Row> rows = dataset.select(functions.col(featuresCol), functions.col(labelCol)).toJavaRDD();
    JavaRDD<PackedBlock> staged = rows.mapPartitionsWithIndex(
        new LocalPacker(featuresCol, labelCol, task, validationFraction, seed), true);
    staged.setName("sparkprop staging of DataFrame[" + featuresCol + ", " + labelCol + "]");
    staged.persist(level);
    try {
      List<long[]> stats = staged.mapPartitions(DataFramePacking::partitionStats).collect();
      int features = -1;
      long maxLabel = -1;
      long[] trainRows = new long[stats.size()];
      long[] validationRows = new long[stats.size()];
      for (int p = 0; p < stats.size(); p++) {
        long[] s = stats.get(p); // (train rows, validation rows, features or -1, max label or -1)
        trainRows[p] = s[0];
        validationRows[p] = s[1];
        if (s[2] >= 0) {
          if (features >= 0 && features != s[2]) {
            throw new IllegalArgumentException("features column '" + featuresCol + "' holds vectors of size "
                + features + " and of size " + s[2] + " (input partition " + p + "): every row needs the same size");
          }
          features = (int) s[2];
        }
        maxLabel = Math.max(maxLabel, s[3]);
      }
      long nTrain = Arrays.stream(trainRows).sum();
      long nValidation = Arrays.stream(validationRows).sum();
      if (nTrain + nValidation == 0) throw new IllegalArgumentException("the training DataFrame has no rows");
      if (nTrain == 0) {
        throw new IllegalArgumentException("validationFraction = " + validationFraction + " left no training rows of "
            + nValidation);
      }
      if (features == 0) throw new IllegalArgumentException("features column '" + featuresCol + "' holds empty vectors");
      int classes = 0;
      if (task == Task.CLASSIFICATION) {
        if (declaredClasses > 0 && maxLabel >= declaredClasses) {
          throw new IllegalArgumentException("label column '" + labelCol + "' declares " + declaredClasses
              + " classes in its metadata but holds the label " + maxLabel);
        }
        // A single class seen still makes a two-class problem: softmax needs two outputs.
        classes = (int) Math.max(2, Math.max(declaredClasses, maxLabel + 1));
      }
      String what = String.format(Locale.ROOT, "DataFrame[%s, %s]: %,d training and %,d validation rows, %d features%s",
          featuresCol, labelCol, nTrain, nValidation, features, classes > 0 ? ", " + classes + " classes" : "");
      PackedDataset train = arrange(staged, 0, trainRows, nTrain, partitions, features, classes,
          "training rows of " + what, level);
      PackedDataset validation = nValidation == 0 ? null : arrange(staged, 1, validationRows, nValidation, partitions,
          features, classes, "validation rows of " + what, level);
      return new Packed(train, validation, features, classes);
    } finally {
      staged.unpersist(false);
    }
  }

  /** Number of classes the label column's ML attribute declares (StringIndexer writes one), or 0. */
  static int declaredClasses(StructField label) {
    Attribute attribute = Attribute$.MODULE$.fromStructField(label);
    if (attribute instanceof BinaryAttribute) return 2;
    if (attribute instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
      return (Integer) nominal.getNumValues().get();
    }
    return 0;
  }

  /**
   * Gives the rows of one kind (0: training, 1: validation) their global indices and moves them
   * into {@code min(partitions, rows)} contiguous ranges: range p holds rows [n p / P, n (p+1) / P),
   * the split {@link PackedDataset#generate} uses.
   */
  private static PackedDataset arrange(JavaRDD<PackedBlock> staged, int kind, long[] rowsPerInput, long rows,
                                       int partitions, int features, int classes, String description,
                                       StorageLevel level) {
    int targets = (int) Math.max(1, Math.min(partitions, rows));
    long[] firstOfInput = new long[rowsPerInput.length]; // global index of each input partition's first row
    for (int p = 1; p < rowsPerInput.length; p++) firstOfInput[p] = firstOfInput[p - 1] + rowsPerInput[p - 1];
    JavaRDD<Tuple2<Integer, PackedBlock>> slices = staged.mapPartitionsWithIndex((input, blocks) -> {
      PackedBlock local = blocks.next();
      if (kind == 1) local = blocks.next();
      return slice(local, firstOfInput[input], rows, targets).iterator();
    }, true);
    JavaRDD<PackedBlock> arranged = JavaPairRDD.fromJavaRDD(slices)
        .partitionBy(new HashPartitioner(targets)) // an Integer key k < targets goes to partition k
        .mapPartitionsWithIndex((target, parts) -> {
          long first = rows * target / targets;
          long end = rows * (target + 1) / targets;
          return Collections.singletonList(concatenate(parts, first, Math.toIntExact(end - first), features)).iterator();
        }, true);
    return PackedDataset.cache(arranged, rows, features, 1, classes, description, level);
  }

  /** Cuts a local block, whose first row has global index {@code first}, at the target range boundaries. */
  static List<Tuple2<Integer, PackedBlock>> slice(PackedBlock local, long first, long rows, int targets) {
    List<Tuple2<Integer, PackedBlock>> out = new ArrayList<>();
    int done = 0;
    while (done < local.rows) {
      long global = first + done;
      // The range holding row `global`: the largest t with rows * t / targets <= global.
      int target = (int) Math.min(targets - 1, global * targets / rows);
      while (rows * target / targets > global) target--;
      while (rows * (target + 1) / targets <= global) target++;
      long targetEnd = rows * (target + 1) / targets;
      int n = (int) Math.min(local.rows - done, targetEnd - global);
      int f = local.features;
      float[] x = Arrays.copyOfRange(local.x, done * f, (done + n) * f);
      float[] y = Arrays.copyOfRange(local.y, done, done + n);
      out.add(new Tuple2<>(target, new PackedBlock(global, n, f, 1, x, y)));
      done += n;
    }
    return out;
  }

  /** Joins the slices of one target range, in row order, into one block. */
  static PackedBlock concatenate(Iterator<Tuple2<Integer, PackedBlock>> parts, long first, int rows, int features) {
    List<PackedBlock> slices = new ArrayList<>();
    parts.forEachRemaining(t -> slices.add(t._2));
    slices.sort(Comparator.comparingLong(b -> b.firstIndex));
    float[] x = new float[Math.multiplyExact(rows, features)]; // (rows, features)
    float[] y = new float[rows];                                // (rows, 1)
    long next = first;
    for (PackedBlock s : slices) {
      if (s.firstIndex != next) {
        throw new IllegalStateException("rows " + next + ".. are missing from the range starting at " + first
            + ": the input DataFrame changed between two reads (cache it if it is not deterministic)");
      }
      int at = (int) (s.firstIndex - first);
      System.arraycopy(s.x, 0, x, at * features, s.x.length);
      System.arraycopy(s.y, 0, y, at, s.rows);
      next += s.rows;
    }
    if (next != first + rows) {
      throw new IllegalStateException("the range starting at row " + first + " has " + (next - first)
          + " rows instead of " + rows + ": the input DataFrame changed between two reads");
    }
    return new PackedBlock(first, rows, features, 1, x, y);
  }

  /** (training rows, validation rows, features or -1 when empty, largest label or -1) of one staged partition. */
  private static Iterator<long[]> partitionStats(Iterator<PackedBlock> blocks) {
    PackedBlock train = blocks.next();
    PackedBlock validation = blocks.next();
    long features = train.rows > 0 ? train.features : validation.rows > 0 ? validation.features : -1;
    long maxLabel = -1;
    for (PackedBlock b : List.of(train, validation)) {
      for (int i = 0; i < b.rows; i++) maxLabel = Math.max(maxLabel, (long) b.y[i]);
    }
    return Collections.singletonList(new long[] {train.rows, validation.rows, features, maxLabel}).iterator();
  }

  /**
   * Packs one input partition into two blocks, its training rows then its validation rows, both
   * numbered from 0 (global indices come later). Checks every value on the way.
   */
  static final class LocalPacker implements org.apache.spark.api.java.function.Function2<Integer, Iterator<Row>,
      Iterator<PackedBlock>> {
    private static final long serialVersionUID = 1L;
    private final String featuresCol;
    private final String labelCol;
    private final Task task;
    private final double validationFraction;
    private final long seed;

    LocalPacker(String featuresCol, String labelCol, Task task, double validationFraction, long seed) {
      this.featuresCol = featuresCol;
      this.labelCol = labelCol;
      this.task = task;
      this.validationFraction = validationFraction;
      this.seed = seed;
    }

    @Override
    public Iterator<PackedBlock> call(Integer partition, Iterator<Row> rows) {
      FloatArrayBuilder[] x = {new FloatArrayBuilder(), new FloatArrayBuilder()}; // (rows, features) per kind
      FloatArrayBuilder[] y = {new FloatArrayBuilder(), new FloatArrayBuilder()}; // (rows) per kind
      int features = -1;
      long row = 0;
      while (rows.hasNext()) {
        Row r = rows.next();
        if (r.isNullAt(0)) throw bad(partition, row, "features column '" + featuresCol + "' is null");
        if (r.isNullAt(1)) throw bad(partition, row, "label column '" + labelCol + "' is null");
        Vector v = r.getAs(0);
        if (features < 0) features = v.size();
        if (v.size() != features) {
          throw bad(partition, row, "features column '" + featuresCol + "' holds a vector of size " + v.size()
              + " where the rows before hold " + features);
        }
        double label = r.getDouble(1);
        checkLabel(partition, row, label);
        int kind = validationFraction > 0
            && CounterRandom.uniform(seed ^ VALIDATION_SALT, row, partition) < validationFraction ? 1 : 0;
        appendFeatures(x[kind], v, partition, row);
        y[kind].add((float) label);
        row++;
      }
      int width = Math.max(features, 0);
      List<PackedBlock> out = new ArrayList<>(2);
      for (int kind = 0; kind < 2; kind++) {
        out.add(new PackedBlock(0, y[kind].size(), width, 1, x[kind].toArray(), y[kind].toArray()));
      }
      return out.iterator();
    }

    private void checkLabel(int partition, long row, double label) {
      if (task == Task.CLASSIFICATION) {
        if (!(label >= 0 && label < MAX_CLASSES && label == Math.rint(label))) {
          throw bad(partition, row, "label column '" + labelCol + "' holds " + label
              + ": a classifier needs class indices 0, 1, ..., k-1 (below " + MAX_CLASSES
              + "); index other labels with StringIndexer");
        }
      } else if (!Double.isFinite(label) || Math.abs(label) > Float.MAX_VALUE) {
        throw bad(partition, row, "label column '" + labelCol + "' holds " + label + ": expected a finite number");
      }
    }

    private void appendFeatures(FloatArrayBuilder x, Vector v, int partition, long row) {
      int at = x.size();
      x.grow(v.size());
      float[] data = x.array();
      if (v instanceof DenseVector dense) {
        double[] values = dense.values();
        for (int i = 0; i < values.length; i++) data[at + i] = checked(values[i], i, partition, row);
      } else {
        SparseVector sparse = (SparseVector) v;
        int[] indices = sparse.indices();
        double[] values = sparse.values();
        for (int k = 0; k < indices.length; k++) data[at + indices[k]] = checked(values[k], indices[k], partition, row);
      }
    }

    private float checked(double value, int index, int partition, long row) {
      if (!Double.isFinite(value) || Math.abs(value) > Float.MAX_VALUE) {
        throw bad(partition, row, "features column '" + featuresCol + "' holds " + value + " at index " + index
            + ": features must be finite float32 numbers");
      }
      return (float) value;
    }

    private static IllegalArgumentException bad(int partition, long row, String what) {
      return new IllegalArgumentException("row " + row + " of input partition " + partition + ": " + what);
    }
  }

  /** A float array that grows by doubling; the part past {@link #size()} is zero. */
  static final class FloatArrayBuilder {
    private float[] data = new float[1024];
    private int size;

    int size() {
      return size;
    }

    float[] array() {
      return data;
    }

    /** Makes room for {@code n} more values (zeros) and counts them as added. */
    void grow(int n) {
      int needed = Math.addExact(size, n);
      if (needed > data.length) {
        data = Arrays.copyOf(data, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, 2L * data.length)));
      }
      size = needed;
    }

    void add(float v) {
      grow(1);
      data[size - 1] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
