package org.sparkprop.spark.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.data.DataException;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.train.LocalGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * {@code data.weightColumn} through a CSV file and the Spark trainer: a row of weight k trains as
 * the row written k times, checked against the single-JVM trainer on the duplicated rows; and a
 * bad or missing weight stops the job with a message naming the column, file and line.
 */
class SampleWeightInputTest {
  private static final int ROWS = 240;
  static JavaSparkContext sc;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  /** Rows: x1, x2, x3, label (0/1/2), w (integer 0..3); and the same rows duplicated w times, unweighted. */
  private static final float[][] X = new float[ROWS][3];
  private static final int[] LABEL = new int[ROWS];
  private static final int[] WEIGHT = new int[ROWS];

  static {
    SplittableRandom rng = new SplittableRandom(4);
    for (int r = 0; r < ROWS; r++) {
      for (int j = 0; j < 3; j++) X[r][j] = (float) Math.round(rng.nextGaussian() * 1000) / 1000f;
      LABEL[r] = X[r][0] + X[r][1] > 0.3 ? 2 : X[r][2] > 0 ? 1 : 0;
      WEIGHT[r] = rng.nextInt(4);
    }
  }

  private static Path weightedCsv() throws IOException {
    StringBuilder sb = new StringBuilder("x1,w,x2,label,x3\n");
    for (int r = 0; r < ROWS; r++) {
      sb.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%s%n", X[r][0], WEIGHT[r], X[r][1], LABEL[r], X[r][2]));
    }
    Path p = tmp.resolve("weighted.csv");
    Files.writeString(p, sb.toString());
    return p;
  }

