package org.sparkprop.driver;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.sparkprop.spark.input.InputFiles;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.BadRowReport;
import org.sparkprop.data.BlockPacking;
import org.sparkprop.data.ClassWeights;
import org.sparkprop.data.CsvLineParser;
import org.sparkprop.data.DataException;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.FeatureStats;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.LibSvmLineParser;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.ParsedRow;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.data.GeneratedRange;
import org.sparkprop.data.HeldPartitions;
import org.sparkprop.data.RowRules;
import org.sparkprop.data.ScanStats;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.nn.Loss;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.input.InputLoader;

/**
 * The Spark input pipeline's steps run in the driver process, one split after the other, for the
 * {@code train} command's inputs when {@link InProcessInput} says so. Each step is the one of
 * {@code InputOpener} / {@code InputLoader} / {@code DataSets} with a loop in place of a Spark
 * job, over the same data-package code, so the staged blocks, the statistics (merged in split
 * order), the preprocessing and the redistributed partitions are the same bits:
 * <ol>
 *   <li>open: list the files (sorted by path), read the CSV header or first line, resolve the
 *       columns; split the files with TextInputFormat for the master's default parallelism;
 *   <li>scan every split (counts, bad rows, labels), apply the bad-row policy, fit the labels;
 *   <li>stage: pack every split into one block at its prefix-sum index, and its training rows'
 *       statistics; merge them in split order and fit the scaling;
 *   <li>distribute: select one side of the validation split, scale, weigh by class, and regroup
 *       into the balanced partitions {@code n q / P .. n (q + 1) / P}.
 * </ol>
 * Generated inputs are packed per partition range as {@code PackedDataset.generate} packs them on
 * the executors (a row is a function of its index).
 */
public final class LocalLoader {
  private LocalLoader() {
  }

  /**
   * One input, opened: its partitions (a file's input splits, a DataFrame's collected partitions)
   * and the rules its rows must pass.
   */
  public record LocalInput(String name, HeldPartitions splits, RowRules rules, InputSchema schema) {
    LocalInput withRules(RowRules newRules, InputSchema newSchema) {
      return new LocalInput(name, splits, newRules, newSchema);
    }
  }

  /**
   * How to load one input (as {@code InputLoader.Plan}, without the storage, which is the driver's heap).
   *
   * @param badRowAdvice what the message that stops at a bad row tells the user to do, in the words
   *     of the caller's settings (e.g. {@code InputLoader.CONFIG_BAD_ROW_ADVICE})
   */
  public record Plan(boolean skipBadRows, double maxBadFraction, Preprocessing given, FeatureScaling.Method scaling,
              boolean scaleTarget, ValidationSplit split, PartitionSizing partitions, ClassWeights classWeights,
              String badRowAdvice) {
    public Plan {
      classWeights = classWeights == null ? ClassWeights.NONE : classWeights;
    }

    /** A plan for the {@code train} command's inputs, whose bad-row advice names its configuration keys. */
    Plan(boolean skipBadRows, double maxBadFraction, Preprocessing given, FeatureScaling.Method scaling,
         boolean scaleTarget, ValidationSplit split, PartitionSizing partitions, ClassWeights classWeights) {
      this(skipBadRows, maxBadFraction, given, scaling, scaleTarget, split, partitions, classWeights,
          InputLoader.CONFIG_BAD_ROW_ADVICE);
    }
  }

  /** The loaded sets of one input; validation null when no row was held out. */
  public record Result(HeldSet main, HeldSet validation, Preprocessing preprocessing, BadRowReport badRows, int width) {
  }

  /** The packed bytes of a generated input, before generating it. */
  static long generatedBytes(TrainConfig cfg) {
    RowGenerator g = DataSets.generator(cfg);
    return 4L * g.rows() * (g.features() + g.targetWidth());
  }

  /** The training, validation and test sets {@code cfg} describes, as {@code DataSets.load} would load them. */
  public static HeldSets load(TrainConfig cfg, InProcessInput in, PrintStream console) {
    PartitionSizing partitions = DataSets.partitioning(cfg);
    if (cfg.data().format().generated()) return generated(cfg, DataSets.generator(cfg), partitions);
    int reading = partitions.derived() ? in.defaultParallelism() : partitions.fixed();
    boolean ignoreEmpty = Boolean.parseBoolean(in.sparkConf().getOrDefault("spark.hadoopRDD.ignoreEmptySplits", "false").trim());
    return fromFiles(cfg, in.hadoop(), reading, ignoreEmpty, partitions, console);
  }

