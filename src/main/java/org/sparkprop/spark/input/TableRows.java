package org.sparkprop.spark.input;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.attribute.AttributeGroup$;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.data.DataException;
import org.sparkprop.data.HeldPartitions;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.LabelValues;
import org.sparkprop.data.ParsedRow;
import org.sparkprop.data.PartitionReader;
import org.sparkprop.data.RowProblem;
import org.sparkprop.data.RowRules;

/**
 * A Spark table (a Parquet input, or any {@code Dataset<Row>} from the API) as rows: features from
 * one column holding an ML vector or an array of numbers, or else from every numeric column but
 * the label and the id; the label from a numeric, string or boolean column, or several targets
 * (several outputs) from several numeric label columns or from one label column holding an ML
 * vector or an array of numbers (its width taken from the first row). Rows read from files
 * are named by file and row in messages (Spark's hidden {@code _metadata} column), others by
 * partition and row.
 */
final class TableRows {
  static final String FEATURES = "__sparkprop_features";
  static final String LABEL = "__sparkprop_label";
  static final String ID = "__sparkprop_id";
  static final String FILE = "__sparkprop_file";
  static final String ROW = "__sparkprop_row";
  static final String WEIGHT = "__sparkprop_weight";
  /** The partition and row-count tags of {@link #collect}'s rows. */
  private static final String PARTITION = "__sparkprop_partition";
  private static final String COUNT = "__sparkprop_count";

  private TableRows() {
  }

  /** The columns chosen from a table's schema, checked on the driver. */
  record Layout(Dataset<Row> selected, int width, List<String> featureNames, boolean hasLabel, boolean hasId,
                DataType idType, boolean located, String featuresDescription, String weightColumn, int targets,
                LabelMode mode, String widthFrom) {
    /** Whether rows carry a sample weight (the last selected column). */
    boolean hasWeight() {
      return weightColumn != null;
    }
  }

  static Layout layout(Dataset<Row> df, String what, String featuresColumn, String labelColumn, String idColumn,
                       LabelMode mode, boolean located) {
    return layout(df, what, featuresColumn, labelColumn, null, idColumn, null, false, mode, located);
  }

  /**
   * @param what how the table is named in messages
   * @param located whether the table was read from files (then its rows are named by file and row)
   */
  static Layout layout(Dataset<Row> df, String what, String featuresColumn, String labelColumn, String idColumn,
                       String weightColumn, boolean weightRequired, LabelMode mode, boolean located) {
    return layout(df, what, featuresColumn, labelColumn, null, idColumn, weightColumn, weightRequired, mode, located);
  }

