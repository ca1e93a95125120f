package org.sparkprop.spark.input;

import org.sparkprop.spark.PackedDataset;
import org.sparkprop.spark.SparkErrors;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.spark.RowStore;
import org.sparkprop.data.BadRowReport;
import org.sparkprop.data.DataException;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.FeatureStats;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.BlockPacking;
import org.sparkprop.data.ClassWeights;
import org.sparkprop.data.RowRules;
import org.sparkprop.data.ScanStats;
import org.sparkprop.data.ScannedPartition;
import org.sparkprop.data.StagedCounts;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.data.ValidationSplit;

/**
 * Loads any {@link OpenedInput} into packed, cached partitions, in the same steps for every format:
 * <ol>
 *   <li>read (the one pass over the input): every partition parses its rows once, counts them (good
 *       rows, bad rows by reason, the first bad row, the distinct labels, the widest row) and packs
 *       its good rows into float32, kept (staged) on the executors; only the counts (and, without a
 *       validation split, the per-partition feature statistics) reach the driver, which decides: stop
 *       with the first bad row's message, or skip bad rows within data.maxBadFraction; fit the label
 *       mapping; the width; each partition's first global index, the prefix sum of the counts before
 *       it (so indices follow the input's order whatever the partitioning);
 *   <li>finish, on the kept rows without reading the input again: the first global index, the class
 *       indices and the width applied; with a validation split, the training rows' statistics that
 *       feature scaling is fitted from, per partition, merged in partition order;
 *   <li>distribute: the training (and validation) rows are scaled and regrouped into exactly
 *       {@code partitions} balanced blocks of contiguous global indices, each copying its rows out of
 *       the kept blocks it overlaps (a narrow dependency, no shuffle), unless the kept blocks already
 *       have that shape.
 * </ol>
 * Nothing but counts, labels and statistics reaches the driver.
 */
public final class InputLoader {
  private InputLoader() {
  }

  /** What a fail-fast bad-row message tells the user of the configuration to do. */
  public static final String CONFIG_BAD_ROW_ADVICE =
      "Fix the input, or set data.onBadRow = skip to leave bad rows out (up to data.maxBadFraction of them)";

  /** The same advice for the commands that take the policy as options ({@code evaluate}, {@code predict}). */
  public static final String OPTION_BAD_ROW_ADVICE =
      "Fix the input, or pass --on-bad-row skip to leave bad rows out (up to --max-bad-fraction of them)";

  /**
   * How to load.
   *
   * @param given the preprocessing to apply (test, evaluation data); null to fit it on these rows
   * @param scaling the feature scaling to fit when {@code given} is null
   * @param badRowAdvice what the message that stops at a bad row tells the user to do, in the
   *     words of the caller's settings (e.g. {@link #CONFIG_BAD_ROW_ADVICE})
   */
  public record Plan(boolean skipBadRows, double maxBadFraction, Preprocessing given, FeatureScaling.Method scaling,
              boolean scaleTarget, ValidationSplit split, PartitionSizing partitions, RowStore store, String badRowAdvice,
              ClassWeights classWeights) {
    public Plan {
      classWeights = classWeights == null ? ClassWeights.NONE : classWeights;
    }

    /** A plan without class weights. */
    public Plan(boolean skipBadRows, double maxBadFraction, Preprocessing given, FeatureScaling.Method scaling,
                boolean scaleTarget, ValidationSplit split, PartitionSizing partitions, RowStore store,
                String badRowAdvice) {
      this(skipBadRows, maxBadFraction, given, scaling, scaleTarget, split, partitions, store, badRowAdvice, null);
    }

    /** This plan with the training rows (not the validation rows) weighted by class as {@code cw} says. */
    public Plan withClassWeights(ClassWeights cw) {
      return new Plan(skipBadRows, maxBadFraction, given, scaling, scaleTarget, split, partitions, store, badRowAdvice, cw);
    }
  }

  /**
   * The loaded sets; {@code validation} is null without a validation split, and when the split
   * held out no row (the caller decides whether that is an error).
   */
  public record Result(PackedDataset main, PackedDataset validation, Preprocessing preprocessing, BadRowReport badRows,
                int width) {
  }

  /** What the scan found: the report, and per partition its good rows and their first global index. */
  public record Scanned(BadRowReport report, RowRules rules, int width, int[] counts, long[] starts, long rows) {
  }