  private static HeldSets fromFiles(TrainConfig cfg, Configuration hadoop, int reading, boolean ignoreEmpty,
                                    PartitionSizing partitions, PrintStream console) {
    TrainConfig.Data data = cfg.data();
    LabelMode mode = DataSets.labelMode(cfg);
    boolean skip = data.onBadRow() == TrainConfig.BadRowPolicy.SKIP;
    FeatureScaling.Method scaling = data.effectiveScaling();
    LocalInput trainInput = open(hadoop, "data.train", data.train(), DataSets.settings(data), mode, reading, ignoreEmpty);
    if (trainInput.rules().labels() == LabelMode.MULTI_LABEL && cfg.model().loss() != Loss.BCE) {
      throw new DataException(trainInput.name() + ": the label column '" + data.labelColumn() + "' holds several values"
          + " per row (a vector or an array): several 0/1 labels need model.loss = bce, several targets mse or mae;"
          + " model.loss = " + cfg.model().loss().configName() + " takes one class per row");
    }
    ValidationSplit split = new ValidationSplit(cfg.train().seed(), cfg.validationFraction());
    Plan trainPlan = new Plan(skip, data.maxBadFraction(), null, scaling, data.scaleTarget(), split, partitions,
        cfg.train().parsedClassWeights());
    Result train = load(trainInput, trainPlan, console);
    if (split.active() && train.validation() == null) {
      throw new DataException(String.format(Locale.ROOT, "data.validationFraction = %s of the %,d rows of %s leaves no"
          + " validation row", split.fraction(), train.main().rows(), trainInput.name()));
    }
    java.util.Map<String, BadRowReport> reports = new java.util.LinkedHashMap<>();
    reports.put("train", train.badRows());
    InputSchema schema = trainInput.schema().withFeatures(train.width(), trainInput.schema().featureNames());
    Result test = null;
    if (data.hasTest()) {
      LocalInput testInput = expecting(open(hadoop, "data.test", data.test(), DataSets.settings(data), mode, reading,
          ignoreEmpty), train.width(), train.preprocessing().labels(), "the training data");
      Plan testPlan = new Plan(skip, data.maxBadFraction(), train.preprocessing(), scaling, false, ValidationSplit.none(),
          partitions, ClassWeights.NONE);
      test = load(testInput, testPlan, console);
      reports.put("test", test.badRows());
    }
    Preprocessing prep = train.preprocessing();
    String description = String.format(Locale.ROOT, "%s %s: %,d training, %,d validation, %,d test rows, %d features, %s; %s scaling",
        data.format().configName(), data.train(), train.main().rows(), train.validation() == null ? 0 : train.validation().rows(),
        test == null ? 0 : test.main().rows(), train.width(),
        prep.classification() ? prep.labels().classes() + " classes"
            : train.main().targetWidth() > 1 ? targets(trainInput.rules().labels(), train.main().targetWidth(), prep)
            : "regression target" + (prep.target().identity() ? "" : " (standardised)"), prep.features().method().configName());
    return new HeldSets(train.main(), train.validation(), test == null ? null : test.main(), description, prep, schema,
        reports);
  }

  private static String targets(LabelMode mode, int n, Preprocessing prep) {
    return mode == LabelMode.MULTI_LABEL ? n + " 0/1 labels (multi-label)"
        : n + " regression targets" + (prep.target().identity() ? "" : " (each standardised)");
  }

  /** As {@code DataSets.expecting}: the training data's width and classes as the rules. */
  private static LocalInput expecting(LocalInput input, int width, LabelMapping mapping, String origin) {
    int found = input.schema().features();
    boolean fixedWidth = !"libsvm".equals(input.schema().format());
    if (fixedWidth && found > 0 && found != width) {
      throw new DataException(input.name() + " has " + found + " features per row but " + origin + " has " + width
          + (input.schema().featureNames() != null ? " (its feature columns: " + input.schema().featureNames() + ")" : ""));
    }
    return input.withRules(input.rules().withMapping(mapping).withWidth(width, "as in " + origin),
        input.schema().withFeatures(width, input.schema().featureNames()));
  }

  // ---------------------------------------------------------------------------------------------
  // Opening (InputOpener's csv and libsvm cases)