  /**
   * @param labelColumns several label columns (one target each, in output order), or null for {@code labelColumn}
   */
  static Layout layout(Dataset<Row> df, String what, String featuresColumn, String labelColumn, List<String> labelColumns,
                       String idColumn, String weightColumn, boolean weightRequired, LabelMode mode, boolean located) {
    StructType schema = df.schema();
    List<String> names = List.of(schema.fieldNames());
    List<String> labels = labelColumns != null && labelColumns.size() > 1 ? labelColumns : null;
    boolean hasLabel = labels != null ? names.containsAll(labels) : labelColumn != null && names.contains(labelColumn);
    if (mode != LabelMode.NONE && !hasLabel) {
      throw new DataException(what + " has no label column " + (labels != null
          ? "for each of " + labels : "'" + labelColumn + "'") + "; its columns are " + names
          + (labels != null ? " (set data.labelColumns)" : " (set data.labelColumn)"));
    }
    // A vector or array label is several targets (multi-target regression, or 0/1 labels for bce).
    DataType labelType = hasLabel && labels == null ? schema.apply(labelColumn).dataType() : null;
    boolean vectorLabel = labelType instanceof VectorUDT
        || (labelType instanceof ArrayType la && la.elementType() instanceof NumericType);
    if (labels != null || vectorLabel) {
      if (mode.classes()) mode = LabelMode.MULTI_LABEL; // a row's several labels cannot be one class: 0/1 each
    }
    boolean hasId = idColumn != null && !idColumn.isEmpty() && names.contains(idColumn);
    String weight = weightColumn != null && !weightColumn.isEmpty() && names.contains(weightColumn) ? weightColumn : null;
    if (weightColumn != null && !weightColumn.isEmpty()) {
      if (weight == null && weightRequired) {
        throw new DataException(what + " has no weight column '" + weightColumn + "'; its columns are " + names
            + " (data.weightColumn, or weightCol of the estimators)");
      }
      if (weight != null && (weight.equals(labelColumn) || weight.equals(featuresColumn))) {
        throw new DataException(what + ": the weight column '" + weight + "' is also the "
            + (weight.equals(labelColumn) ? "label" : "features") + " column; the weights need a column of their own");
      }
      if (weight != null && !(schema.apply(weight).dataType() instanceof NumericType)) {
        throw new DataException(what + ": the weight column '" + weight + "' is of type "
            + schema.apply(weight).dataType().simpleString() + "; expected numbers (sample weights >= 0)");
      }
    }
    List<Column> cols = new ArrayList<>();
    List<String> featureNames;
    String description;
    int width;
    if (featuresColumn != null && names.contains(featuresColumn)) {
      DataType type = schema.apply(featuresColumn).dataType();
      if (type instanceof VectorUDT) {
        cols.add(col(featuresColumn).as(FEATURES));
      } else if (type instanceof ArrayType a && a.elementType() instanceof NumericType) {
        cols.add(col(featuresColumn).cast(DataTypes.createArrayType(DataTypes.DoubleType)).as(FEATURES));
      } else {
        throw new DataException(what + ": column '" + featuresColumn + "' is of type " + type.simpleString()
            + "; expected an ML vector or an array of numbers (or leave data.featuresColumn out of the table to use"
            + " every numeric column)");
      }
      featureNames = null;
      // A vector column's ML attributes (VectorAssembler's, for one) declare its size: no job reads the first row.
      width = type instanceof VectorUDT ? declaredSize(schema.apply(featuresColumn)) : -1; // else from the first row
      description = "column '" + featuresColumn + "'";
    } else {
      List<Column> numeric = new ArrayList<>();
      featureNames = new ArrayList<>();
      for (StructField f : schema.fields()) {
        if (f.name().equals(labelColumn) || f.name().equals(idColumn) || f.name().equals(weight)
            || (labels != null && labels.contains(f.name()))) {
          continue;
        }
        if (f.dataType() instanceof NumericType) {
          numeric.add(col("`" + f.name() + "`").cast(DataTypes.DoubleType));
          featureNames.add(f.name());
        }
      }
      if (numeric.isEmpty()) {
        throw new DataException(what + " has no column '" + featuresColumn + "' and no numeric column besides the label"
            + " and id to use as features; its columns are " + schema.simpleString());
      }
      cols.add(array(numeric.toArray(new Column[0])).as(FEATURES));
      width = numeric.size();
      description = "the numeric columns " + featureNames;
    }
    if (hasLabel && labels != null) {
      cols.add(array(labels.stream().map(l -> col("`" + l + "`").cast(DataTypes.DoubleType)).toArray(Column[]::new))
          .as(LABEL));
    } else if (hasLabel && vectorLabel && !(labelType instanceof VectorUDT)) {
      cols.add(col("`" + labelColumn + "`").cast(DataTypes.createArrayType(DataTypes.DoubleType)).as(LABEL));
    } else {
      cols.add(hasLabel ? col("`" + labelColumn + "`").as(LABEL) : org.apache.spark.sql.functions.lit(null).as(LABEL));
    }
    cols.add(hasId ? col("`" + idColumn + "`").as(ID) : org.apache.spark.sql.functions.lit(null).as(ID));
    if (located) {
      cols.add(col("_metadata.file_path").as(FILE));
      cols.add(col("_metadata.row_index").as(ROW));
    }
    if (weight != null) cols.add(col("`" + weight + "`").cast(DataTypes.DoubleType).as(WEIGHT)); // always the last column
    Dataset<Row> selected = df.select(cols.toArray(new Column[0]));
    String widthFrom = featureNames == null && width > 0 ? "as its ML attributes declare" : "as in the first row";
    if (width < 0) width = firstWidth(selected, what, featuresColumn);
    DataType idType = hasId ? schema.apply(idColumn).dataType() : DataTypes.StringType;
    int targets = labels != null ? labels.size() : vectorLabel && mode != LabelMode.NONE
        ? firstLabelWidth(selected, what, labelColumn) : 1;
    return new Layout(selected, width, featureNames, hasLabel, hasId, idType, located, description, weight, targets, mode,
        widthFrom);
  }

