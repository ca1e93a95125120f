package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.testing.LocalSpark;

/**
 * The train command without Spark for small local inputs: the same weights (weightsSha256) and
 * test metrics as the same job read, packed and trained with Spark, for 1, 2 and 8 partitions
 * (the files split as Hadoop's TextInputFormat splits them, the statistics merged in split order),
 * across a checkpoint and a resume, and no SparkContext started on the way.
 */
class InProcessTrainingTest {
  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  /** Two part files of training rows (header, 5 features of 6 decimals, 3 string classes) and a test file. */
  private Path[] csvFiles() throws Exception {
    Path train = Files.createDirectories(tmp.resolve("train"));
    Random r = new Random(11);
    for (int part = 0; part < 2; part++) {
      StringBuilder sb = new StringBuilder("f0,f1,f2,label,f3,f4\n");
      for (int i = 0; i < 350; i++) sb.append(row(r));
      Files.writeString(train.resolve(String.format(Locale.ROOT, "part-%05d.csv", part)), sb.toString());
    }
    StringBuilder test = new StringBuilder("f0,f1,f2,label,f3,f4\n");
    for (int i = 0; i < 150; i++) test.append(row(r));
    Path testFile = tmp.resolve("test.csv");
    Files.writeString(testFile, test.toString());
    return new Path[] {train, testFile};
  }

  private static String row(Random r) {
    double[] f = new double[5];
    for (int j = 0; j < 5; j++) f[j] = r.nextGaussian() * (j + 1) * 37.5 + 100 * j;
    String label = f[0] + f[1] / 2 > 50 ? "up" : f[2] > 200 ? "side" : "down";
    return String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%s,%.6f,%.6f%n", f[0], f[1], f[2], label, f[3], f[4]);
  }

  private List<String> csv(int partitions, String... more) throws Exception {
    Path[] files = csvFiles();
    List<String> o = new ArrayList<>(List.of("data.format=csv", "data.train=" + files[0], "data.test=" + files[1],
        "data.labelColumn=label", "data.validationFraction=0.2", "model.hidden=8", "train.epochs=2",
        "train.batchSize=40", "train.seed=3", "train.optimizer=adam", "train.learningRate=0.01",
        "train.logEveryRounds=1000", "spark.master=\"local[2]\"", "spark.partitions=" + partitions));
    o.addAll(List.of(more));
    return o;
  }