  /**
   * The first step alone: scans every row, applies the bad-row policy (throwing the first bad row's
   * message, or printing what is skipped), fits the classes if they are not known, and fixes the width.
   */
  public static Scanned scan(OpenedInput input, Plan plan, PrintStream console) {
    RowRules scanRules = input.rules();
    List<ScanStats> scans = SparkErrors.reading(input.name(),
        () -> input.cursors().map(c -> ScanStats.scan(c, scanRules)).collect());
    return decide(input, scans, plan, console);
  }

  /**
   * What the driver decides from every partition's counts, in partition order: the bad-row policy
   * (throwing the first bad row's message, or printing what is skipped), the classes if they are
   * not known, the width, and each partition's first global index.
   */
  private static Scanned decide(OpenedInput input, List<ScanStats> scans, Plan plan, PrintStream console) {
    String name = input.name();
    BadRowReport report = BadRowReport.of(name, scans);
    checkBadRows(report, plan);
    if (report.badRows() > 0) console.println(report.skippedLine());
    if (report.goodRows() == 0) {
      throw new DataException(name + " holds no rows" + (report.badRows() > 0
          ? " that can be used: all " + report.badRows() + " are bad (" + report.reasons() + ")"
          : input.schema().fromFiles() ? ": its files are empty (or hold only a header)" : ""));
    }

    RowRules rules = input.rules();
    if (rules.labels().classes() && rules.mapping() == null) rules = rules.withMapping(fitLabels(name, scans, rules.labels()));
    int width = rules.width() > 0 ? rules.width() : scans.stream().mapToInt(ScanStats::maxWidth).max().orElse(0);
    if (width == 0) throw new DataException(name + ": no row has a feature; expected at least one feature per row");

    int partitionCount = scans.size();
    int[] counts = new int[partitionCount];
    long[] starts = new long[partitionCount];
    long next = 0;
    for (int p = 0; p < partitionCount; p++) {
      long good = scans.get(p).goodRows();
      if (good > Integer.MAX_VALUE) throw new DataException(name + ": partition " + p + " has more than 2^31 rows; use more partitions");
      counts[p] = (int) good;
      starts[p] = next;
      next += good;
    }
    return new Scanned(report, rules, width, counts, starts, next);
  }

  /**
   * Loads in one read of the input: every partition counts and packs its rows in the same task
   * ({@link ScannedPartition}), the packed rows are kept, and only their counts, labels and (without
   * a validation split) feature statistics reach the driver; the first global indices and the class
   * mapping are applied to the kept rows afterwards. The rows, their order and the statistics (merged
   * in partition order) are those of counting first and packing in a second read.
   */
  public static Result load(OpenedInput input, Plan plan, PrintStream console) {
    String name = input.name();
    ValidationSplit split = plan.split();
    Preprocessing given = plan.given();
    boolean scaleWhilePacking = given != null && !split.active();
    boolean fit = given == null;
    RowRules readRules = input.rules();
    // Without a split every row is a training row: their statistics come with the read, when the
    // scaling needs them (two passes over every value: most of reading an image set that is only
    // divided by 255).
    boolean statsWhileReading = fit && !split.active() && readRules.width() > 0 && needsStats(plan, readRules.labels());
    JavaRDD<ScannedPartition> read = input.cursors().map(c -> ScannedPartition.read(c, readRules, statsWhileReading));
    read.setName("sparkprop staged " + name);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(read.context());
    // Kept where the rows will go, as far as it can be told before reading them: rows bound for
    // the local disks are staged on disk, never first cached in the storage memory they do not fit.
    read.persist(stagingStore(plan.store(), jsc, input.bytes()).stagingLevel());
    try {
      List<ScannedPartition> summaries = SparkErrors.reading(name, () -> read.map(ScannedPartition::summary).collect());
      List<ScanStats> scans = summaries.stream().map(ScannedPartition::scan).toList();
      Scanned scanned = decide(input, scans, plan, console);
      return pack(read, summaries, scanned, plan, scaleWhilePacking, statsWhileReading, name);
    } finally {
      read.unpersist(false);
    }
  }

  /**
   * Where the rows of an input of {@code inputBytes} are staged while it is read: the store's own
   * choice when it is fixed; for {@code auto}, decided from the input's bytes as the estimate of its
   * packed size (text of a few digits per value packs into fewer bytes, so the estimate errs towards
   * the disk); in memory when the size is unknown (tables handed to the API), where Spark writes to
   * disk what does not fit. The rows' place itself is decided from their packed size once read.
   */
  static RowStore stagingStore(RowStore store, JavaSparkContext sc, long inputBytes) {
    if (store.decided() != null || store.choice() != RowStore.Choice.AUTO || inputBytes <= 0) return store;
    return store.decidedFor(sc, inputBytes);
  }

