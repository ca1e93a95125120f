package org.sparkprop.spark.input;

import org.sparkprop.spark.SparkErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.sparkprop.data.CsvLineParser;
import org.sparkprop.data.DataException;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.LibSvmLineParser;
import org.sparkprop.data.ParsedRow;
import org.sparkprop.data.PartitionReader;
import org.sparkprop.data.RowRules;

/**
 * Opens an input of any supported file format as a {@link OpenedInput}, reading on the driver only
 * what is metadata: file listings, a CSV header (or first line, to count columns), IDX headers,
 * a Parquet schema and the width of its first vector.
 */
public final class InputOpener {
  private InputOpener() {
  }

  /**
   * @param key the configuration key or option naming the input ("data.train", "--data")
   * @param labelsKey and {@code labelsUri}: the IDX labels file (idx only; labelsUri may be empty without labels)
   * @param settings the format and its options (header, delimiter, label, features and id columns, LibSVM width)
   */
  public static OpenedInput open(SparkSession spark, String key, String uri, String labelsKey, String labelsUri,
                       InputSchema settings, LabelMode mode, int partitions) {
    return open(spark, key, uri, labelsKey, labelsUri, settings, mode, partitions, 0);
  }

  /**
   * @param expectedFeatures the model's input width when reading for prediction (0 otherwise):
   *     a headerless CSV with that many feature columns has no label column to skip
   */
  public static OpenedInput open(SparkSession spark, String key, String uri, String labelsKey, String labelsUri,
                       InputSchema settings, LabelMode mode, int partitions, int expectedFeatures) {
    String name = key + " = '" + uri + "'";
    if (settings.weighted() && (settings.format().equals("libsvm") || settings.format().equals("idx"))) {
      throw new DataException("data.weightColumn = '" + settings.weightColumn() + "': data.format = " + settings.format()
          + " has no columns to take sample weights from; weights are read from csv, parquet and DataFrames");
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = sc.hadoopConfiguration();
    switch (settings.format()) {
      case "csv":
        return csv(sc, name, key, uri, settings, mode, partitions, expectedFeatures);
      case "libsvm": {
        List<FileStatus> files = InputFiles.expand(key, uri, conf);
        LibSvmLineParser parser = new LibSvmLineParser(settings.features(), mode);
        TextRows.LineParser lines = new TextRows.LineParser() {
          private static final long serialVersionUID = 1L;

          @Override
          public boolean isEmpty(String line) {
            return LibSvmLineParser.isEmpty(line);
          }

          @Override
          public void parse(String line, ParsedRow row) {
            parser.parse(line, row);
          }
        };
        RowRules rules = new RowRules(mode, null, settings.features(), false, "data.features = " + settings.features());
        return new OpenedInput(name, TextRows.cursors(sc, files, partitions, lines, null, null), rules,
            settings.withFormat("libsvm"), null).withBytes(bytes(files));
      }
      case "idx": {
        FileStatus images = InputFiles.single(key, uri, conf);
        boolean withLabels = mode != LabelMode.NONE;
        if (withLabels && (labelsUri == null || labelsUri.isEmpty())) {
          throw new DataException(key + " is an IDX images file; its labels file is needed too (" + labelsKey + ")");
        }
        FileStatus labels = withLabels ? InputFiles.single(labelsKey, labelsUri, conf) : null;
        IdxRows.Headers headers = IdxRows.headers(conf, key, images, labelsKey, labels);
        int width = headers.images().valuesPerRecord();
        RowRules rules = new RowRules(mode, null, width, true, "the IDX header's record shape");
        JavaRDD<PartitionReader> cursors = IdxRows.cursors(sc, images.getPath(), labels == null ? null : labels.getPath(),
            headers, mode, partitions);
        return new OpenedInput(name + (withLabels ? " with labels " + labelsKey + " = '" + labelsUri + "'" : ""), cursors,
            rules, settings.withFormat("idx").withFeatures(width, null), null)
            .withBytes(images.getLen() + (labels == null ? 0 : labels.getLen()));
      }
      case "parquet": {
        List<FileStatus> files = InputFiles.expand(key, uri, conf);
        String[] paths = files.stream().map(f -> f.getPath().toString()).toArray(String[]::new);
        Dataset<Row> df = SparkErrors.reading(name, () -> spark.read().parquet(paths));
        return table(df, name, settings.withFormat("parquet"), mode, true, weightRequired(key)).withBytes(bytes(files));
      }
      default:
        throw new IllegalArgumentException("data.format = " + settings.format() + " is not read from files");
    }
  }

  /** Any table: Parquet files, or a {@code Dataset<Row>} handed to the API ({@code located} false). */
  static OpenedInput table(Dataset<Row> df, String name, InputSchema settings, LabelMode mode, boolean located) {
    return table(df, name, settings, mode, located, true);
  }

  /** @param weightRequired whether a weight column that {@code settings} names must be in the table */
  static OpenedInput table(Dataset<Row> df, String name, InputSchema settings, LabelMode mode, boolean located,
                           boolean weightRequired) {
    TableRows.Layout layout = TableRows.layout(df, name, settings.featuresColumn(), settings.labelColumn(),
        settings.labelColumns(), settings.idColumn(), settings.weightColumn(), weightRequired, mode, located);
    // Several label columns or a vector label make several targets; 0/1 labels when classes were asked for.
    LabelMode labels = layout.mode();
    RowRules rules = TableRows.rules(layout);
    return new OpenedInput(name, TableRows.cursors(layout, labels), rules,
        settings.withFeatures(layout.width(), layout.featureNames()), layout.hasId() ? layout.idType() : null);
  }

  private static OpenedInput csv(JavaSparkContext sc, String name, String key, String uri, InputSchema settings,
                              LabelMode mode, int partitions, int expectedFeatures) {
    List<FileStatus> files = InputFiles.expand(key, uri, sc.hadoopConfiguration());
    String first = TextRows.firstLine(sc.hadoopConfiguration(), files, key);
    if (first == null) throw new DataException(name + " holds no rows: every file is empty");
    String delimiter = settings.delimiter();
    List<String> fields = CsvLineParser.fieldsOf(first, delimiter);
    if (fields == null) {
      throw new DataException(files.get(0).getPath() + ", line 1: " + ParsedRow.quote(first) + " is not valid CSV (unbalanced quotes)");
    }
    List<String> names = settings.header() ? fields : null;
    int columns = fields.size();
    List<String> labelNames = settings.severalLabelColumns() ? settings.labelColumns() : List.of(settings.labelColumn());
    int[] labelIndices = new int[labelNames.size()];
    int found = 0;
    for (String label : labelNames) {
      int i = column(label, names, columns, key, settings.severalLabelColumns() ? "data.labelColumns" : "data.labelColumn",
          mode != LabelMode.NONE, files.get(0).getPath().toString());
      if (i >= 0) labelIndices[found++] = i;
    }
    labelIndices = java.util.Arrays.copyOf(labelIndices, found);
    int labelIndex = labelIndices.length == 0 ? -1 : labelIndices[0];
    int idIndex = names == null || settings.idColumn() == null ? -1 : names.indexOf(settings.idColumn());
    for (int i : labelIndices) {
      if (idIndex == i) idIndex = -1;
    }
    int weightIndex = -1;
    if (settings.weighted()) {
      String firstFile = files.get(0).getPath().toString();
      weightIndex = column(settings.weightColumn(), names, columns, key, "data.weightColumn", weightRequired(key),
          firstFile);
      boolean isLabel = false;
      for (int i : labelIndices) isLabel |= weightIndex == i;
      if (weightIndex >= 0 && (isLabel || weightIndex == idIndex)) {
        throw new DataException("data.weightColumn = '" + settings.weightColumn() + "' is also the "
            + (isLabel ? "label" : "id") + " column of " + firstFile + "; the weights need a column of their own");
      }
    }
    int weightCols = weightIndex >= 0 ? 1 : 0;
    if (mode == LabelMode.NONE && labelIndex >= 0 && columns - (idIndex >= 0 ? 1 : 0) - weightCols == expectedFeatures) {
      labelIndices = new int[0]; // prediction input without the label columns
    }
    if (columns - labelIndices.length - (idIndex >= 0 ? 1 : 0) - weightCols < 1) {
      throw new DataException(files.get(0).getPath() + ", line 1: found " + columns + " column(s) with delimiter "
          + ParsedRow.quote(delimiter) + ", leaving no feature column; is data.delimiter right?");
    }
    CsvLineParser parser = new CsvLineParser(delimiter, columns, labelIndices, idIndex, weightIndex, names, mode);
    TextRows.LineParser lines = new TextRows.LineParser() {
      private static final long serialVersionUID = 1L;

      @Override
      public boolean isEmpty(String line) {
        return line.isBlank();
      }

      @Override
      public void parse(String line, ParsedRow row) {
        parser.parse(line, row);
      }
    };
    RowRules rules = new RowRules(mode, null, parser.features(), true, "the column count").withWeights(weightIndex >= 0);
    if (mode != LabelMode.NONE && labelIndices.length > 1) rules = rules.withTargets(labelIndices.length);
    JavaRDD<PartitionReader> cursors = TextRows.cursors(sc, files, partitions, lines, settings.header() ? first : null,
        files.get(0).getPath().toString());
    return new OpenedInput(name, cursors, rules, settings.withFormat("csv").withFeatures(parser.features(), parser.featureNames()),
        idIndex >= 0 ? DataTypes.StringType : null).withBytes(bytes(files));
  }

  private static long bytes(List<FileStatus> files) {
    long n = 0;
    for (FileStatus f : files) n += f.getLen();
    return n;
  }

  /**
   * Whether the weight column must be in the input named by {@code key}: in training inputs
   * (data.train, data.test) it must; in data given to evaluate or predict (--data) it is used when
   * there (evaluation is then weighted) and ignored when not, as predictions need no weights.
   */
  static boolean weightRequired(String key) {
    return !key.startsWith("--");
  }

  /** A column given by 0-based index or by header name; -1 when optional and absent. */
  private static int column(String given, List<String> names, int columns, String key, String option, boolean required,
                            String firstFile) {
    if (given != null && given.matches("\\d{1,9}")) {
      int i = Integer.parseInt(given);
      if (i >= columns) {
        if (!required) return -1;
        throw new DataException(option + " = " + i + " but " + firstFile + " has " + columns
            + " columns (indices 0 to " + (columns - 1) + ")");
      }
      return i;
    }
    if (names == null) {
      if (!required) return -1;
      throw new DataException(option + " = '" + given + "' is a column name, but data.header = false so " + key
          + " has no names; give a 0-based column index instead");
    }
    int i = names.indexOf(given);
    if (i < 0 && required) {
      List<String> shown = names.size() > 12 ? new ArrayList<>(names.subList(0, 12)) : names;
      throw new DataException(option + " = '" + given + "' is not a column of " + firstFile + "; its header has "
          + names.size() + " columns: " + shown + (names.size() > 12 ? "..." : ""));
    }
    return i;
  }
}