  private static PackedBlock duplicatedBlock() {
    int n = 0;
    for (int w : WEIGHT) n += w;
    float[] x = new float[n * 3];
    float[] y = new float[n];
    int k = 0;
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < WEIGHT[r]; c++) {
        System.arraycopy(X[r], 0, x, k * 3, 3);
        y[k++] = LABEL[r];
      }
    }
    return new PackedBlock(0, n, 3, 1, x, y);
  }

  private static int duplicatedRows() {
    int n = 0;
    for (int w : WEIGHT) n += w;
    return n;
  }

  private static TrainConfig config(String data, String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=csv", "data.train=" + data, "data.weightColumn=w",
        "data.scaling=none", "data.validationFraction=0", "model.loss=cross_entropy", "model.hidden=6",
        "model.activation=tanh", "train.optimizer=momentum", "train.learningRate=0.1",
        // One global batch per epoch holds every row of either set, so each round is the full-batch
        // step of the same weighted objective in both runs.
        "train.batchSize=" + duplicatedRows(), "train.epochs=30", "train.seed=8", "train.execution=spark",
        "train.logEveryRounds=1000"));
    o.addAll(List.of(more));
    return TrainConfig.load(null, o);
  }

  private static DataSets load(TrainConfig cfg, int partitions) {
    return DataSets.load(cfg, sc, partitions, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static float[] sparkParams(TrainConfig cfg, int partitions) throws IOException {
    DataSets data = load(cfg, partitions);
    try {
      return SparkTrainer.run(sc, cfg, data.train(), null, ResumePolicy.of(false), List.of()).result().params();
    } finally {
      data.unpersist();
    }
  }

  private static float[] localParams(TrainConfig cfg, PackedBlock block) {
    TrainingRecipe recipe = TrainingRecipe.of(cfg);
    NetworkSpec spec = recipe.network(3, 3, 1);
    try (LocalGradientSource source = new LocalGradientSource(new DenseNetwork(spec, Kernels.gemm()), block,
        cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS)) {
      TrainingLoop loop = new TrainingLoop(source, recipe.options(), null, null);
      float[] init = recipe.initializer().initialise(spec, cfg.train().seed());
      return loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot())).params();
    }
  }

  @Test
  void aWeightColumnTrainsAsTheRowsWrittenThatManyTimes() throws IOException {
    TrainConfig cfg = config(weightedCsv().toUri().toString());
    float[] reference = localParams(cfg, duplicatedBlock());
    double scale = 0;
    for (float v : reference) scale = Math.max(scale, Math.abs(v));
    float[] three = sparkParams(cfg, 3);
    double worst = 0;
    for (int i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(three[i] - reference[i]));
    // Same objective, other summation order (the duplicated rows sit elsewhere in the shuffle, and
    // three partitions add their sums in turn): ulps per round, well under 1e-4 of the largest
    // weight after 30 momentum steps. Treating weights as features, or ignoring them, moves the
    // weights by far more.
    assertTrue(worst <= 1e-4 * scale, "weighted csv on Spark vs duplicated rows: " + worst + " at scale " + scale);
    // Deterministic: the same partitioning gives the same bits again.
    assertArrayEquals(three, sparkParams(cfg, 3));
  }

  @Test
  void theWeightColumnIsNeverAFeatureAndTheModelRemembersIt() throws IOException {
    DataSets data = load(config(weightedCsv().toUri().toString()), 2);
    try {
      assertEquals(3, data.train().features());
      assertEquals(List.of("x1", "x2", "x3"), data.input().featureNames());
      assertEquals("w", data.input().weightColumn());
      double sum = 0;
      for (List<PackedBlock> part : data.train().collectByPartition()) {
        for (PackedBlock b : part) {
          assertTrue(b.weighted());
          for (float v : b.w) sum += v;
        }
      }
      assertEquals(duplicatedRows(), sum, 0.0);
    } finally {
      data.unpersist();
    }
  }

  @Test
  void badAndMissingWeightsNameTheColumnFileAndLine() throws IOException {
    Path bad = tmp.resolve("negative.csv");
    Files.writeString(bad, "x1,w,label\n0.5,1,0\n0.25,-2,1\n");
    String negative = assertThrows(DataException.class, () -> load(config(bad.toUri().toString()), 1)).getMessage();
    for (String part : new String[] {"line 3", "column 2 ('w')", "'-2'", "sample weight", "negative.csv"}) {
      assertTrue(negative.contains(part), "expected '" + part + "' in: " + negative);
    }
    Path nan = tmp.resolve("nan.csv");
    Files.writeString(nan, "x1,w,label\n0.5,NaN,0\n0.25,1,1\n");
    String notFinite = assertThrows(DataException.class, () -> load(config(nan.toUri().toString()), 1)).getMessage();
    assertTrue(notFinite.contains("line 2") && notFinite.contains("'NaN'"), notFinite);
    Path none = tmp.resolve("unweighted.csv");
    Files.writeString(none, "x1,x2,label\n0.5,1,0\n0.25,2,1\n");
    String missing = assertThrows(DataException.class, () -> load(config(none.toUri().toString()), 1)).getMessage();
    assertTrue(missing.contains("data.weightColumn = 'w'") && missing.contains("unweighted.csv"), missing);
  }

  @Test
  void parquetWeightsPackAsTheCsvWeightsDo() throws IOException {
    SparkSession spark = SparkSession.active();
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      rows.add(RowFactory.create((double) X[r][0], (double) WEIGHT[r], (double) X[r][1], (long) LABEL[r], (double) X[r][2]));
    }
    StructType schema = new StructType().add("x1", DataTypes.DoubleType).add("w", DataTypes.DoubleType)
        .add("x2", DataTypes.DoubleType).add("label", DataTypes.LongType).add("x3", DataTypes.DoubleType);
    Path parquet = tmp.resolve("weighted.parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet.toUri().toString());
    DataSets fromParquet = load(config(parquet.toUri().toString(), "data.format=parquet"), 1);
    DataSets fromCsv = load(config(weightedCsv().toUri().toString()), 1);
    try {
      PackedBlock p = fromParquet.train().collectByPartition().get(0).get(0);
      PackedBlock c = fromCsv.train().collectByPartition().get(0).get(0);
      assertEquals(List.of("x1", "x2", "x3"), fromParquet.input().featureNames());
      assertArrayEquals(c.x, p.x);
      assertArrayEquals(c.y, p.y);
      assertArrayEquals(c.w, p.w);
    } finally {
      fromParquet.unpersist();
      fromCsv.unpersist();
    }
    List<Row> negative = List.of(RowFactory.create(0.5, 1.0, 0.1, 0L, 0.2), RowFactory.create(0.5, -1.0, 0.1, 1L, 0.2));
    Path bad = tmp.resolve("negative.parquet");
    spark.createDataFrame(negative, schema).coalesce(1).write().parquet(bad.toUri().toString());
    String message = assertThrows(DataException.class,
        () -> load(config(bad.toUri().toString(), "data.format=parquet"), 1)).getMessage();
    assertTrue(message.contains("row 1") && message.contains("'w'") && message.contains("-1.0"), message);
  }

  @Test
  void zeroWeightRowsAreKept() throws IOException {
    Path zeros = tmp.resolve("zeros.csv");
    Files.writeString(zeros, "x1,w,label\n0.5,0,0\n0.25,1,1\n0.75,0,1\n-0.5,2,0\n");
    DataSets data = load(config(zeros.toUri().toString()), 1);
    try {
      assertEquals(4, data.train().rows());
    } finally {
      data.unpersist();
    }
  }
}