  private static Result pack(JavaRDD<ScannedPartition> read, List<ScannedPartition> summaries, Scanned scanned, Plan plan,
                             boolean scaleWhilePacking, boolean statsWhileReading, String name) {
    BadRowReport report = scanned.report();
    RowRules rules = scanned.rules();
    int width = scanned.width();
    long[] starts = scanned.starts();
    long next = scanned.rows();
    ValidationSplit split = plan.split();
    Preprocessing given = plan.given();
    boolean fit = given == null;
    RowRules packRules = rules;
    int w = width;
    boolean stats = fit && needsStats(plan, rules.labels()); // plan.scaling() is unused (may be unset) when given
    JavaRDD<PackedBlock> staged = read.mapPartitionsWithIndex((p, it) -> {
      PackedBlock b = it.next().finish(starts[p], w, packRules, scaleWhilePacking);
      if (scaleWhilePacking) given.applyTo(b);
      return Collections.singletonList(b).iterator();
    }, true);
    RowStore store = plan.store().decidedFor(JavaSparkContext.fromSparkContext(staged.context()),
        4L * next * (width + rules.targets()));

    List<StagedCounts> staging;
    if (statsWhileReading || (!fit && !split.active())) {
      staging = new ArrayList<>(summaries.size());
      for (ScannedPartition s : summaries) {
        StagedCounts c = new StagedCounts();
        c.trainRows = (int) s.scan().goodRows();
        c.stats = s.stats();
        staging.add(c);
      }
    } else {
      staging = SparkErrors.reading(name, () -> staged.map(b -> {
        StagedCounts c = new StagedCounts();
        c.validationRows = BlockPacking.count(b, split::isValidation);
        c.trainRows = b.rows - c.validationRows;
        if (fit && stats) c.stats = FeatureStats.of(b, i -> !split.isValidation(i));
        return c;
      }).collect());
    }

    Preprocessing prep = given;
    if (fit) {
      FeatureStats total = new FeatureStats(width);
      for (StagedCounts c : staging) {
        if (c.stats != null) total.merge(c.stats); // partition order: reproducible
      }
      boolean classes = rules.labels().classes();
      prep = new Preprocessing(FeatureScaling.fit(plan.scaling(), total),
          scalesTarget(plan, rules.labels()) ? TargetScaling.fit(total)
              : TargetScaling.IDENTITY, // 0/1 labels of a multi-label set stay 0/1 for their sigmoids
          classes ? rules.mapping() : null);
    }
    Preprocessing toApply = scaleWhilePacking ? null : prep;
    int classes = prep.classification() ? prep.labels().classes() : 0;
    int[] trainCounts = staging.stream().mapToInt(c -> c.trainRows).toArray();
    int[] validationCounts = staging.stream().mapToInt(c -> c.validationRows).toArray();
    long held = java.util.Arrays.stream(validationCounts).asLongStream().sum();
    if (held == next) {
      throw new DataException(String.format(Locale.ROOT, "the validation split (fraction %s) holds out all %,d rows of %s:"
          + " no training row is left", split.fraction(), next, name));
    }
    float[] classWeights = classWeights(plan.classWeights(), staged, split, prep, name);
    PackedDataset main = distribute(staged, split, false, trainCounts, toApply, classWeights, plan.partitions(), width,
        rules.targets(), store, classes, name);
    PackedDataset validation = null;
    if (held > 0) {
      validation = distribute(staged, split, true, validationCounts, toApply, null, plan.partitions(), width,
          rules.targets(), store, classes, name + " (validation rows)");
    }
    return new Result(main, validation, prep, report, width);
  }

  /**
   * Whether fitting the preprocessing reads the training rows' statistics: a fitted feature scaling
   * (standard, minmax) does, and so does a scaled regression target; none and divide_by_255 alone
   * do not, and then no statistics are computed.
   */
  static boolean needsStats(Plan plan, LabelMode labels) {
    return plan.scaling().fitted() || scalesTarget(plan, labels);
  }

  private static boolean scalesTarget(Plan plan, LabelMode labels) {
    return !labels.classes() && labels != LabelMode.MULTI_LABEL && plan.scaleTarget();
  }

