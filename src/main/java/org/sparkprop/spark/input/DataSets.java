package org.sparkprop.spark.input;

import org.sparkprop.spark.PackedDataset;
import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.RowStore;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.BadRowReport;
import org.sparkprop.data.DataException;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.Playground;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.GeneratedRange;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;

/**
 * The training, validation and test sets a job's configuration describes, packed and cached, with
 * the preprocessing fitted on the training rows, how the input was read, and the bad rows skipped
 * per input. Validation and test are null when the configuration has none.
 */
public record DataSets(PackedDataset train, PackedDataset validation, PackedDataset test, String description,
                       Preprocessing preprocessing, InputSchema input, Map<String, BadRowReport> badRows, LoadPhase load) {

  /** @param badRows by input: "train", "test" */
  public DataSets {
    badRows = Collections.unmodifiableMap(new LinkedHashMap<>(badRows));
  }

  /** The sets before the load phase's figures are known. */
  DataSets(PackedDataset train, PackedDataset validation, PackedDataset test, String description,
           Preprocessing preprocessing, InputSchema input, Map<String, BadRowReport> badRows) {
    this(train, validation, test, description, preprocessing, input, badRows, null);
  }

  /**
   * What loading took: from opening the input to packed rows kept where they train from.
   *
   * @param inputBytes the input files' bytes (0 for generated rows)
   * @param passes how many times the input is read: once, files too (each partition counts, checks
   *     and packs its rows in the same read; the first indices, the classes and the regrouping are
   *     applied to the kept packed rows, not the input)
   * @param packedBytes the float32 rows of every set, as packed
   */
  public record LoadPhase(double seconds, long inputBytes, int passes, long packedBytes) {
    /** Input megabytes (10^6 bytes) per second; 0 for generated rows. */
    public double inputMBPerSecond() {
      return seconds > 0 ? inputBytes / 1e6 / seconds : 0;
    }

    /** One line for the job's output. */
    public String describe() {
      if (inputBytes == 0) {
        return String.format(Locale.ROOT, "load phase: %.1f s, rows generated on the executors in 1 pass, %s packed",
            seconds, RowStore.size(packedBytes));
      }
      return String.format(Locale.ROOT, "load phase: %.1f s for %,.1f MB of input (%,.1f MB/s), read in %d pass%s, %s packed",
          seconds, inputBytes / 1e6, inputMBPerSecond(), passes, passes == 1 ? "" : "es", RowStore.size(packedBytes));
    }
  }

  /** The float32 bytes of every set's packed rows. */
  public long packedBytes() {
    return train.packedBytes() + (validation == null ? 0 : validation.packedBytes()) + (test == null ? 0 : test.packedBytes());
  }

  public static DataSets load(TrainConfig cfg, JavaSparkContext sc, int partitions) {
    return load(cfg, sc, PartitionSizing.fixed(partitions), System.out);
  }

  /** Loads the sets into exactly {@code partitions} partitions each (fewer for fewer rows). */
  public static DataSets load(TrainConfig cfg, JavaSparkContext sc, int partitions, PrintStream console) {
    return load(cfg, sc, PartitionSizing.fixed(partitions), console);
  }

  /** The partitions the configuration asks for: {@code spark.partitions}, or derived from the data. */
  public static PartitionSizing partitioning(TrainConfig cfg) {
    return new PartitionSizing(cfg.spark().partitions(), cfg.spark().partitionBytes());
  }

  /** Loads the sets; lines about skipped bad rows go to {@code console}. */
  public static DataSets load(TrainConfig cfg, JavaSparkContext sc, PartitionSizing partitions, PrintStream console) {
    long start = System.nanoTime();
    TrainConfig.Data data = cfg.data();
    RowStore level = RowStore.of(cfg.spark().storageLevel());
    if (data.format().generated()) {
      DataSets sets = generated(cfg, generator(cfg), sc, partitions, level);
      return sets.withLoad(new LoadPhase((System.nanoTime() - start) / 1e9, 0, 1, sets.packedBytes()));
    }
    SparkSession spark = SparkSession.builder().getOrCreate(); // the session around sc
    long inputBytes = 0;
    long trainBytes = 0;
    for (String[] keyAndUri : new String[][] {{"data.train", data.train()}, {"data.trainLabels", data.trainLabels()},
        {"data.test", data.test()}, {"data.testLabels", data.testLabels()}}) {
      if (keyAndUri[1] == null || keyAndUri[1].isBlank()) continue;
      for (var f : InputFiles.expand(keyAndUri[0], keyAndUri[1], sc.hadoopConfiguration())) {
        inputBytes += f.getLen();
        if (keyAndUri[0].startsWith("data.train")) trainBytes += f.getLen();
      }
    }
    // Files are read with one task per core (or per fixed partition), and at least one per
    // spark.partitionBytes of input: a task holds its rows' packed block while it reads them, so
    // the block stays bounded whatever the input's size. The rows are then regrouped into the
    // partitions the sizing gives, so the bits do not depend on how they were read.
    int reading = (int) Math.min(Integer.MAX_VALUE, Math.max(partitions.derived() ? sc.defaultParallelism() : partitions.fixed(),
        ceilDiv(trainBytes, cfg.spark().partitionBytes())));
    DataSets sets = fromFiles(cfg, spark, reading, partitions, level, console);
    return sets.withLoad(new LoadPhase((System.nanoTime() - start) / 1e9, inputBytes, 1, sets.packedBytes()));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** These sets with the figures of the load phase that made them. */
  DataSets withLoad(LoadPhase phase) {
    return new DataSets(train, validation, test, description, preprocessing, input, badRows, phase);
  }

  /**
   * Classes when the loss or output needs them, else a regression target; several 0/1 labels for
   * bce with several label columns.
   */
  public static LabelMode labelMode(TrainConfig cfg) {
    TrainConfig.Model m = cfg.model();
    if (m.loss() == Loss.BCE && cfg.data().labelColumnList().size() > 1) return LabelMode.MULTI_LABEL;
    boolean classes = m.loss() == Loss.CROSS_ENTROPY || m.loss() == Loss.BCE
        || m.effectiveOutput() == Activation.STEP;
    return classes ? LabelMode.CLASSES : LabelMode.VALUES;
  }

  /** How the configuration says files are read. */
  public static InputSchema settings(TrainConfig.Data data) {
    List<String> labels = data.labelColumnList();
    return new InputSchema(data.format().configName(), data.features(), null, data.header(), data.delimiter(),
        labels.isEmpty() ? data.labelColumn() : labels.get(0), data.featuresColumn(), data.idColumn(),
        data.weightColumn(), labels.size() > 1 ? labels : null);
  }

  private static DataSets fromFiles(TrainConfig cfg, SparkSession spark, int reading, PartitionSizing partitions,
                                    RowStore level, PrintStream console) {
    TrainConfig.Data data = cfg.data();
    LabelMode mode = labelMode(cfg);
    boolean skip = data.onBadRow() == TrainConfig.BadRowPolicy.SKIP;
    FeatureScaling.Method scaling = data.effectiveScaling();
    OpenedInput trainInput = InputOpener.open(spark, "data.train", data.train(), "data.trainLabels", data.trainLabels(),
        settings(data), mode, reading);
    if (trainInput.rules().labels() == LabelMode.MULTI_LABEL && cfg.model().loss() != Loss.BCE) {
      throw new DataException(trainInput.name() + ": the label column '" + data.labelColumn() + "' holds several values"
          + " per row (a vector or an array): several 0/1 labels need model.loss = bce, several targets mse or mae;"
          + " model.loss = " + cfg.model().loss().configName() + " takes one class per row");
    }
    ValidationSplit split = new ValidationSplit(cfg.train().seed(), cfg.validationFraction());
    InputLoader.Plan trainPlan = new InputLoader.Plan(skip, data.maxBadFraction(), null, scaling, data.scaleTarget(),
        split, partitions, level, InputLoader.CONFIG_BAD_ROW_ADVICE).withClassWeights(cfg.train().parsedClassWeights());
    InputLoader.Result train = InputLoader.load(trainInput, trainPlan, console);
    if (split.active() && train.validation() == null) {
      train.main().unpersist();
      throw new DataException(String.format(Locale.ROOT, "data.validationFraction = %s of the %,d rows of %s leaves no"
          + " validation row", split.fraction(), train.main().rows(), trainInput.name()));
    }
    Map<String, BadRowReport> reports = new LinkedHashMap<>();
    reports.put("train", train.badRows());
    InputSchema schema = trainInput.schema().withFeatures(train.width(), trainInput.schema().featureNames());
    InputLoader.Result test = null;
    try {
      if (data.hasTest()) {
        OpenedInput testInput = expecting(InputOpener.open(spark, "data.test", data.test(), "data.testLabels",
            data.testLabels(), settings(data), mode, reading), train.width(), train.preprocessing().labels(),
            "the training data");
        InputLoader.Plan testPlan = new InputLoader.Plan(skip, data.maxBadFraction(), train.preprocessing(), scaling, false,
            ValidationSplit.none(), partitions, level, InputLoader.CONFIG_BAD_ROW_ADVICE);
        test = InputLoader.load(testInput, testPlan, console);
        reports.put("test", test.badRows());
      }
    } catch (RuntimeException e) {
      train.main().unpersist();
      if (train.validation() != null) train.validation().unpersist();
      throw e;
    }
    Preprocessing prep = train.preprocessing();
    String description = String.format(Locale.ROOT, "%s %s: %,d training, %,d validation, %,d test rows, %d features, %s; %s scaling",
        data.format().configName(), data.train(), train.main().rows(), train.validation() == null ? 0 : train.validation().rows(),
        test == null ? 0 : test.main().rows(), train.width(),
        prep.classification() ? prep.labels().classes() + " classes"
            : train.main().targetWidth() > 1 ? targets(trainInput.rules().labels(), train.main().targetWidth(), prep)
            : "regression target" + (prep.target().identity() ? "" : " (standardised)"), prep.features().method().configName());
    return new DataSets(train.main(), train.validation(), test == null ? null : test.main(), description, prep, schema, reports);
  }

  private static String targets(LabelMode mode, int n, Preprocessing prep) {
    return mode == LabelMode.MULTI_LABEL ? n + " 0/1 labels (multi-label)"
        : n + " regression targets" + (prep.target().identity() ? "" : " (each standardised)");
  }

  /**
   * The input with the training data's width and classes as rules: a row wider than the training
   * rows, or a label the training rows do not have, is a bad row.
   */
  public static OpenedInput expecting(OpenedInput input, int width, LabelMapping mapping, String origin) {
    int found = input.schema().features();
    boolean fixedWidth = !"libsvm".equals(input.schema().format());
    if (fixedWidth && found > 0 && found != width) {
      throw new DataException(input.name() + " has " + found + " features per row but " + origin + " has " + width
          + (input.schema().featureNames() != null ? " (its feature columns: " + input.schema().featureNames() + ")" : ""));
    }
    return input.withRules(input.rules().withMapping(mapping).withWidth(width, "as in " + origin),
        input.schema().withFeatures(width, input.schema().featureNames()));
  }

  public static RowGenerator generator(TrainConfig cfg) {
    TrainConfig.Data data = cfg.data();
    if (data.format() == TrainConfig.DataFormat.SYNTHETIC) {
      TrainConfig.Synthetic s = data.synthetic();
      return new SyntheticTeacher(s.rows(), s.features(), s.classes(), s.seed());
    }
    TrainConfig.Playground p = data.playground();
    return new Playground(p.name(), p.rows(), p.noise(), cfg.train().seed(), p.extraFeatures());
  }

  /** Splits generated rows by index range: training first, then validation, then test. */
  private static DataSets generated(TrainConfig cfg, RowGenerator all, JavaSparkContext sc, PartitionSizing partitions,
                                    RowStore level) {
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
    PackedDataset trainSet = PackedDataset.generate(sc, new GeneratedRange(all, 0, train), partitions, level);
    PackedDataset validationSet = validation == 0 ? null
        : PackedDataset.generate(sc, new GeneratedRange(all, train, validation), partitions, level);
    PackedDataset testSet = test == 0 ? null
        : PackedDataset.generate(sc, new GeneratedRange(all, train + validation, test), partitions, level);
    String description = all.describe() + String.format(Locale.ROOT, ": %,d training, %,d validation, %,d test rows",
        train, validation, test);
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, all.features()),
        TargetScaling.IDENTITY, all.classes() > 0 ? LabelMapping.indices(all.classes()) : null);
    InputSchema schema = new InputSchema(cfg.data().format().configName(), all.features(), null, false, ",",
        cfg.data().labelColumn(), cfg.data().featuresColumn(), cfg.data().idColumn());
    return new DataSets(trainSet, validationSet, testSet, description, prep, schema, Map.of());
  }

  public int classes() {
    return train.classes();
  }

  public void unpersist() {
    train.unpersist();
    if (validation != null) validation.unpersist();
    if (test != null) test.unpersist();
  }
}
