package org.sparkprop.cli;

import org.sparkprop.app.ModelData;
import picocli.CommandLine.Option;

/**
 * Options shared by evaluate and predict: the model, the data, and how to read the data where it
 * differs from how the model's training data was read (saved in the model).
 */
final class DataOptions {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by train (local path or Hadoop URI).")
  String model;

  @Option(names = "--data", required = true, paramLabel = "URI",
      description = "Data: a file, a directory of part files or a glob, on any Hadoop file system.")
  String data;

  @Option(names = "--labels", paramLabel = "URI", description = "The IDX labels file (IDX data only).")
  String labels;

  @Option(names = "--header", arity = "1", paramLabel = "true|false",
      description = "CSV: whether files start with a header line (default: as in training).")
  Boolean header;

  @Option(names = "--delimiter", description = "CSV: the column separator (default: as in training).")
  String delimiter;

  @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV, Parquet: the label column (default: as in training).")
  String labelColumn;

  @Option(names = "--features-column", paramLabel = "NAME", description = "Parquet: the features column (default: as in training).")
  String featuresColumn;

  @Option(names = "--id-column", paramLabel = "NAME", description = "CSV with header, Parquet: the id column (default: as in training).")
  String idColumn;

  @Option(names = "--on-bad-row", paramLabel = "fail|skip", defaultValue = "fail",
      description = "fail (default): stop at the first bad row; skip: leave bad rows out, up to --max-bad-fraction.")
  String onBadRow;

  @Option(names = "--max-bad-fraction", defaultValue = "0.01",
      description = "With --on-bad-row skip: the largest fraction of bad rows tolerated (default 0.01).")
  double maxBadFraction;

  @Option(names = "--master", defaultValue = "local[*]", description = "Spark master when not set by spark-submit (default local[*]).")
  String master;

  @Option(names = "--partitions", defaultValue = "0", description = "Partitions to read the data in; 0 = Spark's default parallelism.")
  int partitions;

  ModelData request(String format) {
    if (!onBadRow.equals("fail") && !onBadRow.equals("skip")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--on-bad-row must be fail or skip, got '" + onBadRow + "'");
    }
    return new ModelData(model, data, format, labels, header, delimiter, labelColumn, featuresColumn, idColumn,
        onBadRow.equals("skip"), maxBadFraction, master, partitions);
  }
}
