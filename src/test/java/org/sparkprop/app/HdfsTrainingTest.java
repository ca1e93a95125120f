package org.sparkprop.app;

import org.sparkprop.testing.DataFixtures;
import org.sparkprop.testing.LocalSpark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.testing.MiniHdfs;

/**
 * The train job reading its data from a real HDFS (MiniDFSCluster) and writing its output,
 * checkpoints and model there: a CSV directory of part files and a Parquet data set.
 */
class HdfsTrainingTest {
  static MiniHdfs hdfs;
  static JavaSparkContext sc;
  static SparkSession spark;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"));
    sc = LocalSpark.start("local[2]");
    spark = SparkSession.active();
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
    if (hdfs != null) hdfs.close();
  }

  static JsonNode readJson(String uri) throws Exception {
    try (InputStream in = hdfs.fileSystem().open(new org.apache.hadoop.fs.Path(uri))) {
      return JSON.readTree(in);
    }
  }

  @Test
  void csvPartFilesOnHdfsTrainWithCheckpointsAndModelOnHdfs() throws Exception {
    DataFixtures data = new DataFixtures(3000, 3);
    data.writeCsvParts(tmp.resolve("csv"), 3, true);
    hdfs.copyFromLocal(tmp.resolve("csv"), "/data/csv");
    String out = hdfs.uri("/runs/csv");
    ObjectNode summary = TrainJob.run(TrainConfig.load(null, List.of("data.format=csv", "data.train=" + hdfs.uri("/data/csv"),
            "data.test=" + hdfs.uri("/data/csv/part-00002.csv"), "data.validationFraction=0.2", "model.hidden=16",
            "train.epochs=3", "train.batchSize=100",
            "train.learningRate=0.03", "checkpoint.dir=" + hdfs.uri("/runs/csv-ckpt"), "spark.partitions=2")),
        out, false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(summary.path("weightsSha256"), readJson(out + "/summary.json").path("weightsSha256"));
    assertTrue(summary.path("data").asText().contains(hdfs.uri("/data/csv")), summary.path("data").asText());
    assertTrue(hdfs.exists("/runs/csv-ckpt"), "checkpoints on HDFS");
    LoadedModel model = LoadedModel.load(out + "/model", hdfs.configuration());
    assertEquals(List.of("cat", "dog", "eel"), model.preprocessing().labels().names());
    // Three classes cut by a linear rule on 3 features: after 3 epochs a 3-16-3 network is far above
    // chance (33%) on rows it has seen most of; 80% leaves room for the slow start of a short run.
    assertTrue(summary.path("testMetrics").path("accuracy").asDouble() > 0.8, summary.path("testMetrics").toString());
  }

  @Test
  void parquetOnHdfsTrains() throws Exception {
    DataFixtures data = new DataFixtures(2000, 3);
    String train = hdfs.uri("/data/parquet-train");
    String test = hdfs.uri("/data/parquet-test");
    data.labelledVectors(spark, 0, 1600).repartition(3).write().parquet(train);
    data.labelledVectors(spark, 1600, 2000).write().parquet(test);
    String out = hdfs.uri("/runs/parquet");
    ObjectNode summary = TrainJob.run(TrainConfig.load(null, List.of("data.format=parquet", "data.train=" + train,
            "data.test=" + test, "model.hidden=16", "train.epochs=3", "train.batchSize=100", "train.learningRate=0.03",
            "spark.partitions=2")),
        out, false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    JsonNode written = readJson(out + "/summary.json");
    assertEquals(1600, written.path("badRows").path("train").path("rows").asInt());
    assertEquals(400, written.path("badRows").path("test").path("rows").asInt());
    // As above: a linear 3-class rule, 3 epochs; far above the 33% of chance.
    assertTrue(summary.path("testMetrics").path("accuracy").asDouble() > 0.8, summary.path("testMetrics").toString());
    assertEquals(List.of("0", "1", "2"), LoadedModel.load(out + "/model", hdfs.configuration()).preprocessing().labels().names());
  }

  /**
   * An input of more paths than spark.sql.sources.parallelPartitionDiscovery.threshold (32 by
   * default, lowered here) is listed by a Spark job whose tasks and results carry HDFS's own file
   * statuses (located, with block locations) through Kryo, with registration required.
   */
  @Test
  void parquetOfMoreFilesThanTheDriverListsAloneOnHdfs() throws Exception {
    String train = hdfs.uri("/data/parquet-many-files");
    new DataFixtures(600, 3).labelledVectors(spark, 0, 600).repartition(6).write().parquet(train);
    String threshold = "spark.sql.sources.parallelPartitionDiscovery.threshold";
    spark.conf().set(threshold, "2");
    try {
      ObjectNode summary = TrainJob.run(TrainConfig.load(null, List.of("data.format=parquet", "data.train=" + train,
              "model.hidden=4", "train.epochs=1", "train.batchSize=100", "spark.partitions=2")),
          hdfs.uri("/runs/parquet-many-files"), false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertEquals(600, summary.path("badRows").path("train").path("rows").asInt(), summary.toString());
    } finally {
      spark.conf().unset(threshold);
    }
  }
}
