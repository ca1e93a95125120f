package org.sparkprop.spark.input;

import org.sparkprop.testing.DataFixtures;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.app.TrainJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.cli.Main;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.DataException;

/**
 * The bad-input corpus: one file per case and format, each stopping the job before training with
 * the message documented in data/README.md (file, line or row, what was found, what was expected).
 * CSV and LibSVM cases are files in src/test/resources/bad-input; Parquet and IDX cases, being
 * binary, are written here. Also: the skip policy's counts and limit, and that a failed job leaves
 * no output, model or checkpoint directory behind.
 */
class BadInputTest {
  static JavaSparkContext sc;
  static SparkSession spark;

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

  static Path corpus(String name) {
    try {
      return Path.of(BadInputTest.class.getResource("/bad-input/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** How the code names a local file in its messages. */
  static String hadoopName(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri().toString()).toString();
  }

  static DataSets load(String... overrides) {
    List<String> o = new ArrayList<>(List.of("model.loss=cross_entropy", "spark.partitions=2"));
    o.addAll(List.of(overrides));
    TrainConfig cfg = TrainConfig.load(null, o);
    return DataSets.load(cfg, sc, 2, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  static String failure(String... overrides) {
    DataException e = assertThrows(DataException.class, () -> load(overrides).unpersist());
    return e.getMessage();
  }

  static void assertMessage(String message, String... parts) {
    for (String part : parts) assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
  }

  // --- CSV -----------------------------------------------------------------------------------

  static String csv(String file, String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=csv", "data.train=" + corpus("csv/" + file).toUri()));
    o.addAll(List.of(more));
    return failure(o.toArray(new String[0]));
  }

  @Test
  void csvCorpus() {
    String file = hadoopName(corpus("csv/malformed.csv"));
    String m = csv("malformed.csv");
    assertTrue(m.startsWith("bad input in data.train = '"), m);
    assertMessage(m, file + ", line 4: a quote opened at character 5 is not closed",
        "Fix the input, or set data.onBadRow = skip");
    assertMessage(csv("column-count.csv"), hadoopName(corpus("csv/column-count.csv"))
        + ", line 4: found 4 columns, expected 3 (as in the header) with delimiter ','");
    assertMessage(csv("non-numeric.csv"), hadoopName(corpus("csv/non-numeric.csv"))
        + ", line 4: column 2 ('f2') holds 'abc'; expected a number");
    assertMessage(csv("nan.csv"), hadoopName(corpus("csv/nan.csv"))
        + ", line 4: column 1 ('f1') holds 'NaN'; expected a finite number");
    assertMessage(csv("infinite.csv"), hadoopName(corpus("csv/infinite.csv"))
        + ", line 4: column 2 ('f2') holds '1e999', beyond the float32 range; expected a finite number");
    assertMessage(csv("good.csv", "data.test=" + corpus("csv/unknown-label.csv").toUri()),
        "bad input in data.test = '", hadoopName(corpus("csv/unknown-label.csv"))
            + ", line 4: label '7' is not one of the classes seen in training (0, 1)");
    assertMessage(csv("empty.csv"), "data.train = '" + corpus("csv/empty.csv").toUri()
        + "' holds no rows: its files are empty (or hold only a header)");
    Path missing = tmp.resolve("no-such.csv");
    assertMessage(failure("data.format=csv", "data.train=" + missing.toUri()),
        "data.train = '" + missing.toUri() + "': no such file or directory");
    assertMessage(failure("data.format=csv", "data.train=" + tmp.toUri() + "nothing-*.csv"), "matches no file");
  }

  @Test
  void csvLineNumbersCountFromTheFileStartAcrossSplits() throws IOException {
    // ~200 KB in one file, read as several splits: the bad line's number must still be the file's.
    Path file = tmp.resolve("long.csv");
    List<String> lines = new ArrayList<>(List.of("a,b,c,label"));
    for (int r = 0; r < 20_000; r++) lines.add(r == 15_000 ? "1,2,x,0" : (r % 7) + ".125," + r + ",3.5," + (r % 2));
    Files.write(file, lines);
    String m = failure("data.format=csv", "data.train=" + file.toUri(), "spark.partitions=6");
    assertMessage(m, hadoopName(file) + ", line 15002: column 3 ('c') holds 'x'; expected a number");
  }

  // --- LibSVM --------------------------------------------------------------------------------

  static String libsvm(String file, String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=libsvm", "data.train=" + corpus("libsvm/" + file).toUri()));
    o.addAll(List.of(more));
    return failure(o.toArray(new String[0]));
  }

  @Test
  void libsvmCorpus() {
    assertMessage(libsvm("malformed.libsvm"), hadoopName(corpus("libsvm/malformed.libsvm"))
        + ", line 3: token '-0.5' is not index:value");
    assertMessage(libsvm("feature-index.libsvm", "data.features=2"), hadoopName(corpus("libsvm/feature-index.libsvm"))
        + ", line 3: index 3 exceeds data.features = 2");
    assertMessage(libsvm("non-numeric.libsvm"), hadoopName(corpus("libsvm/non-numeric.libsvm"))
        + ", line 3: feature 2 holds 'abc'; expected a number");
    assertMessage(libsvm("infinite.libsvm"), hadoopName(corpus("libsvm/infinite.libsvm"))
        + ", line 3: feature 1 holds 'inf'; expected a finite number");
    assertMessage(libsvm("good.libsvm", "data.test=" + corpus("libsvm/unknown-label.libsvm").toUri()),
        hadoopName(corpus("libsvm/unknown-label.libsvm")) + ", line 3: label '7' is not one of the classes seen in training (0, 1)");
    assertMessage(libsvm("empty.libsvm"), "holds no rows: its files are empty");
    assertMessage(failure("data.format=libsvm", "data.train=" + tmp.resolve("none.libsvm").toUri()), "no such file or directory");
  }

  // --- Parquet -------------------------------------------------------------------------------

  static final StructType ARRAY_SCHEMA = new StructType(new StructField[] {
      new StructField("label", DataTypes.StringType, true, Metadata.empty()),
      new StructField("features", DataTypes.createArrayType(DataTypes.DoubleType, true), true, Metadata.empty())});

  /** All cases in one Spark write, one directory per case (Hive-style partitions "case=NAME"). */
  static Path parquetCases(Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) list.add(RowFactory.create(r));
    StructType schema = ARRAY_SCHEMA.add("case", DataTypes.StringType);
    Path dir = tmp.resolve("parquet-cases");
    spark.createDataFrame(list, schema).repartition(1).write().partitionBy("case").parquet(dir.toString());
    return dir;
  }

  static Object[] row(String caseName, String label, Double... x) {
    return new Object[] {label, x == null ? null : Arrays.asList(x), caseName};
  }

  static String partFile(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow().getFileName().toString();
    }
  }

  @Test
  void parquetCorpus() throws IOException {
    Path cases = parquetCases(
        row("good", "0", 1.0, 2.0), row("good", "1", 2.0, 1.0), row("good", "0", 0.5, 0.5), row("good", "1", 3.0, 1.0),
        row("size", "0", 1.0, 2.0), row("size", "1", 2.0, 1.0), row("size", "0", 0.5, 0.5, 7.0), row("size", "1", 3.0, 1.0),
        row("nan", "0", 1.0, 2.0), row("nan", "1", Double.NaN, 1.0), row("nan", "0", 0.5, 0.5),
        row("null", "0", 1.0, 2.0), row("null", "1", 2.0, 1.0), row("null", "0", (Double[]) null),
        row("text", "1.5", 1.0, 2.0), row("text", "abc", 2.0, 1.0),
        row("unknown", "0", 1.0, 2.0), row("unknown", "7", 2.0, 1.0));
    Path good = cases.resolve("case=good");
    Path wrongSize = cases.resolve("case=size");
    assertMessage(failure("data.format=parquet", "data.train=" + wrongSize.toUri()), partFile(wrongSize)
        + ", row 2 (0-based): the row has 3 features; expected 2 (as in the first row, column 'features')");
    Path nan = cases.resolve("case=nan");
    assertMessage(failure("data.format=parquet", "data.train=" + nan.toUri()), partFile(nan)
        + ", row 1 (0-based): feature 0 is NaN; expected a finite number");
    Path nulls = cases.resolve("case=null");
    assertMessage(failure("data.format=parquet", "data.train=" + nulls.toUri()), partFile(nulls)
        + ", row 2 (0-based): the features are null");
    Path text = cases.resolve("case=text");
    assertMessage(failure("data.format=parquet", "data.train=" + text.toUri(), "model.loss=mse"), partFile(text)
        + ", row 1 (0-based): the label holds 'abc'; expected a number (regression target");
    Path unknown = cases.resolve("case=unknown");
    assertMessage(failure("data.format=parquet", "data.train=" + good.toUri(), "data.test=" + unknown.toUri()),
        "bad input in data.test", partFile(unknown) + ", row 1 (0-based): label '7' is not one of the classes seen in training (0, 1)");
    Path empty = tmp.resolve("parquet-empty");
    spark.createDataFrame(List.of(), ARRAY_SCHEMA).write().parquet(empty.toString());
    assertMessage(failure("data.format=parquet", "data.train=" + empty.toUri()), "holds no rows");
    Path notParquet = tmp.resolve("not-parquet/part-00000.parquet");
    Files.createDirectories(notParquet.getParent());
    Files.writeString(notParquet, "label,features\n0,1\n");
    assertMessage(failure("data.format=parquet", "data.train=" + notParquet.getParent().toUri()),
        "reading data.train = '" + notParquet.getParent().toUri() + "' failed", "part-00000.parquet");
    assertMessage(failure("data.format=parquet", "data.train=" + tmp.resolve("none.parquet").toUri()),
        "no such file or directory");
  }

  // --- IDX -----------------------------------------------------------------------------------

  /** An IDX file: magic, dims, then the values as unsigned bytes or floats. */
  static byte[] idx(int type, int[] dims, double... values) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
    for (int x : dims) d.writeInt(x);
    for (double v : values) {
      if (type == 0x0D) d.writeFloat((float) v);
      else d.writeByte((int) v);
    }
    return b.toByteArray();
  }

  static Path write(String name, byte[] bytes, boolean gzip) throws IOException {
    Path p = tmp.resolve("idx/" + name + (gzip ? ".gz" : ""));
    DataFixtures.write(p, bytes, gzip);
    return p;
  }

  static String idxFailure(Path images, Path labels, String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=idx", "data.train=" + images.toUri(), "data.trainLabels=" + labels.toUri()));
    o.addAll(List.of(more));
    return failure(o.toArray(new String[0]));
  }

  @Test
  void idxCorpus() throws IOException {
    double[] pixels = new double[10 * 4];
    for (int i = 0; i < pixels.length; i++) pixels[i] = i * 5 % 256;
    Path images = write("images", idx(0x08, new int[] {10, 2, 2}, pixels), false);
    Path labels = write("labels", idx(0x08, new int[] {10}, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1), false);

    byte[] badMagic = idx(0x08, new int[] {10, 2, 2}, pixels);
    badMagic[0] = 0x1f;
    Path malformed = write("bad-magic", badMagic, false);
    assertMessage(idxFailure(malformed, labels), hadoopName(malformed) + " is not an IDX file: it starts with bytes 1f 00, expected 00 00");
    Path nineLabels = write("nine-labels", idx(0x08, new int[] {9}, 0, 1, 0, 1, 0, 1, 0, 1, 0), false);
    assertMessage(idxFailure(images, nineLabels), hadoopName(nineLabels) + " holds 9 labels but " + hadoopName(images)
        + " holds 10 images: the files do not belong together");
    byte[] whole = idx(0x08, new int[] {10, 2, 2}, pixels);
    Path truncated = write("truncated", Arrays.copyOf(whole, 40), false);
    assertMessage(idxFailure(truncated, labels), hadoopName(truncated) + " declares 10 x 2 x 2 ubyte values (56 bytes with"
        + " the header) but is 40 bytes long: the file is truncated");
    Path truncatedGz = write("truncated", Arrays.copyOf(whole, 40), true);
    assertMessage(idxFailure(truncatedGz, labels), hadoopName(truncatedGz) + " ends before record 6 (0-based) of the 10"
        + " its header declares: the file is truncated");
    double[] floats = new double[10 * 4];
    floats[13] = Double.NaN;
    Path nan = write("nan-images", idx(0x0D, new int[] {10, 2, 2}, floats), false);
    assertMessage(idxFailure(nan, labels), hadoopName(nan) + ", row 3 (0-based): value 1 of the record is NaN; expected a finite number");
    Path unknown = write("unknown-labels", idx(0x08, new int[] {10}, 0, 1, 0, 1, 0, 1, 0, 7, 0, 1), true);
    assertMessage(idxFailure(images, labels, "data.test=" + images.toUri(), "data.testLabels=" + unknown.toUri()),
        "bad input in data.test", hadoopName(images) + ", row 7 (0-based): label '7' is not one of the classes seen in training (0, 1)");
    Path noImages = write("no-images", idx(0x08, new int[] {0, 2, 2}), false);
    Path noLabels = write("no-labels", idx(0x08, new int[] {0}), false);
    assertMessage(idxFailure(noImages, noLabels), "holds no rows");
    assertMessage(idxFailure(tmp.resolve("idx/none"), labels), "data.train = '" + tmp.resolve("idx/none").toUri()
        + "': no such file or directory");
  }

  // --- The skip policy, and nothing left behind -----------------------------------------------

  @Test
  void skipPolicyCountsBadRowsByReasonAndRefusesAboveTheLimit() throws Exception {
    Path file = tmp.resolve("mixed.csv");
    List<String> lines = new ArrayList<>(List.of("x1,x2,label"));
    for (int r = 0; r < 200; r++) {
      String line = (r % 3 - 1) + "," + (r % 5 - 2) + "," + (r % 2);
      if (r == 10) line = "1,abc,0";
      if (r == 20) line = "1,2";
      if (r == 30) line = "1,NaN,1";
      if (r == 40) line = "1,zzz,1";
      lines.add(line);
    }
    Files.write(file, lines);
    String base = "data.train=" + file.toUri();
    String refused = failure("data.format=csv", base, "data.onBadRow=skip", "data.maxBadFraction=0.01");
    assertMessage(refused, "4 of 200 rows (2.00%) are bad, more than data.maxBadFraction = 0.01 allows:"
        + " columnCount 1, nonNumeric 2, notFinite 1; first: " + hadoopName(file) + ", line 12:");

    Path out = tmp.resolve("skip-run");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    TrainConfig cfg = TrainConfig.load(null, List.of("data.format=csv", base, "data.onBadRow=skip",
        "data.maxBadFraction=0.05", "model.hidden=4", "train.epochs=1", "train.batchSize=50", "spark.partitions=2"));
    TrainJob.run(cfg, out.toString(), false, new PrintStream(console, true, StandardCharsets.UTF_8));
    assertMessage(console.toString(StandardCharsets.UTF_8), "skipped 4 bad rows of 200 (2.00%): columnCount 1,"
        + " nonNumeric 2, notFinite 1; first: " + hadoopName(file) + ", line 12: column 2 ('x2') holds 'abc'");
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    JsonNode train = summary.path("badRows").path("train");
    assertEquals(200, train.path("rows").asInt());
    assertEquals(4, train.path("skipped").asInt());
    assertEquals(2, train.path("byReason").path("nonNumeric").asInt());
    assertEquals(1, train.path("byReason").path("columnCount").asInt());
    assertEquals(1, train.path("byReason").path("notFinite").asInt());
  }

  @Test
  void aFailedJobLeavesNoOutputModelOrCheckpointBehindAndTheCliShowsOurMessage() {
    Path out = tmp.resolve("failed-run");
    Path ckpt = tmp.resolve("failed-ckpt");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.execute("train", "--set", "data.format=csv", "--set", "data.train=" + corpus("csv/non-numeric.csv").toUri(),
          "--set", "checkpoint.dir=" + ckpt.toUri(), "--set", "spark.master=local[2]", "--output", out.toString());
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, code);
    String first = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("sparkprop: error:")).findFirst()
        .orElse("(no error line)");
    assertTrue(first.startsWith("sparkprop: error: bad input in data.train = '"), first);
    assertMessage(first, ", line 4: column 2 ('f2') holds 'abc'; expected a number");
    assertFalse(Files.exists(out), "no output directory after a failed run");
    assertFalse(Files.exists(ckpt), "no checkpoint directory after a failed run");
  }
}