  static LocalInput open(Configuration hadoop, String key, String uri, InputSchema settings, LabelMode mode,
                         int partitions, boolean ignoreEmpty) {
    String name = key + " = '" + uri + "'";
    if (settings.weighted() && settings.format().equals("libsvm")) {
      throw new DataException("data.weightColumn = '" + settings.weightColumn() + "': data.format = " + settings.format()
          + " has no columns to take sample weights from; weights are read from csv, parquet and DataFrames");
    }
    List<FileStatus> files = InputFiles.expand(key, uri, hadoop);
    try {
      if (settings.format().equals("libsvm")) {
        LibSvmLineParser parser = new LibSvmLineParser(settings.features(), mode);
        TextSplits.LineParser lines = new TextSplits.LineParser() {
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
        return new LocalInput(name, new TextSplits(hadoop, files, partitions, ignoreEmpty, lines, null, null), rules,
            settings.withFormat("libsvm"));
      }
      return csv(hadoop, files, name, key, settings, mode, partitions, ignoreEmpty);
    } catch (IOException e) {
      throw new DataException(name + " cannot be split into its input splits: " + e, e);
    }
  }

  private static LocalInput csv(Configuration hadoop, List<FileStatus> files, String name, String key, InputSchema settings,
                                LabelMode mode, int partitions, boolean ignoreEmpty) throws IOException {
    String first = TextSplits.firstLine(hadoop, files, key);
    if (first == null) throw new DataException(name + " holds no rows: every file is empty");
    String delimiter = settings.delimiter();
    List<String> fields = CsvLineParser.fieldsOf(first, delimiter);
    if (fields == null) {
      throw new DataException(files.get(0).getPath() + ", line 1: " + ParsedRow.quote(first) + " is not valid CSV (unbalanced quotes)");
    }
    List<String> names = settings.header() ? fields : null;
    int columns = fields.size();
    String firstFile = files.get(0).getPath().toString();
    List<String> labelNames = settings.severalLabelColumns() ? settings.labelColumns() : List.of(settings.labelColumn());
    int[] labelIndices = new int[labelNames.size()];
    int found = 0;
    for (String label : labelNames) {
      int i = column(label, names, columns, key, settings.severalLabelColumns() ? "data.labelColumns" : "data.labelColumn",
          mode != LabelMode.NONE, firstFile);
      if (i >= 0) labelIndices[found++] = i;
    }
    labelIndices = Arrays.copyOf(labelIndices, found);
    int idIndex = names == null || settings.idColumn() == null ? -1 : names.indexOf(settings.idColumn());
    for (int i : labelIndices) {
      if (idIndex == i) idIndex = -1;
    }
    int weightIndex = -1;
    if (settings.weighted()) {
      weightIndex = column(settings.weightColumn(), names, columns, key, "data.weightColumn", true, firstFile);
      boolean isLabel = false;
      for (int i : labelIndices) isLabel |= weightIndex == i;
      if (weightIndex >= 0 && (isLabel || weightIndex == idIndex)) {
        throw new DataException("data.weightColumn = '" + settings.weightColumn() + "' is also the "
            + (isLabel ? "label" : "id") + " column of " + firstFile + "; the weights need a column of their own");
      }
    }
    int weightCols = weightIndex >= 0 ? 1 : 0;
    if (columns - labelIndices.length - (idIndex >= 0 ? 1 : 0) - weightCols < 1) {
      throw new DataException(files.get(0).getPath() + ", line 1: found " + columns + " column(s) with delimiter "
          + ParsedRow.quote(delimiter) + ", leaving no feature column; is data.delimiter right?");
    }
    CsvLineParser parser = new CsvLineParser(delimiter, columns, labelIndices, idIndex, weightIndex, names, mode);
    TextSplits.LineParser lines = new TextSplits.LineParser() {
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
    TextSplits splits = new TextSplits(hadoop, files, partitions, ignoreEmpty, lines, settings.header() ? first : null,
        firstFile);
    return new LocalInput(name, splits, rules, settings.withFormat("csv").withFeatures(parser.features(), parser.featureNames()));
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

  // ---------------------------------------------------------------------------------------------
  // Loading (InputLoader's scan, stage and distribute)

  /** What the scan of every split found: the report, the rules with the labels fitted, and per split its good rows and first index. */
  record Scanned(BadRowReport report, RowRules rules, int width, int[] counts, long[] starts, long rows) {
  }

  /** The first step alone, as {@code InputLoader.scan}: counts, the bad-row policy, the labels, the width. */
  static Scanned scan(LocalInput input, Plan plan, PrintStream console) {
    String name = input.name();
    int splits = input.splits().count();
    RowRules scanRules = input.rules();
    List<ScanStats> scans = new ArrayList<>(splits);
    for (int p = 0; p < splits; p++) {
      int at = p;
      scans.add(read(name, () -> ScanStats.scan(input.splits().open(at), scanRules)));
    }
    BadRowReport report = BadRowReport.of(name, scans);
    checkBadRows(report, plan);
    if (report.badRows() > 0) console.println(report.skippedLine());
    if (report.goodRows() == 0) {
      throw new DataException(name + " holds no rows" + (report.badRows() > 0
          ? " that can be used: all " + report.badRows() + " are bad (" + report.reasons() + ")"
          : input.schema().fromFiles() ? ": its files are empty (or hold only a header)" : ""));
    }
    RowRules rules = scanRules;
    if (rules.labels().classes() && rules.mapping() == null) rules = rules.withMapping(fitLabels(name, scans, rules.labels()));
    int width = rules.width() > 0 ? rules.width() : scans.stream().mapToInt(ScanStats::maxWidth).max().orElse(0);
    if (width == 0) throw new DataException(name + ": no row has a feature; expected at least one feature per row");
    int[] counts = new int[splits];
    long[] starts = new long[splits];
    long next = 0;
    for (int p = 0; p < splits; p++) {
      long good = scans.get(p).goodRows();
      if (good > Integer.MAX_VALUE) throw new DataException(name + ": partition " + p + " has more than 2^31 rows; use more partitions");
      counts[p] = (int) good;
      starts[p] = next;
      next += good;
    }
    return new Scanned(report, rules, width, counts, starts, next);
  }

  /**
   * Scans, stages and distributes one opened input in the driver, as {@code InputLoader.load} does
   * over the same partitions with Spark jobs: the same blocks, statistics, preprocessing and
   * balanced partitions.
   */
  public static Result load(LocalInput input, Plan plan, PrintStream console) {
    String name = input.name();
    Scanned scanned = scan(input, plan, console);
    BadRowReport report = scanned.report();
    RowRules rules = scanned.rules();
    int width = scanned.width();
    int[] counts = scanned.counts();
    long[] starts = scanned.starts();
    long next = scanned.rows();
    int splits = counts.length;

    ValidationSplit split = plan.split();
    Preprocessing given = plan.given();
    boolean scaleWhilePacking = given != null && !split.active();
    boolean fit = given == null;
    List<PackedBlock> staged = new ArrayList<>(splits);
    FeatureStats total = fit ? new FeatureStats(width) : null;
    int[] trainCounts = new int[splits];
    int[] validationCounts = new int[splits];
    RowRules packRules = rules;
    for (int p = 0; p < splits; p++) {
      int at = p;
      PackedBlock b = read(name, () -> BlockPacking.pack(input.splits().open(at), packRules, starts[at], counts[at], width, name));
      if (scaleWhilePacking) given.applyTo(b);
      staged.add(b);
      validationCounts[p] = BlockPacking.count(b, split::isValidation);
      trainCounts[p] = b.rows - validationCounts[p];
      if (fit) total.merge(FeatureStats.of(b, i -> !split.isValidation(i))); // split order, as the Spark job's merge
    }
    Preprocessing prep = given;
    if (fit) {
      boolean classes = rules.labels().classes();
      prep = new Preprocessing(FeatureScaling.fit(plan.scaling(), total),
          !classes && rules.labels() != LabelMode.MULTI_LABEL && plan.scaleTarget() ? TargetScaling.fit(total)
              : TargetScaling.IDENTITY,
          classes ? rules.mapping() : null);
    }
    Preprocessing toApply = scaleWhilePacking ? null : prep;
    int classes = prep.classification() ? prep.labels().classes() : 0;
    long held = Arrays.stream(validationCounts).asLongStream().sum();
    if (held == next) {
      throw new DataException(String.format(Locale.ROOT, "the validation split (fraction %s) holds out all %,d rows of %s:"
          + " no training row is left", split.fraction(), next, name));
    }
    float[] classWeights = classWeights(plan.classWeights(), staged, split, prep, name);
    HeldSet main = distribute(staged, split, false, trainCounts, toApply, classWeights, plan.partitions(), width,
        rules.targets(), classes, name);
    HeldSet validation = held == 0 ? null : distribute(staged, split, true, validationCounts, toApply, null,
        plan.partitions(), width, rules.targets(), classes, name + " (validation rows)");
    return new Result(main, validation, prep, report, width);
  }

  /** A step that reads files, with the input named in its I/O error. */
  private interface Reading<T> {
    T run() throws IOException;
  }

  private static <T> T read(String name, Reading<T> step) {
    try {
      return step.run();
    } catch (IOException e) {
      throw new DataException(name + " cannot be read: " + e, e);
    }
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

  private static float[] classWeights(ClassWeights cw, List<PackedBlock> staged, ValidationSplit split,
                                      Preprocessing prep, String name) {
    if (cw.none() || !prep.classification()) return null;
    int k = prep.labels().classes();
    long[] perClass = new long[k];
    if (cw.kind() == ClassWeights.Kind.BALANCED) {
      for (PackedBlock b : staged) {
        for (int r = 0; r < b.rows; r++) {
          if (!split.isValidation(b.firstIndex + r)) perClass[(int) b.y[r * b.targetWidth]]++;
        }
      }
    }
    return cw.resolve(perClass, name);
  }

  /**
   * The staged rows on one side of the split, scaled (and weighed by class), as {@code partitions}
   * balanced blocks: target block q holds that side's global rows [n q / P, n (q + 1) / P).
   */
  private static HeldSet distribute(List<PackedBlock> staged, ValidationSplit split, boolean validationSide, int[] counts,
                                    Preprocessing prep, float[] classWeights, PartitionSizing partitions, int width,
                                    int targetWidth, int classes, String description) {
    long n = 0;
    long[] newStarts = new long[counts.length];
    for (int p = 0; p < counts.length; p++) {
      newStarts[p] = n;
      n += counts[p];
    }
    int targets = partitions.count(n, width + targetWidth);
    LongPredicate side = i -> split.isValidation(i) == validationSide;
    List<PackedBlock> selected = new ArrayList<>(staged.size());
    for (int p = 0; p < staged.size(); p++) {
      PackedBlock s = BlockPacking.select(staged.get(p), side, newStarts[p]);
      if (prep != null) prep.applyTo(s);
      if (classWeights != null) s = BlockPacking.weighByClass(s, classWeights);
      selected.add(s);
    }
    List<PackedBlock> blocks = new ArrayList<>(targets);
    for (int q = 0; q < targets; q++) {
      long first = n * q / targets;
      long end = n * (q + 1) / targets;
      List<PackedBlock> parts = new ArrayList<>();
      for (PackedBlock b : selected) {
        long from = Math.max(first, b.firstIndex);
        long to = Math.min(end, b.endIndex());
        if (from < to) parts.add(BlockPacking.slice(b, (int) (from - b.firstIndex), (int) (to - from)));
      }
      blocks.add(BlockPacking.concat(parts, first, (int) (end - first), width, targetWidth));
    }
    return new HeldSet(blocks, n, width, targetWidth, classes, description);
  }

  // ---------------------------------------------------------------------------------------------
  // Generated inputs (DataSets.generated, PackedDataset.generate)

  private static HeldSets generated(TrainConfig cfg, RowGenerator all, PartitionSizing partitions) {
    if (cfg.data().weighted() || !cfg.train().parsedClassWeights().none()) {
      throw new DataException("data.format = " + cfg.data().format().configName() + " generates its rows: it has no"
          + " column of sample weights (data.weightColumn) and is not weighted by class (train.classWeights): sample"
          + " weights are read from csv and parquet files and DataFrames, class weights apply to every file format");
    }
    long n = all.rows();
    long test = Math.round(n * cfg.data().testFraction());
    long validation = Math.round((n - test) * cfg.validationFraction());
    long train = n - test - validation;
    if (train <= 0) {
      throw new IllegalArgumentException("data.testFraction + data.validationFraction leave no training rows of " + n);
    }
    HeldSet trainSet = generate(new GeneratedRange(all, 0, train), partitions);
    HeldSet validationSet = validation == 0 ? null : generate(new GeneratedRange(all, train, validation), partitions);
    HeldSet testSet = test == 0 ? null : generate(new GeneratedRange(all, train + validation, test), partitions);
    String description = all.describe() + String.format(Locale.ROOT, ": %,d training, %,d validation, %,d test rows",
        train, validation, test);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, all.features()),
        TargetScaling.IDENTITY, all.classes() > 0 ? LabelMapping.indices(all.classes()) : null);
    InputSchema schema = new InputSchema(cfg.data().format().configName(), all.features(), null, false, ",",
        cfg.data().labelColumn(), cfg.data().featuresColumn(), cfg.data().idColumn());
    return new HeldSets(trainSet, validationSet, testSet, description, prep, schema, java.util.Map.of());
  }

  /** The rows of {@code source} in as many partitions as {@code partitions} gives, packed per partition range. */
  static HeldSet generate(RowGenerator source, PartitionSizing partitions) {
    long n = source.rows();
    if (n <= 0) throw new IllegalArgumentException("the data source " + source.describe() + " has no rows");
    int p = partitions.count(n, source.features() + source.targetWidth());
    List<PackedBlock> blocks = new ArrayList<>(p);
    for (int i = 0; i < p; i++) {
      long first = n * i / p;
      long end = n * (i + 1) / p;
      blocks.add(RowGenerators.pack(source, first, Math.toIntExact(end - first)));
    }
    return new HeldSet(blocks, n, source.features(), source.targetWidth(), source.classes(), source.describe());
  }
}