  private static void checkBadRows(BadRowReport report, Plan plan) {
    if (report.badRows() == 0) return;
    if (!plan.skipBadRows()) {
      throw new DataException("bad input in " + report.input() + ": " + report.firstBadRow()
          + (report.badRows() > 1 ? String.format(Locale.ROOT, " (%,d bad rows in all: %s)", report.badRows(), report.reasons()) : "")
          + ". " + plan.badRowAdvice());
    }
    if (report.badFraction() > plan.maxBadFraction()) {
      throw new DataException(String.format(Locale.ROOT, "%s: %,d of %,d rows (%.2f%%) are bad, more than"
              + " data.maxBadFraction = %s allows: %s; first: %s", report.input(), report.badRows(), report.rows(),
          100 * report.badFraction(), plan.maxBadFraction(), report.reasons(), report.firstBadRow()));
    }
  }

  private static LabelMapping fitLabels(String name, List<ScanStats> scans, LabelMode mode) {
    TreeSet<String> all = new TreeSet<>();
    for (ScanStats s : scans) {
      if (!s.tooManyLabels()) all.addAll(List.of(s.labels()));
      if (s.tooManyLabels() || all.size() > LabelMapping.MAX_CLASSES) {
        throw new DataException(name + ": the label column holds more than " + LabelMapping.MAX_CLASSES
            + " distinct values; is it a regression target? Then use model.loss = mse or mae");
      }
    }
    if (mode == LabelMode.CLASS_INDICES) {
      // The rows' checks let only indices through; a single class seen still makes two (softmax needs two outputs).
      int largest = all.stream().mapToInt(LabelMapping::classIndex).max().orElse(0);
      return LabelMapping.indices(Math.max(2, largest + 1));
    }
    LabelMapping mapping = LabelMapping.fit(all);
    if (mapping.classes() < 2) {
      throw new DataException(name + ": every row has the label " + mapping.name(0)
          + "; classification needs at least 2 classes (is data.labelColumn the right column?)");
    }
    return mapping;
  }

  /**
   * The weight of each class index for the training rows, or null without class weights (or for
   * regression); balanced weights count the classes of the training side of the split.
   */
  private static float[] classWeights(ClassWeights cw, JavaRDD<PackedBlock> staged, ValidationSplit split,
                                      Preprocessing prep, String name) {
    if (cw.none() || !prep.classification()) return null;
    int k = prep.labels().classes();
    long[] perClass = new long[k];
    if (cw.kind() == ClassWeights.Kind.BALANCED) {
      List<long[]> counts = SparkErrors.reading(name, () -> staged.map(b -> {
        long[] c = new long[k];
        for (int r = 0; r < b.rows; r++) {
          if (!split.isValidation(b.firstIndex + r)) c[(int) b.y[r * b.targetWidth]]++;
        }
        return c;
      }).collect());
      for (long[] c : counts) {
        for (int i = 0; i < k; i++) perClass[i] += c[i];
      }
    }
    return cw.resolve(perClass, name);
  }

  /**
   * The rows of the staged blocks on one side of the split, scaled, as {@code partitions}
   * balanced blocks: target block q holds global rows [n q / P, n (q + 1) / P) of that side.
   */
  private static PackedDataset distribute(JavaRDD<PackedBlock> staged, ValidationSplit split, boolean validationSide,
                                        int[] counts, Preprocessing prep, float[] classWeights, PartitionSizing partitions,
                                        int width, int targetWidth, RowStore level, int classes, String description) {
    long total = 0;
    long[] newStarts = new long[counts.length];
    for (int p = 0; p < counts.length; p++) {
      newStarts[p] = total;
      total += counts[p];
    }
    long n = total;
    int targets = partitions.count(n, width + targetWidth);
    boolean aligned = staged.getNumPartitions() == targets;
    for (int p = 0; aligned && p < counts.length; p++) {
      aligned = newStarts[p] == n * p / targets && counts[p] == n * (p + 1) / targets - n * p / targets;
    }
    boolean selectAll = !split.active();
    if (aligned && selectAll && prep == null && classWeights == null) {
      return PackedDataset.cache(staged, n, width, targetWidth, classes, description, level);
    }
    // Each target block copies its rows out of the staged blocks it overlaps (kept where they are):
    // a narrow dependency, no shuffle of the rows through serialised files.
    JavaRDD<PackedBlock> blocks = new Regrouped(staged.rdd(), split, validationSide, counts, targets, width, targetWidth,
        prep, classWeights).toJavaRDD();
    return PackedDataset.cache(blocks, n, width, targetWidth, classes, description, level);
  }
}
