package org.sparkprop.spark.input;

import org.sparkprop.spark.PackedDataset;
import org.sparkprop.testing.DataFixtures;
import org.sparkprop.testing.LocalSpark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.DataException;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.ValidationSplit;

/**
 * Every file format, and a DataFrame from the API, read back exactly: the same 600 known rows
 * written as CSV (part files with header, glob without header), gzipped LibSVM, Parquet (vector
 * column; plain numeric columns), IDX (plain and gzipped) come out as the same packed float32
 * rows, in input order, in balanced partitions of contiguous global indices.
 */
class FileFormatsTest {
  static JavaSparkContext sc;
  static SparkSession spark;
  static final DataFixtures DATA = new DataFixtures(600, 3);

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
    spark = SparkSession.active();
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  static DataSets load(String... overrides) {
    List<String> o = new ArrayList<>(List.of("data.scaling=none", "model.loss=cross_entropy", "spark.partitions=4",
        "data.validationFraction=0"));
    o.addAll(List.of(overrides));
    return DataSets.load(TrainConfig.load(null, o), sc, TrainConfig.load(null, o).spark().partitions(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  /** The fixture as a DataFrame of a double label and a vector of features, in the fixture's order. */
  static Dataset<Row> labelledVectors() {
    return DATA.labelledVectors(spark, 0, DATA.rows);
  }

  /** The fixture's rows came back exactly, in order, in {@code partitions} balanced blocks. */
  static void assertFixture(DataSets d, int partitions) {
    try {
      assertEquals(DATA.rows, d.train().rows());
      assertEquals(DATA.features, d.train().features());
      assertEquals(3, d.train().classes());
      assertArrayEquals(DATA.x, DataFixtures.features(d.train()));
      assertEquals(partitions, d.train().partitions());
      for (PackedBlock b : DataFixtures.inOrder(d.train())) {
        assertEquals(DATA.rows / partitions, b.rows, "balanced blocks");
      }
    } finally {
      d.unpersist();
    }
  }

  @Test
  void csvPartFilesWithHeaderIdColumnAndStringClasses() throws Exception {
    Path dir = tmp.resolve("csv-parts");
    DATA.writeCsvParts(dir, 3, true);
    DataSets d = load("data.format=csv", "data.train=" + dir.toUri());
    assertEquals(List.of("cat", "dog", "eel"), d.preprocessing().labels().names());
    assertEquals(List.of("f1", "f2", "f3"), d.input().featureNames(), "the id column is not a feature");
    assertArrayEquals(DATA.labelsAsFloats(), DataFixtures.targets(d.train()));
    assertFixture(d, 4);
  }

  @Test
  void csvGlobWithoutHeaderLabelByIndex() throws Exception {
    Path dir = tmp.resolve("csv-noheader");
    Files.createDirectories(dir);
    for (int p = 0; p < 2; p++) {
      List<String> lines = new ArrayList<>();
      for (int r = DATA.rows * p / 2; r < DATA.rows * (p + 1) / 2; r++) {
        StringBuilder sb = new StringBuilder(Integer.toString(DATA.label[r]));
        for (int j = 0; j < DATA.features; j++) sb.append(';').append(DataFixtures.num(DATA.x[r * DATA.features + j]));
        lines.add(sb.toString());
      }
      Files.write(dir.resolve("half-" + p + ".txt"), lines);
    }
    Files.writeString(dir.resolve("notes.md"), "not data");
    DataSets d = load("data.format=csv", "data.train=" + dir.toUri() + "/half-*.txt", "data.header=false",
        "data.delimiter=;", "data.labelColumn=0", "spark.partitions=3");
    assertArrayEquals(DATA.labelsAsFloats(), DataFixtures.targets(d.train()));
    assertNull(d.input().featureNames());
    assertFixture(d, 3);
  }

  @Test
  void gzippedLibsvmWithInferredWidth() throws Exception {
    Path file = tmp.resolve("libsvm/train.libsvm.gz");
    DATA.writeLibsvmGz(file);
    DataSets d = load("data.format=libsvm", "data.train=" + file.toUri(), "data.features=0");
    assertArrayEquals(DATA.labelsAsFloats(), DataFixtures.targets(d.train()));
    assertFixture(d, 4);
  }

  @Test
  void parquetWithAVectorColumnAndWithNumericColumns() throws Exception {
    List<Row> vectorRows = new ArrayList<>();
    List<Row> columnRows = new ArrayList<>();
    for (int r = 0; r < DATA.rows; r++) {
      double[] v = new double[DATA.features];
      for (int j = 0; j < DATA.features; j++) v[j] = DATA.x[r * DATA.features + j];
      vectorRows.add(RowFactory.create((double) DATA.label[r], Vectors.dense(v), (long) r));
      columnRows.add(RowFactory.create(DataFixtures.NAMES[DATA.label[r]], v[0], (float) v[1], v[2]));
    }
    StructType vectorSchema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", new VectorUDT(), false, Metadata.empty()),
        new StructField("id", DataTypes.LongType, false, Metadata.empty())});
    StructType columnSchema = new StructType(new StructField[] {
        new StructField("kind", DataTypes.StringType, false, Metadata.empty()),
        new StructField("a", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("b", DataTypes.FloatType, false, Metadata.empty()),
        new StructField("c", DataTypes.DoubleType, false, Metadata.empty())});
    // One partition per written file keeps the input order equal to the fixture's order.
    Path vectors = tmp.resolve("parquet-vector");
    spark.createDataFrame(vectorRows, vectorSchema).coalesce(1).write().parquet(vectors.toString());
    Path columns = tmp.resolve("parquet-columns");
    spark.createDataFrame(columnRows, columnSchema).coalesce(1).write().parquet(columns.toString());

    DataSets v = load("data.format=parquet", "data.train=" + vectors.toUri());
    assertArrayEquals(DATA.labelsAsFloats(), DataFixtures.targets(v.train()));
    assertFixture(v, 4);
    DataSets c = load("data.format=parquet", "data.train=" + columns.toUri(), "data.labelColumn=kind");
    assertEquals(List.of("a", "b", "c"), c.input().featureNames());
    assertEquals(List.of("cat", "dog", "eel"), c.preprocessing().labels().names());
    assertFixture(c, 4);
  }

  /**
   * A Parquet input of more files than spark.sql.sources.parallelPartitionDiscovery.threshold (32 by
   * default, lowered here) is listed by a Spark job, whose tasks carry Hadoop paths through Kryo:
   * with registration required, an unregistered class there failed every such read (a 10M-row
   * Parquet copy written by Spark has more than 32 part files).
   */
  @Test
  void parquetOfMoreFilesThanTheDriverListsAlone() throws Exception {
    Path files = tmp.resolve("parquet-many-files");
    labelledVectors().repartition(6).write().parquet(files.toString());
    String threshold = "spark.sql.sources.parallelPartitionDiscovery.threshold";
    spark.conf().set(threshold, "2");
    try {
      DataSets d = load("data.format=parquet", "data.train=" + files.toUri());
      assertEquals(DATA.rows, d.train().rows());
    } finally {
      spark.conf().unset(threshold);
    }
  }

  @Test
  void idxPlainAndGzipped() throws Exception {
    for (boolean gzip : new boolean[] {false, true}) {
      String ext = gzip ? ".gz" : "";
      Path images = tmp.resolve("idx/images-idx2-float" + ext);
      Path labels = tmp.resolve("idx/labels-idx1-ubyte" + ext);
      DATA.writeIdx(images, labels, gzip);
      DataSets d = load("data.format=idx", "data.train=" + images.toUri(), "data.trainLabels=" + labels.toUri(),
          "spark.partitions=3");
      assertArrayEquals(DATA.labelsAsFloats(), DataFixtures.targets(d.train()));
      assertFixture(d, 3);
    }
  }

  /**
   * Unsigned-byte images, as MNIST's: divided by 255 without the training rows' statistics (the
   * read skips them and the finiteness check of integer values), and still min-max scaled from
   * those statistics when asked for; a float file's NaN is still refused.
   */
  @Test
  void unsignedByteImagesScaledWithAndWithoutStatistics() throws Exception {
    int rows = 500;
    int values = 12;
    byte[] pixels = new byte[rows * values];
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = r % 3;
      for (int j = 0; j < values; j++) pixels[r * values + j] = (byte) ((r * 7 + j * 13 + r * j) % 256);
    }
    Path images = tmp.resolve("ubyte/images-idx3-ubyte.gz");
    Path labelFile = tmp.resolve("ubyte/labels-idx1-ubyte.gz");
    DataFixtures.write(images, idx(0x08, new int[] {rows, 3, 4}, pixels), true);
    byte[] labelBytes = new byte[rows];
    for (int r = 0; r < rows; r++) labelBytes[r] = (byte) labels[r];
    DataFixtures.write(labelFile, idx(0x08, new int[] {rows}, labelBytes), true);
    float[] min = new float[values];
    float[] max = new float[values];
    java.util.Arrays.fill(min, 255);
    for (int i = 0; i < pixels.length; i++) {
      min[i % values] = Math.min(min[i % values], pixels[i] & 0xff);
      max[i % values] = Math.max(max[i % values], pixels[i] & 0xff);
    }
    for (String scaling : new String[] {"auto", "minmax"}) {
      DataSets d = load("data.format=idx", "data.train=" + images.toUri(), "data.trainLabels=" + labelFile.toUri(),
          "data.scaling=" + scaling, "spark.partitions=3");
      try {
        float[] expected = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
          int j = i % values;
          expected[i] = scaling.equals("auto") ? (pixels[i] & 0xff) / 255f : ((pixels[i] & 0xff) - min[j]) / (max[j] - min[j]);
        }
        assertEquals(scaling.equals("auto") ? "divide_by_255" : "minmax", d.preprocessing().features().method().configName());
        assertArrayEquals(expected, DataFixtures.features(d.train()), scaling);
        float[] expectedLabels = new float[rows];
        for (int r = 0; r < rows; r++) expectedLabels[r] = labels[r];
        assertArrayEquals(expectedLabels, DataFixtures.targets(d.train()));
      } finally {
        d.unpersist();
      }
    }

    java.nio.ByteBuffer floats = java.nio.ByteBuffer.allocate(rows * values * 4);
    for (int i = 0; i < rows * values; i++) floats.putFloat(i == 7 * values + 5 ? Float.NaN : pixels[i] & 0xff);
    Path floatImages = tmp.resolve("ubyte/images-idx3-float");
    DataFixtures.write(floatImages, idx(0x0D, new int[] {rows, 3, 4}, floats.array()), false);
    DataException e = org.junit.jupiter.api.Assertions.assertThrows(DataException.class, () -> load("data.format=idx",
        "data.train=" + floatImages.toUri(), "data.trainLabels=" + labelFile.toUri(), "spark.partitions=3"));
    assertTrue(e.getMessage().contains("value 5 of the record is NaN; expected a finite number"), e.getMessage());
  }