  /** The size a vector column's ML attribute group declares; -1 when it declares none (or 0). */
  private static int declaredSize(StructField field) {
    int size = AttributeGroup$.MODULE$.fromStructField(field).size();
    return size > 0 ? size : -1;
  }

  /** The width of the first row's vector label: the number of targets (1 when there are no rows). */
  private static int firstLabelWidth(Dataset<Row> selected, String what, String labelColumn) {
    return firstVectorWidth(selected, LABEL, 1, what + ": the first row's label '" + labelColumn + "' holds no values");
  }

  /** The width of the first row's feature vector (0 when there are no rows). */
  private static int firstWidth(Dataset<Row> selected, String what, String featuresColumn) {
    return firstVectorWidth(selected, FEATURES, 0, what + ": the first row's '" + featuresColumn + "' holds no values");
  }

  /**
   * The width of the first non-null vector or array of {@code column}: reads one row, which the
   * driver may (it is metadata, not data).
   *
   * @param whenEmpty the width without rows (an empty input is reported later, as such)
   */
  private static int firstVectorWidth(Dataset<Row> selected, String column, int whenEmpty, String noValuesMessage) {
    List<Row> first = selected.select(column).where(col(column).isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) return whenEmpty;
    Object v = first.get(0).get(0);
    int w = v instanceof Vector vec ? vec.size() : first.get(0).getList(0).size();
    if (w == 0) throw new DataException(noValuesMessage);
    return w;
  }

  /** The rules a table's rows must pass: its label mode, the width of its first row, its targets and weights. */
  static RowRules rules(Layout layout) {
    LabelMode labels = layout.mode();
    RowRules rules = new RowRules(labels, null, layout.width(), true, layout.widthFrom() + ", " + layout.featuresDescription())
        .withWeights(layout.hasWeight());
    return labels != LabelMode.NONE && layout.targets() > 1 ? rules.withTargets(layout.targets()) : rules;
  }

