package org.sparkprop.spark;

import java.util.Locale;
import org.sparkprop.config.TrainConfig;

/**
 * Where a run's rounds and evaluations go, and why: as Spark jobs, or in the driver process over
 * the collected partitions (same bits, see {@link org.sparkprop.train.InProcessGradientSource}). {@code train.execution =
 * auto} picks the driver when the packed training data is at most {@code train.driverMaxBytes}.
 *
 * @param onDriver whether the rounds run in the driver process
 * @param reason   why, in the configuration's words
 */
public record Execution(boolean onDriver, String reason) {

  public static Execution decide(TrainConfig.Train train, PackedDataset data) {
    switch (train.execution()) {
      case SPARK: return new Execution(false, "train.execution = spark");
      case DRIVER: return new Execution(true, "train.execution = driver");
      default:
        long bytes = data.packedBytes();
        String size = String.format(Locale.ROOT, "packed training data %s", bytes(bytes));
        return bytes <= train.driverMaxBytes()
            ? new Execution(true, size + " <= train.driverMaxBytes " + bytes(train.driverMaxBytes()))
            : new Execution(false, size + " > train.driverMaxBytes " + bytes(train.driverMaxBytes()));
    }
  }

  /**
   * Where a Spark ML fit on a DataFrame reads, packs and trains: under {@code auto} when its rows
   * take at most {@code train.driverMaxBytes} packed, and under {@code driver}, the rows are
   * counted and collected (two jobs) and packed, scaled, regrouped and trained in the driver process (the
   * same partitions, hence the same bits); else by Spark jobs, as before, and the rounds then go
   * where {@link #decide} puts them.
   *
   * @param rows the DataFrame's rows; negative when it has more than {@code train.driverMaxBytes}
   *     holds packed (counted, not collected)
   * @param rowBytes bytes one packed row takes
   */
  public static Execution decideForFrame(TrainConfig.Train train, long rows, long rowBytes) {
    String inDriver = String.format(Locale.ROOT, "the DataFrame's %,d rows collected in one query, then packed,"
        + " scaled and trained in the driver process", rows);
    switch (train.execution()) {
      case SPARK: return new Execution(false, "train.execution = spark");
      case DRIVER: return new Execution(true, "train.execution = driver: " + inDriver);
      default:
        String limit = "train.driverMaxBytes " + bytes(train.driverMaxBytes());
        return rows >= 0 && rows * rowBytes <= train.driverMaxBytes()
            ? new Execution(true, "packed rows " + bytes(rows * rowBytes) + " <= " + limit + ": " + inDriver)
            : new Execution(false, String.format(Locale.ROOT, "more than %,d rows of %d packed bytes, over %s: packed"
                + " and cached by Spark jobs", train.driverMaxBytes() / rowBytes, rowBytes, limit));
    }
  }

  /**
   * "on the driver (packed training data 45.1 KiB <= train.driverMaxBytes 32.0 MiB)" or "as Spark jobs
   * (train.execution = spark)", for a sentence that starts "rounds run".
   */
  public String sentence() {
    return (onDriver ? "on the driver" : "as Spark jobs") + " (" + reason + ")";
  }

  /** "driver (packed training data 45.1 KiB <= train.driverMaxBytes 32.0 MiB)", as logs and summaries show it. */
  public String describe() {
    return (onDriver ? "driver" : "spark") + " (" + reason + ")";
  }

  private static String bytes(long n) {
    if (n < 1024) return n + " B";
    if (n < 1024L * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    return String.format(Locale.ROOT, "%.1f GiB", n / (1024.0 * 1024 * 1024));
  }
}