  private ObjectNode run(List<String> overrides, String out, ResumePolicy resume) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    return TrainJob.run(TrainConfig.load(null, overrides), tmp.resolve(out).toString(), resume,
        new PrintStream(console, true, StandardCharsets.UTF_8));
  }

  /** The job run without Spark; asserts that no SparkContext was started for it. */
  private ObjectNode withoutSpark(List<String> overrides, String out) throws Exception {
    return withoutSpark(overrides, out, ResumePolicy.of(false));
  }

  private ObjectNode withoutSpark(List<String> overrides, String out, ResumePolicy resume) throws Exception {
    assertTrue(SparkContext$.MODULE$.getActive().isEmpty() && SparkEnv.get() == null, "no SparkContext before the run");
    ObjectNode summary = run(overrides, out, resume);
    assertTrue(SparkContext$.MODULE$.getActive().isEmpty() && SparkEnv.get() == null, "the in-process run started a SparkContext");
    assertTrue(SparkSession.getDefaultSession().isEmpty(), "the in-process run created a SparkSession");
    assertEquals("driver", summary.path("input").asText(), summary.toString());
    assertEquals("not started", summary.path("spark").asText());
    assertEquals("driver", summary.path("execution").asText());
    assertTrue(summary.path("kernelReason").asText().startsWith("math.kernel = "), summary.toString());
    return summary;
  }

  /** The same job with Spark: a session started first, so the job reads, packs and caches through it. */
  private ObjectNode withSpark(List<String> overrides, String out) throws Exception {
    LocalSpark.start("local[2]");
    try {
      ObjectNode summary = run(overrides, out, ResumePolicy.of(false));
      assertEquals("spark", summary.path("input").asText(), summary.toString());
      return summary;
    } finally {
      LocalSpark.stopActive();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 8})
  void csvWithoutSparkGivesTheWeightsOfSparkJobsAndOfTheSparkPipeline(int partitions) throws Exception {
    ObjectNode in = withoutSpark(csv(partitions), "in");
    assertEquals(partitions, in.path("partitions").asInt());
    assertTrue(in.path("inputReason").asText().contains("input files of"), in.path("inputReason").asText());
    // Rounds as Spark jobs, and rounds on the driver over the Spark pipeline's cached partitions.
    ObjectNode jobs = withSpark(csv(partitions, "train.execution=spark"), "jobs");
    ObjectNode pipeline = withSpark(csv(partitions, "train.execution=driver"), "pipeline");
    assertEquals("spark", jobs.path("execution").asText());
    assertEquals(jobs.path("weightsSha256").asText(), in.path("weightsSha256").asText());
    assertEquals(pipeline.path("weightsSha256").asText(), in.path("weightsSha256").asText());
    assertEquals(jobs.path("testMetrics"), in.path("testMetrics"));
    assertEquals(jobs.path("data").asText(), in.path("data").asText());
    assertEquals(jobs.path("trainLoss").asDouble(), in.path("trainLoss").asDouble(), 0.0);
  }

  @Test
  void derivedPartitionsReadTheFilesInAsManySplitsAsTheMasterHasCores() throws Exception {
    // spark.partitions = 0: the files are read in local[3]'s 3 splits and packed into 1 partition.
    List<String> o = csv(0, "spark.master=\"local[3]\"");
    ObjectNode in = withoutSpark(o, "in");
    LocalSpark.start("local[3]");
    ObjectNode spark;
    try {
      spark = run(o, "spark", ResumePolicy.of(false));
    } finally {
      LocalSpark.stopActive();
    }
    assertEquals(spark.path("partitions").asInt(), in.path("partitions").asInt());
    assertEquals(spark.path("weightsSha256").asText(), in.path("weightsSha256").asText());
  }

  @Test
  void libsvmWithoutSparkGivesTheWeightsOfSparkJobs() throws Exception {
    Random r = new Random(5);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      double a = r.nextGaussian();
      double b = r.nextGaussian() * 3;
      sb.append(a + b > 0 ? 1 : 0).append(String.format(Locale.ROOT, " 1:%.5f 3:%.5f", a, b));
      if (i % 3 == 0) sb.append(String.format(Locale.ROOT, " 4:%.5f", a * b));
      sb.append('\n');
    }
    Path file = tmp.resolve("rows.libsvm");
    Files.writeString(file, sb.toString());
    List<String> o = List.of("data.format=libsvm", "data.train=" + file, "data.validationFraction=0",
        "model.hidden=6", "train.epochs=2", "train.batchSize=32", "train.seed=9", "train.logEveryRounds=1000",
        "spark.master=\"local[2]\"", "spark.partitions=2");
    ObjectNode in = withoutSpark(o, "in");
    List<String> jobs = new ArrayList<>(o);
    jobs.add("train.execution=spark");
    assertEquals(withSpark(jobs, "jobs").path("weightsSha256").asText(), in.path("weightsSha256").asText());
  }

  @Test
  void generatedSpiralWithoutSparkGivesTheWeightsOfSparkJobs() throws Exception {
    List<String> o = List.of("data.format=playground", "data.playground.name=spiral", "data.playground.rows=600",
        "data.testFraction=0.2", "data.validationFraction=0", "model.hidden=[8,8]", "train.epochs=2",
        "train.batchSize=32", "train.seed=42", "train.logEveryRounds=1000", "spark.master=\"local[2]\"",
        "spark.partitions=2");
    ObjectNode in = withoutSpark(o, "in");
    assertTrue(in.path("inputReason").asText().contains("generated rows"), in.path("inputReason").asText());
    List<String> jobs = new ArrayList<>(o);
    jobs.add("train.execution=spark");
    ObjectNode spark = withSpark(jobs, "jobs");
    assertEquals(spark.path("weightsSha256").asText(), in.path("weightsSha256").asText());
    assertEquals(spark.path("testMetrics"), in.path("testMetrics"));
  }

  @Test
  void aCheckpointWithoutSparkResumesBitIdenticallyWithoutSparkAndWithSpark() throws Exception {
    String uninterrupted = withoutSpark(csv(2), "a").path("weightsSha256").asText();
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    // Stop after 20 of the 2 x 14 rounds, with a checkpoint every 5; then resume to the end.
    ObjectNode stopped = withoutSpark(csv(2, "train.maxRounds=20", "checkpoint.dir=" + ckpt,
        "checkpoint.everyRounds=5"), "b1");
    assertNotEquals(uninterrupted, stopped.path("weightsSha256").asText());
    Path copy = tmp.resolve("ckpt-copy");
    try (var files = Files.walk(tmp.resolve("ckpt"))) {
      for (Path f : files.toList()) Files.copy(f, copy.resolve(tmp.resolve("ckpt").relativize(f).toString()));
    }
    ObjectNode resumed = withoutSpark(csv(2, "checkpoint.dir=" + ckpt, "checkpoint.everyRounds=5"), "b2",
        ResumePolicy.of(true));
    assertFalse(resumed.path("resume").path("from").asText().isEmpty(), resumed.path("resume").toString());
    assertEquals(uninterrupted, resumed.path("weightsSha256").asText());
    // The same checkpoint resumed by the job with Spark (same recipe, so accepted without changes).
    LocalSpark.start("local[2]");
    try {
      ObjectNode viaSpark = run(csv(2, "checkpoint.dir=" + copy.toUri(), "checkpoint.everyRounds=5", "train.execution=spark"),
          "b3", ResumePolicy.of(true));
      assertFalse(viaSpark.path("resume").path("from").asText().isEmpty(), viaSpark.path("resume").toString());
      assertTrue(viaSpark.path("resume").path("changes").isEmpty(), viaSpark.path("resume").toString());
      assertEquals(uninterrupted, viaSpark.path("weightsSha256").asText());
    } finally {
      LocalSpark.stopActive();
    }
  }

  @Test
  void filesUnderTheLimitWhosePackedRowsAreOverItAreReadAgainWithSpark() throws Exception {
    // One-digit values take 2 bytes a value as text and 4 packed: 400 rows of 4 features and a label
    // are 4,010 bytes of file and 8,000 packed; a limit between the two lets the files in, then
    // auto finds the packed rows too large for the driver and reads them with Spark; in Spark's
    // local mode the rounds then run on the driver's threads over the cached blocks.
    StringBuilder sb = new StringBuilder("a,b,c,d,label\n");
    Random r = new Random(2);
    for (int i = 0; i < 400; i++) {
      for (int j = 0; j < 4; j++) sb.append(r.nextInt(10)).append(',');
      sb.append(r.nextBoolean() ? 1 : 0).append('\n');
    }
    Path file = tmp.resolve("digits.csv");
    Files.writeString(file, sb.toString());
    ObjectNode summary = run(List.of("data.format=csv", "data.train=" + file, "data.validationFraction=0",
        "model.hidden=4", "train.epochs=1", "train.batchSize=50", "train.logEveryRounds=1000",
        "spark.master=\"local[2]\"", "spark.partitions=2", "train.driverMaxBytes=6000"), "out", ResumePolicy.of(false));
    assertEquals("spark", summary.path("input").asText(), summary.toString());
    assertTrue(summary.path("inputReason").asText().contains("larger than train.driverMaxBytes"),
        summary.path("inputReason").asText());
    assertEquals("driver", summary.path("execution").asText(), summary.path("executionReason").asText());
    assertTrue(summary.path("executionReason").asText().startsWith("Spark's local mode (local[2])"),
        summary.path("executionReason").asText());
  }
}