  /**
   * Every partition's selected rows on the driver, in partition order, each read again by the cursor
   * a task would read it with: the same rows in the same partitions as {@link #cursors}, parsed by
   * the same code. One query (Spark SQL's collect, in partition order, no Kryo round trip of Row
   * objects), in which every task returns its partition's rows when they are at most its share of
   * {@code maxRows} (so the driver never holds much more than {@code maxRows}), each tagged with the
   * partition, then one row with the partition's count. Only when some partition held more than its share
   * while the table as a whole has at most {@code maxRows} rows does a second query bring the rows,
   * cut by the counts. Null when the table has more than {@code maxRows} rows. (A column of
   * {@code spark_partition_id()} cannot tell the partitions: Spark evaluates it on the driver, as 0,
   * for a local table; a task's own partition id is that of the rows it reads.)
   */
  static FrameData.Collected collect(Layout layout, LabelMode mode, long maxRows) {
    Dataset<Row> selected = layout.selected();
    int columns = selected.columns().length;
    StructType tagged = new StructType();
    for (StructField f : selected.schema().fields()) tagged = tagged.add(f.name(), f.dataType(), true, f.metadata());
    tagged = tagged.add(PARTITION, DataTypes.IntegerType, true).add(COUNT, DataTypes.LongType, true);
    List<Row> all = selected.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      int partition = TaskContext.getPartitionId();
      long share = maxRows / Math.max(1, TaskContext.get().numPartitions()) + 1; // the task's part of maxRows
      List<Row> kept = new ArrayList<>();
      long n = 0;
      for (; rows.hasNext(); n++) {
        Row r = rows.next();
        if (n >= share) continue;
        Object[] values = new Object[columns + 2];
        for (int i = 0; i < columns; i++) values[i] = r.get(i);
        values[columns] = partition;
        kept.add(RowFactory.create(values));
      }
      if (n > share) kept.clear(); // over its share: only the count goes to the driver
      Object[] count = new Object[columns + 2];
      count[columns] = partition;
      count[columns + 1] = n;
      kept.add(RowFactory.create(count));
      return kept.iterator();
    }, Encoders.row(tagged)).collectAsList();
    List<List<Row>> partitions = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<Row> current = new ArrayList<>();
    boolean complete = true;
    long total = 0;
    for (Row r : all) {
      if (r.isNullAt(columns + 1)) {
        current.add(r); // the cursor reads the selected columns by position: the tags after them are not read
        continue;
      }
      long n = r.getLong(columns + 1);
      complete &= n == current.size();
      counts.add(n);
      total += n;
      partitions.add(current);
      current = new ArrayList<>();
    }
    if (total > maxRows) return null;
    if (!complete) {
      List<Row> rows = selected.collectAsList();
      if (rows.size() != total) {
        throw new IllegalStateException("the DataFrame gave " + total + " rows to one job and " + rows.size()
            + " to the next: it is not deterministic; cache it before fitting");
      }
      int from = 0;
      for (int p = 0; p < counts.size(); p++) {
        partitions.set(p, rows.subList(from, from + counts.get(p).intValue()));
        from += counts.get(p).intValue();
      }
    }
    boolean located = layout.located();
    int targets = layout.targets();
    String weightColumn = layout.weightColumn();
    return new FrameData.Collected(new HeldPartitions() {
      @Override
      public int count() {
        return partitions.size();
      }

      @Override
      public PartitionReader open(int p) {
        return new Cursor(partitions.get(p).iterator(), mode, located, p, weightColumn, columns - 1, targets);
      }
    }, total);
  }

  static JavaRDD<PartitionReader> cursors(Layout layout, LabelMode mode) {
    int columns = layout.selected().columns().length;
    boolean located = layout.located();
    int targets = layout.targets();
    String weightColumn = layout.weightColumn();
    return layout.selected().javaRDD().mapPartitions(rows -> Collections.<PartitionReader>singletonList(
        new Cursor(rows, mode, located, TaskContext.getPartitionId(), weightColumn, columns - 1, targets)).iterator());
  }

  private static final class Cursor implements PartitionReader {
    private final Iterator<Row> rows;
    private final LabelMode mode;
    private final boolean located;
    private final String where;
    private final String weightWhat; // "the weight column 'w'", or null without weights
    private final ParsedRow row = new ParsedRow();
    private final int targets; // target values per row: 1, or several (several label columns, a vector label)
    private final int weightAt; // the weight's column: the last selected one
    private long ordinal;

    Cursor(Iterator<Row> rows, LabelMode mode, boolean located, int partition, String weightColumn, int weightAt,
           int targets) {
      this.targets = targets;
      this.weightAt = weightAt;
      this.weightWhat = weightColumn == null ? null : "the weight column " + ParsedRow.quote(weightColumn);
      this.rows = rows;
      this.mode = mode;
      this.located = located;
      this.where = "partition " + partition; // messages name the input before it
    }

    @Override
    public boolean next() {
      if (!rows.hasNext()) return false;
      Row r = rows.next();
      if (located) row.reset(r.getString(3), ParsedRow.Unit.ROW_OF_FILE, 0, r.isNullAt(4) ? ordinal : r.getLong(4));
      else row.reset(where, ParsedRow.Unit.ROW_OF_PARTITION, 0, ordinal);
      ordinal++;
      readFeatures(r);
      readLabel(r);
      row.setId(r.isNullAt(2) ? null : r.get(2));
      if (weightWhat != null) readWeight(r, weightAt);
      return true;
    }

    private void readWeight(Row r, int at) {
      if (r.isNullAt(at)) {
        row.fail(RowProblem.BAD_WEIGHT, weightWhat + " is null; expected a sample weight (a finite number >= 0)");
        row.setWeight(0f);
        return;
      }
      double v = r.getDouble(at);
      row.setWeight(ParsedRow.checkWeight(v, weightWhat, Double.toString(v), row));
    }

    private void readFeatures(Row r) {
      if (r.isNullAt(0)) {
        row.fail(RowProblem.MISSING_VALUE, "the features are null");
        return;
      }
      Object v = r.get(0);
      if (v instanceof DenseVector d) {
        double[] values = d.values();
        float[] x = row.featuresFor(values.length);
        for (int j = 0; j < values.length; j++) x[j] = checked((float) values[j], j);
        row.setWidth(values.length);
      } else if (v instanceof SparseVector s) {
        float[] x = row.featuresFor(s.size());
        java.util.Arrays.fill(x, 0, s.size(), 0f);
        int[] idx = s.indices();
        double[] values = s.values();
        for (int k = 0; k < idx.length; k++) x[idx[k]] = checked((float) values[k], idx[k]);
        row.setWidth(s.size());
      } else {
        List<Object> values = r.getList(0);
        float[] x = row.featuresFor(values.size());
        for (int j = 0; j < values.size(); j++) {
          Object e = values.get(j);
          if (e == null) {
            row.fail(RowProblem.MISSING_VALUE, "feature " + j + " is null; expected a number");
            x[j] = 0;
          } else {
            x[j] = checked(((Number) e).floatValue(), j);
          }
        }
        row.setWidth(values.size());
      }
    }

    private float checked(float v, int j) {
      if (!Float.isFinite(v)) row.fail(RowProblem.NOT_FINITE, "feature " + j + " is " + v + "; expected a finite number");
      return v;
    }

    private void readLabel(Row r) {
      if (mode == LabelMode.NONE) return;
      if (r.isNullAt(1)) {
        row.fail(RowProblem.MISSING_VALUE, "the label is null");
        return;
      }
      Object v = r.get(1);
      if (v instanceof Vector || v instanceof scala.collection.Seq || v instanceof List) {
        readTargets(v instanceof Vector vec ? vec.toArray() : null, v instanceof Vector ? null : r.getList(1));
      } else if (targets > 1) {
        row.fail(RowProblem.COLUMN_COUNT, "the label is " + v + "; expected " + targets + " values (a vector label)");
      } else if (mode.classes()) {
        if (v instanceof Number n && !Double.isFinite(n.doubleValue())) {
          row.fail(RowProblem.NOT_FINITE, "the label is " + n + "; expected a finite number");
          return;
        }
        String name = v instanceof Number n ? LabelMapping.canonical(n.doubleValue()) : LabelMapping.canonical(v.toString());
        if (name == null) row.fail(RowProblem.MISSING_VALUE, "the label is empty");
        row.setLabel(name);
      } else if (v instanceof Number n) {
        float t = n.floatValue();
        if (!Float.isFinite(t)) row.fail(RowProblem.NOT_FINITE, "the label is " + t + "; expected a finite number");
        row.setTarget(t);
      } else {
        row.setTarget(LabelValues.parse(v.toString(), "the label", row));
      }
    }

    /** Several targets, from a vector's values or an array's elements (exactly one of them non-null). */
    private void readTargets(double[] vector, List<Object> array) {
      int n = vector != null ? vector.length : array.size();
      if (n != targets) {
        row.fail(RowProblem.COLUMN_COUNT, "the label has " + n + " values; expected " + targets + " (as in the first row)");
        return;
      }
      for (int k = 0; k < n; k++) {
        Object e = vector != null ? null : array.get(k);
        if (vector == null && e == null) {
          row.fail(RowProblem.MISSING_VALUE, "label value " + k + " is null; expected a number");
          return;
        }
        float t = vector != null ? (float) vector[k] : ((Number) e).floatValue();
        if (!Float.isFinite(t)) {
          row.fail(RowProblem.NOT_FINITE, "label value " + k + " is " + t + "; expected a finite number");
          return;
        }
        if (mode == LabelMode.MULTI_LABEL && t != 0f && t != 1f) {
          row.fail(RowProblem.UNKNOWN_LABEL, "label value " + k + " is " + t + "; a multi-label output takes 0 or 1");
          return;
        }
        row.setTarget(k, t);
      }
    }

    @Override
    public ParsedRow row() {
      return row;
    }

    @Override
    public void close() {
    }
  }
}