  /** An IDX file: its magic number (type, dimension count), its dimensions, its values. */
  private static byte[] idx(int type, int[] dims, byte[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + values.length);
    b.put(new byte[] {0, 0, (byte) type, (byte) dims.length});
    for (int d : dims) b.putInt(d);
    return b.put(values).array();
  }

  @Test
  void anyDataFrameThroughThePublicApi() {
    Dataset<Row> df = labelledVectors().repartition(1);
    PackedDataset p = FrameData.packed(df, "features", "label", LabelMapping.indices(3), 5,
        StorageLevel.MEMORY_ONLY());
    try {
      assertEquals(5, p.partitions());
      assertArrayEquals(DATA.x, DataFixtures.features(p));
      assertArrayEquals(DATA.labelsAsFloats(), DataFixtures.targets(p));
    } finally {
      p.unpersist();
    }
  }

  @Test
  void validationRowsDoNotDependOnThePartitioning() throws Exception {
    Path file = tmp.resolve("split/train.csv");
    DATA.writeCsv(file, true);
    float[][] validation = new float[2][];
    int i = 0;
    for (String partitions : new String[] {"1", "3"}) {
      DataSets d = load("data.format=csv", "data.train=" + file.toUri(), "data.validationFraction=0.25",
          "train.seed=11", "spark.partitions=" + partitions);
      try {
        validation[i++] = DataFixtures.features(d.validation());
        assertEquals(DATA.rows, d.train().rows() + d.validation().rows());
        // 600 draws at p = 0.25: mean 150, standard deviation 10.6; 100..200 is more than 4.7 of them.
        assertTrue(d.validation().rows() > 100 && d.validation().rows() < 200, "held out " + d.validation().rows());
      } finally {
        d.unpersist();
      }
    }
    assertArrayEquals(validation[0], validation[1]);
    ValidationSplit split = new ValidationSplit(11, 0.25);
    List<Float> expected = new ArrayList<>();
    for (int r = 0; r < DATA.rows; r++) {
      if (split.isValidation(r)) {
        for (int j = 0; j < DATA.features; j++) expected.add(DATA.x[r * DATA.features + j]);
      }
    }
    float[] e = new float[expected.size()];
    for (int k = 0; k < e.length; k++) e[k] = expected.get(k);
    assertArrayEquals(e, validation[0], "the held-out rows are the ones ValidationSplit names, in input order");
  }

