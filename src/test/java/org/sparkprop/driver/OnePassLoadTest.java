package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.ClassWeights;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.spark.RowStore;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.input.InputLoader;
import org.sparkprop.spark.input.InputOpener;
import org.sparkprop.spark.input.OpenedInput;
import org.sparkprop.testing.LocalSpark;

/**
 * Spark's load reads its input once, packing while it counts, and applies the first global indices,
 * the class mapping and the width afterwards; the no-Spark loader counts in one read and packs in a
 * second. Both must give the same bits: the same rows in the same order, the same fitted scaling
 * and labels, the same partitions. Checked for CSV with string labels (and a skipped bad row), LibSVM
 * whose width only the last file shows, and Parquet (against the same rows written as CSV), with and
 * without a validation split, read in 1, 2 and 8 partitions.
 */
class OnePassLoadTest {
  private static final String[] NAMES = {"emu", "cat", "dog"}; // first seen: emu, so local numbers differ from classes
  private static final int FEATURES = 5;
  private static JavaSparkContext sc;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stopActive();
  }

  /** Rows of two files: CSV text (floats printed exactly), Parquet rows and LibSVM lines of the same values. */
  private record Fixture(Path csv, Path parquetAsCsv, Path parquet, Path libsvm) {
  }

  private static Fixture fixture;

  private static synchronized Fixture files() throws Exception {
    if (fixture != null) return fixture;
    Path csv = Files.createDirectories(tmp.resolve("csv"));
    Path parquetAsCsv = Files.createDirectories(tmp.resolve("parquet-as-csv"));
    Path libsvm = Files.createDirectories(tmp.resolve("libsvm"));
    Random r = new Random(11);
    List<Row> parquetRows = new ArrayList<>();
    StringBuilder parquetCsv = new StringBuilder("f0,f1,f2,f3,f4,kind\n");
    for (int part = 0; part < 2; part++) {
      StringBuilder text = new StringBuilder("f0,f1,f2,f3,f4,kind\n");
      StringBuilder sparse = new StringBuilder();
      int rows = part == 0 ? 700 : 1300;
      for (int i = 0; i < rows; i++) {
        if (part == 1 && i == 300) text.append("1,2,oops,4,5,cat\n"); // a bad row, skipped
        float[] v = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) v[j] = (float) (r.nextGaussian() * (j + 1) + j);
        String label = NAMES[(i * 7 + part + r.nextInt(2)) % NAMES.length];
        Object[] row = new Object[FEATURES + 1];
        for (int j = 0; j < FEATURES; j++) {
          text.append(v[j]).append(',');
          row[j] = v[j];
        }
        text.append(label).append('\n');
        row[FEATURES] = label;
        parquetRows.add(RowFactory.create(row));
        parquetCsv.append(text, text.lastIndexOf("\n", text.length() - 2) + 1, text.length());
        // LibSVM: the first file uses indices 1..3 only, the second up to 8: the width is learnt from the last rows.
        sparse.append(label.length() + i % 3);
        int top = part == 0 ? 3 : 8;
        for (int j = 1; j <= top; j++) {
          if ((i + j) % 3 != 0) sparse.append(' ').append(j).append(':').append(v[(j - 1) % FEATURES]);
        }
        sparse.append('\n');
      }
      Files.writeString(csv.resolve("part-" + part + ".csv"), text.toString());
      Files.writeString(libsvm.resolve("part-" + part + ".txt"), sparse.toString());
    }
    Files.writeString(parquetAsCsv.resolve("all.csv"), parquetCsv.toString());
    StructField[] fields = new StructField[FEATURES + 1];
    for (int j = 0; j < FEATURES; j++) fields[j] = new StructField("f" + j, DataTypes.FloatType, false, Metadata.empty());
    fields[FEATURES] = new StructField("kind", DataTypes.StringType, false, Metadata.empty());
    Path parquet = tmp.resolve("parquet");
    // Small row groups, so that small file splits read one file in several partitions, in order.
    SparkSession.active().createDataFrame(parquetRows, new StructType(fields)).coalesce(1).write()
        .option("parquet.block.size", "8192").parquet(parquet.toString());
    fixture = new Fixture(csv, parquetAsCsv, parquet, libsvm);
    return fixture;
  }

  @ParameterizedTest(name = "{0}, {1} read partitions, validation fraction {2}, class weights {3}")
  @CsvSource({"csv,1,0.25,none", "csv,2,0.25,none", "csv,8,0.25,none", "csv,2,0,none", "csv,2,0.25,balanced",
      "libsvm,1,0.25,none", "libsvm,2,0.25,none", "libsvm,8,0.25,none", "libsvm,8,0,none",
      "parquet,1,0.25,none", "parquet,2,0.25,none", "parquet,8,0.25,none", "parquet,8,0,none", "parquet,8,0,balanced"})
  void oneReadPacksTheBitsOfCountingThenPacking(String format, int readPartitions, double fraction, String weights)
      throws Exception {
    Fixture f = files();
    String sparkUri = switch (format) {
      case "csv" -> f.csv().toString();
      case "libsvm" -> f.libsvm().toString();
      default -> f.parquet().toString();
    };
    String localFormat = format.equals("parquet") ? "csv" : format;
    String localUri = format.equals("parquet") ? f.parquetAsCsv().toString() : sparkUri;
    ValidationSplit split = new ValidationSplit(5, fraction);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    TrainConfig sparkCfg = TrainConfig.load(null, List.of("data.format=" + format, "data.train=" + sparkUri,
        "data.labelColumn=kind"));
    SparkSession spark = SparkSession.active();
    spark.conf().set("spark.sql.files.maxPartitionBytes", format.equals("parquet") && readPartitions > 1 ? "16k" : "128m");
    spark.conf().set("spark.sql.files.openCostInBytes", "0");
    OpenedInput input = InputOpener.open(spark, "data.train", sparkUri, "data.trainLabels", "",
        DataSets.settings(sparkCfg.data()), LabelMode.CLASSES, readPartitions);
    if (readPartitions > 1) {
      assertTrue(input.cursors().getNumPartitions() > 1, format + " read in " + input.cursors().getNumPartitions() + " partitions");
    }
    InputLoader.Result ours = InputLoader.load(input, new InputLoader.Plan(true, 0.01, null, FeatureScaling.Method.STANDARD,
        false, split, PartitionSizing.fixed(3), RowStore.memory(StorageLevel.MEMORY_ONLY()), InputLoader.CONFIG_BAD_ROW_ADVICE,
        ClassWeights.parse(weights)), quiet);

    TrainConfig localCfg = TrainConfig.load(null, List.of("data.format=" + localFormat, "data.train=" + localUri,
        "data.labelColumn=kind"));
    LocalLoader.LocalInput local = LocalLoader.open(sc.hadoopConfiguration(), "data.train", localUri,
        DataSets.settings(localCfg.data()), LabelMode.CLASSES, readPartitions, false);
    LocalLoader.Result twoReads = LocalLoader.load(local, new LocalLoader.Plan(true, 0.01, null,
        FeatureScaling.Method.STANDARD, false, split, PartitionSizing.fixed(3), ClassWeights.parse(weights)), quiet);

    assertEquals(twoReads.width(), ours.width());
    if (format.equals("libsvm")) assertEquals(8, ours.width(), "the widest row is in the second file");
    assertEquals(twoReads.preprocessing().labels().names(), ours.preprocessing().labels().names());
    assertEquals(format.equals("csv") ? 1 : 0, ours.badRows().badRows());
    assertSameRows(twoReads.main().blocks(), ours.main().blocks().collect());
    assertEquals(weights.equals("balanced"), ours.main().blocks().first().w != null, "class weights are row weights");
    if (fraction > 0) {
      assertNotNull(ours.validation());
      assertSameRows(twoReads.validation().blocks(), ours.validation().blocks().collect());
    } else {
      assertNull(ours.validation());
      assertNull(twoReads.validation());
    }
    ours.main().unpersist();
    if (ours.validation() != null) ours.validation().unpersist();
  }

  /** The same partitions (first index, rows) and, bit for bit, the same features, targets and weights. */
  private static void assertSameRows(List<PackedBlock> expected, List<PackedBlock> actual) {
    List<PackedBlock> got = new ArrayList<>(actual);
    got.sort(Comparator.comparingLong(b -> b.firstIndex));
    assertEquals(expected.size(), got.size(), "partitions");
    long rows = 0;
    for (int p = 0; p < expected.size(); p++) {
      PackedBlock e = expected.get(p);
      PackedBlock a = got.get(p);
      assertEquals(e.firstIndex, a.firstIndex, "first index of partition " + p);
      assertEquals(e.rows, a.rows, "rows of partition " + p);
      assertArrayEquals(e.x, a.x, "features of partition " + p); // float[] equality compares the bits
      assertArrayEquals(e.y, a.y, "targets of partition " + p);
      assertArrayEquals(e.w, a.w, "weights of partition " + p);
      rows += a.rows;
    }
    assertTrue(rows > 100, "only " + rows + " rows compared");
  }
}
