package org.sparkprop.spark;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.sparkprop.config.TrainConfig;

/**
 * Where a run's rounds and evaluations go, and why: as Spark jobs, or in the driver process over
 * the partitions held there (same bits, see {@link org.sparkprop.train.InProcessGradientSource}),
 * on {@code threads} of its threads. {@code train.execution = auto} picks the driver
 * <ul>
 *   <li>in Spark's local mode, whatever the size, when the rows are kept in memory: the executors
 *       are then this JVM's threads, so the rounds run on as many of them (the local master's
 *       cores) over the cached blocks themselves ({@link PackedDataset#heldInJvm}), without a
 *       Spark job, and its scheduling, a round;</li>
 *   <li>on a cluster master, or with the rows on the local disks, when the packed training data is
 *       at most {@code train.driverMaxBytes} (collected to the driver; rounds on one thread).</li>
 * </ul>
 * {@code spark} forces Spark jobs; {@code driver} forces the driver.
 *
 * @param onDriver whether the rounds run in the driver process
 * @param threads  the driver threads a round's partitions are computed on (1 unless in local mode)
 * @param reason   why, in the configuration's words
 */
public record Execution(boolean onDriver, int threads, String reason) {
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?");

  /** One driver thread (off local mode, or for Spark jobs). */
  public Execution(boolean onDriver, String reason) {
    this(onDriver, 1, reason);
  }

  public static Execution decide(TrainConfig.Train train, PackedDataset data) {
    SparkContext sc = data.blocks().context();
    return decide(train, data.packedBytes(), sc.isLocal() ? localCores(sc.master()) : 0, sc.master(),
        data.placement().onDisk());
  }

  /**
   * The rule of {@link #decide(TrainConfig.Train, PackedDataset)}.
   *
   * @param localCores the local master's cores; 0 off local mode
   * @param onDisk     whether the rows are kept on the executors' local disks
   */
  static Execution decide(TrainConfig.Train train, long bytes, int localCores, String master, boolean onDisk) {
    int threads = Math.max(1, localCores);
    switch (train.execution()) {
      case SPARK: return new Execution(false, "train.execution = spark");
      case DRIVER: return new Execution(true, threads, "train.execution = driver");
      default:
        if (localCores > 0 && !onDisk) {
          return new Execution(true, threads, String.format(Locale.ROOT, "Spark's local mode (%s): its executors are"
              + " this JVM's threads, so the rounds run on %d of them over the cached blocks, without a Spark job a round",
              master, threads));
        }
        String size = String.format(Locale.ROOT, "packed training data %s", bytes(bytes));
        return bytes <= train.driverMaxBytes()
            ? new Execution(true, size + " <= train.driverMaxBytes " + bytes(train.driverMaxBytes()))
            : new Execution(false, size + " > train.driverMaxBytes " + bytes(train.driverMaxBytes()));
    }
  }

  /**
   * The cores a local master runs tasks on: 1 for {@code local}, N for {@code local[N]} and
   * {@code local[N,F]}, this machine's processors for {@code local[*]}.
   *
   * @throws IllegalArgumentException for a master that is not local
   */
  public static int localCores(String master) {
    Matcher m = LOCAL.matcher(master.trim());
    if (!m.matches()) throw new IllegalArgumentException("not a local master: " + master);
    if (m.group(1) == null) return 1;
    return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Math.max(1, Integer.parseInt(m.group(1)));
  }

  /**
   * Where a Spark ML fit on a DataFrame reads, packs and trains: under {@code auto} when its rows
   * take at most {@code train.driverMaxBytes} packed, and under {@code driver}, the rows are
   * counted and collected (one job, in general) and packed, scaled, regrouped and trained in the driver process (the
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
   * "on the driver (packed training data 45.1 KiB <= train.driverMaxBytes 32.0 MiB)", "on 2 driver
   * threads (Spark's local mode ...)" or "as Spark jobs (train.execution = spark)", for a sentence that
   * starts "rounds run".
   */
  public String sentence() {
    String where = !onDriver ? "as Spark jobs" : threads > 1 ? "on " + threads + " driver threads" : "on the driver";
    return where + " (" + reason + ")";
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
