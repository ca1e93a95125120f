package org.sparkprop.spark.input;

import org.sparkprop.spark.PackedDataset;
import java.io.PrintStream;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.Attribute$;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.spark.RowStore;
import org.sparkprop.spark.SparkErrors;
import org.sparkprop.data.BadRowReport;
import org.sparkprop.data.ClassWeights;
import org.sparkprop.data.HeldPartitions;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.RowRules;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.ValidationSplit;

/**
 * A Spark table loaded for training or evaluation through the same pipeline as files (see
 * {@link InputLoader}): packed, scaled, split, with its fitted preprocessing and its bad-row report.
 * The Spark ML estimators read their DataFrame here too ({@link Options#sparkMl}): rows are numbered
 * in the DataFrame's order and held out for validation by that global number, as for files, so the
 * same rows give the same sets however the DataFrame is partitioned.
 *
 * @param validation null without a validation split, or when the split held out no row
 */
public record FrameData(PackedDataset data, PackedDataset validation, Preprocessing preprocessing, BadRowReport badRows,
                        InputSchema schema) {

  /**
   * How to read the table.
   *
   * @param idCol a column never used as a feature (may be null)
   * @param labels CLASSES or VALUES
   * @param classes for CLASSES: the class names by index, or null to fit them on the rows (sorted,
   *     numbers by value)
   * @param scaling fitted on the (training) rows
   * @param scaleTarget standardise a regression target
   */
  public record Options(String featuresCol, String labelCol, String idCol, LabelMode labels, LabelMapping classes,
                        FeatureScaling.Method scaling, boolean scaleTarget, boolean skipBadRows, double maxBadFraction,
                        ValidationSplit split, PartitionSizing partitions, RowStore store, String weightCol,
                        ClassWeights classWeights) {
    public Options {
      weightCol = weightCol == null || weightCol.isEmpty() ? null : weightCol;
      classWeights = classWeights == null ? ClassWeights.NONE : classWeights;
    }

    /** Options without sample or class weights. */
    public Options(String featuresCol, String labelCol, String idCol, LabelMode labels, LabelMapping classes,
                   FeatureScaling.Method scaling, boolean scaleTarget, boolean skipBadRows, double maxBadFraction,
                   ValidationSplit split, PartitionSizing partitions, RowStore store) {
      this(featuresCol, labelCol, idCol, labels, classes, scaling, scaleTarget, skipBadRows, maxBadFraction, split,
          partitions, store, null, null);
    }

    /**
     * These options with sample weights from {@code weightCol} (null or "" for none; a column the
     * table lacks is an error) and, when fitting, the training rows weighted by class as {@code cw} says.
     */
    public Options withWeights(String weightColumn, ClassWeights cw) {
      return new Options(featuresCol, labelCol, idCol, labels, classes, scaling, scaleTarget, skipBadRows,
          maxBadFraction, split, partitions, store, weightColumn, cw);
    }

    /** Fail-fast, no scaling, no split: the plainest load. */
    public static Options plain(String featuresCol, String labelCol, LabelMapping classes, PartitionSizing partitions,
                                StorageLevel level) {
      return new Options(featuresCol, labelCol, null, classes == null ? LabelMode.VALUES : LabelMode.CLASSES, classes,
          FeatureScaling.Method.NONE, false, false, 0, ValidationSplit.none(), partitions, RowStore.memory(level));
    }

    /**
     * As Spark ML's estimators read their input: features from a vector column, fail-fast, no
     * scaling (a pipeline scales before the estimator); for a classifier the label is a class
     * index 0, 1, ..., k-1, where k is what the label column's ML attribute declares (StringIndexer
     * writes one) or else one more than the largest label, at least 2; for a regressor a finite number,
     * standardised while training when {@code scaleTarget}.
     */
    public static Options sparkMl(String featuresCol, String labelCol, boolean classifier, boolean scaleTarget,
                                  ValidationSplit split, PartitionSizing partitions, RowStore store) {
      return new Options(featuresCol, labelCol, null, classifier ? LabelMode.CLASS_INDICES : LabelMode.VALUES, null,
          FeatureScaling.Method.NONE, !classifier && scaleTarget, false, 0, split, partitions, store);
    }
  }

  /** What a message that stops at a bad row of a DataFrame tells the user to do. */
  public static final String BAD_ROW_ADVICE = "Fix or filter out the DataFrame's bad rows";

  /** Drops the cached sets. */
  public void unpersist() {
    data.unpersist();
    if (validation != null) validation.unpersist();
  }

  /** Loads {@code df}, fitting scaling (and classes, unless given) on its training rows. */
  public static FrameData fit(Dataset<Row> df, Options o, PrintStream console) {
    return load(df, o, null, console);
  }

  /**
   * Loads {@code df} with a model's preprocessing: rows are scaled with it and must have its width
   * and classes; {@code o.scaling}, {@code o.classes} and {@code o.split} are not used.
   */
  public static FrameData apply(Dataset<Row> df, Options o, Preprocessing given, PrintStream console) {
    return load(df, o, given, console);
  }

  private static FrameData load(Dataset<Row> df, Options o, Preprocessing given, PrintStream console) {
    if (o.labels() == LabelMode.NONE) throw new IllegalArgumentException("training and evaluation need labels");
    InputSchema settings = new InputSchema("dataframe", 0, null, false, ",", o.labelCol(), o.featuresCol(), o.idCol(),
        o.weightCol());
    OpenedInput input = InputOpener.table(df, "the DataFrame", settings, o.labels(), false);
    InputLoader.Plan plan;
    if (given != null) {
      input = DataSets.expecting(input, given.features().features(), given.labels(), "the model");
      plan = new InputLoader.Plan(o.skipBadRows(), o.maxBadFraction(), given, o.scaling(), false, ValidationSplit.none(),
          o.partitions(), o.store(), BAD_ROW_ADVICE);
    } else {
      LabelMapping classes = o.classes() != null || o.labels() != LabelMode.CLASS_INDICES ? o.classes()
          : declaredClasses(df.schema().apply(o.labelCol()));
      if (classes != null) {
        input = input.withRules(input.rules().withMapping(classes), input.schema());
      }
      plan = new InputLoader.Plan(o.skipBadRows(), o.maxBadFraction(), null, o.scaling(), o.scaleTarget(), o.split(),
          o.partitions(), o.store(), BAD_ROW_ADVICE, o.classWeights());
    }
    PrintStream out = console == null ? new PrintStream(PrintStream.nullOutputStream()) : console;
    InputLoader.Result r = InputLoader.load(input, plan, out);
    return new FrameData(r.main(), r.validation(), r.preprocessing(), r.badRows(),
        input.schema().withFeatures(r.width(), input.schema().featureNames()));
  }

  /**
   * A table opened for fitting in the driver process: its columns chosen and checked and its rules
   * fixed as {@link #fit} fixes them (one small job reads the first row's width, unless the features column's ML
   * attributes declare its size), before any row is read, so that the caller can bound the rows by their packed size
   * ({@link #rowBytes}) and bring them to the driver ({@link #collect}) to scan, pack, scale and regroup them there
   * with the same code over the same partitions.
   */
  public static final class DriverTable {
    private final TableRows.Layout layout;
    private final String name;
    private final RowRules rules;
    private final InputSchema schema;

    private DriverTable(TableRows.Layout layout, String name, RowRules rules, InputSchema schema) {
      this.layout = layout;
      this.name = name;
      this.rules = rules;
      this.schema = schema;
    }

    /** How messages name the table. */
    public String name() {
      return name;
    }

    /** The rules its rows must pass, with the classes the label column declares when it declares them. */
    public RowRules rules() {
      return rules;
    }

    public InputSchema schema() {
      return schema;
    }

    /** Bytes one packed row takes: (features + targets) x 4. */
    public long rowBytes() {
      return 4L * (layout.width() + rules.targets());
    }

    /**
     * Every partition's rows on the driver, in partition order, when the table has at most
     * {@code maxRows} rows (counted first, per partition); else null, no row collected.
     */
    public Collected collect(long maxRows) {
      return SparkErrors.reading(name, () -> TableRows.collect(layout, layout.mode(), maxRows));
    }
  }

  /** A table's rows collected on the driver: its partitions, and how many rows they hold. */
  public record Collected(HeldPartitions partitions, long rows) {
  }

  /**
   * {@code df} opened as {@link #fit} opens it with options {@code o}, for loading in the driver
   * process (see {@link DriverTable}).
   */
  public static DriverTable forDriver(Dataset<Row> df, Options o) {
    if (o.labels() == LabelMode.NONE) throw new IllegalArgumentException("training and evaluation need labels");
    InputSchema settings = new InputSchema("dataframe", 0, null, false, ",", o.labelCol(), o.featuresCol(), o.idCol(),
        o.weightCol());
    String name = "the DataFrame";
    TableRows.Layout layout = TableRows.layout(df, name, settings.featuresColumn(), settings.labelColumn(),
        settings.labelColumns(), settings.idColumn(), settings.weightColumn(), true, o.labels(), false);
    RowRules rules = TableRows.rules(layout);
    LabelMapping classes = o.classes() != null || o.labels() != LabelMode.CLASS_INDICES ? o.classes()
        : declaredClasses(df.schema().apply(o.labelCol()));
    if (classes != null) rules = rules.withMapping(classes);
    return new DriverTable(layout, name, rules, settings.withFeatures(layout.width(), layout.featureNames()));
  }

  /**
   * The class indices the label column's ML attribute declares (StringIndexer writes one), at least
   * two (softmax needs two outputs); null when it declares none.
   */
  private static LabelMapping declaredClasses(StructField label) {
    // Only a numeric column can carry a class attribute (Spark refuses to read one off a vector or an array label,
    // which holds several 0/1 labels: a multi-label fit).
    if (!(label.dataType() instanceof org.apache.spark.sql.types.NumericType)) return null;
    Attribute attribute = Attribute$.MODULE$.fromStructField(label);
    int declared = 0;
    if (attribute instanceof BinaryAttribute) declared = 2;
    if (attribute instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
      declared = (Integer) nominal.getNumValues().get();
    }
    return declared > 0 ? LabelMapping.indices(Math.max(2, declared)) : null;
  }

  /**
   * Packs any Spark table for training or evaluation: features from {@code featuresCol} (an ML
   * vector or an array of numbers; if the table has no such column, every numeric column but the
   * label), the label from {@code labelCol}. With a {@code mapping} the labels are class names
   * (numbers are canonicalised: 1.0 is class "1"; Spark ML's 0.0 .. k-1 labels fit
   * {@link LabelMapping#indices}), and a label outside it is an error; without one (null) the label
   * is a regression value. No scaling; a bad row (null, NaN, wrong vector size, unknown label)
   * stops with a message naming its partition and row. The result has exactly
   * {@code min(partitions, rows)} partitions of contiguous global row indices, cached at
   * {@code level} and materialised. For fitted scaling and label mapping, skipping of bad rows
   * and a validation split, use {@link #fit} and {@link #apply}.
   */
  public static PackedDataset packed(Dataset<Row> df, String featuresCol, String labelCol, LabelMapping mapping,
                                            int partitions, StorageLevel level) {
    return fit(df, FrameData.Options.plain(featuresCol, labelCol, mapping, PartitionSizing.fixed(partitions), level), null).data();
  }
}
