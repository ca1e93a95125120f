package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.ClassWeights;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.input.InputLoader;
import org.sparkprop.spark.input.InputOpener;
import org.sparkprop.spark.input.OpenedInput;
import org.sparkprop.testing.LocalSpark;

/**
 * The in-process reader splits files as Spark's pipeline does: the same splits (counted by their
 * good rows, in order) and the same first bad row with its file line, for 1, 3 and 8 splits over
 * two CSV files. The training bits alone cannot show this: the statistics merged in another split
 * order differ in a double's last bits, which the float32 scaling mostly rounds away.
 */
class LocalLoaderTest {
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

  private static Path files() throws Exception {
    Path dir = tmp.resolve("in");
    if (Files.exists(dir)) return dir;
    Files.createDirectories(dir);
    Random r = new Random(3);
    for (int part = 0; part < 2; part++) {
      StringBuilder sb = new StringBuilder("a,b,label\n");
      int rows = part == 0 ? 300 : 900;
      for (int i = 0; i < rows; i++) {
        if (i % 97 == 5) sb.append('\n'); // blank lines are no rows
        if (part == 1 && i == 444) {
          sb.append("1.5,oops,x\n"); // the first bad row: line 451 of part-1 (a header and 5 blank lines before it)
          continue;
        }
        sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", r.nextDouble(), r.nextGaussian(), r.nextBoolean() ? "x" : "y"));
      }
      Files.writeString(dir.resolve("part-" + part + ".csv"), sb.toString());
    }
    return dir;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void theSplitsAndTheFirstBadRowAreThoseOfSparksPipeline(int minPartitions) throws Exception {
    Path dir = files();
    TrainConfig cfg = TrainConfig.load(null, List.of("data.format=csv", "data.train=" + dir, "data.onBadRow=skip",
        "data.maxBadFraction=0.01"));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    OpenedInput sparkInput = InputOpener.open(SparkSession.active(), "data.train", dir.toString(), "data.trainLabels",
        "", DataSets.settings(cfg.data()), LabelMode.CLASSES, minPartitions);
    InputLoader.Scanned spark = InputLoader.scan(sparkInput, new InputLoader.Plan(true, 0.01, null,
        FeatureScaling.Method.STANDARD, false, ValidationSplit.none(), PartitionSizing.fixed(1), null,
        InputLoader.CONFIG_BAD_ROW_ADVICE), quiet);

    Configuration hadoop = sc.hadoopConfiguration();
    LocalLoader.LocalInput local = LocalLoader.open(hadoop, "data.train", dir.toString(), DataSets.settings(cfg.data()),
        LabelMode.CLASSES, minPartitions, false);
    LocalLoader.Scanned ours = LocalLoader.scan(local, new LocalLoader.Plan(true, 0.01, null,
        FeatureScaling.Method.STANDARD, false, ValidationSplit.none(), PartitionSizing.fixed(1), ClassWeights.NONE), quiet);

    assertTrue(spark.counts().length >= minPartitions, "Spark read " + spark.counts().length + " splits");
    assertArrayEquals(spark.counts(), ours.counts());
    assertArrayEquals(spark.starts(), ours.starts());
    assertEquals(spark.report().firstBadRow(), ours.report().firstBadRow());
    assertTrue(ours.report().firstBadRow().contains("part-1.csv, line 451"), ours.report().firstBadRow());
    assertEquals(spark.rules().mapping().classes(), ours.rules().mapping().classes());
  }
}