  @Test
  void standardScalingIsFittedOnTheTrainingRowsOnlyAndAppliedToEverySplit() throws Exception {
    Path file = tmp.resolve("scaling/train.csv");
    DATA.writeCsv(file, true);
    Path test = tmp.resolve("scaling/test.csv");
    DATA.writeCsv(test, true);
    DataSets d = load("data.format=csv", "data.train=" + file.toUri(), "data.test=" + test.toUri(),
        "data.validationFraction=0.2", "data.scaling=standard", "train.seed=3");
    try {
      ValidationSplit split = new ValidationSplit(3, 0.2);
      float[] shift = d.preprocessing().features().shift();
      float[] scale = d.preprocessing().features().scale();
      for (int j = 0; j < DATA.features; j++) {
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (int r = 0; r < DATA.rows; r++) {
          if (split.isValidation(r)) continue;
          double v = DATA.x[r * DATA.features + j];
          sum += v;
          sumSq += v * v;
          n++;
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        // Two exact-in-double ways to the same statistics differ only in the last bits; float32 rounding dominates.
        assertEquals(mean, shift[j], 1e-6 * Math.max(1, Math.abs(mean)), "mean of feature " + j);
        assertEquals(std, scale[j], 1e-6 * std, "std of feature " + j);
      }
      // The test set (the same rows) is scaled with the training statistics, not its own.
      float[] scaledTest = DataFixtures.features(d.test());
      for (int k = 0; k < scaledTest.length; k++) {
        int j = k % DATA.features;
        assertEquals((DATA.x[k] - shift[j]) / scale[j], scaledTest[k], 0f, "element " + k);
      }
    } finally {
      d.unpersist();
    }
  }
}
