package org.sparkprop.bench.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.spark.input.DataSets;

/**
 * One measurement of the {@code ingest} workload in a JVM of its own (started by {@link IngestBench}):
 * the seconds from a started Spark to training rows cached and counted, either by Spark's own reader,
 * {@code VectorAssembler} and {@code cache().count()}, or by Sparkprop's load phase (scan, parse,
 * scale, pack, keep). Also writes the Parquet copy of the CSV input ({@code prepare}).
 *
 * <p>Arguments: master reader(spark|sparkprop|prepare) format(csv|parquet) path features [parquetOut].
 */
public final class IngestRun {
  private IngestRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    String reader = args[1];
    String format = args[2];
    String path = args[3];
    int features = Integer.parseInt(args[4]);
    JavaSparkContext sc = BenchSpark.start(master);
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      SparkSession spark = SparkSession.active();
      long t0 = System.nanoTime();
      long rows;
      switch (reader) {
        case "prepare":
          spark.read().schema(schema(features)).option("header", "true").csv(path).write().mode("overwrite")
              .parquet(args[5]);
          rows = spark.read().parquet(args[5]).count();
          break;
        case "spark":
          Dataset<Row> table = "csv".equals(format)
              ? spark.read().schema(schema(features)).option("header", "true").csv(path)
              : spark.read().parquet(path);
          Dataset<Row> vectors = new VectorAssembler().setInputCols(featureNames(features)).setOutputCol("features")
              .transform(table).select("features", "label");
          vectors.persist(StorageLevel.MEMORY_AND_DISK());
          rows = vectors.count();
          out.put("cachedMiB", Bench.round(cachedBytes(sc) / 1048576.0, 1));
          vectors.unpersist(true);
          break;
        case "sparkprop":
          TrainConfig cfg = TrainConfig.load(null, List.of("data.format=" + format, "data.train=\"" + path + "\"",
              "data.header=true", "data.labelColumn=label", "data.validationFraction=0", "data.testFraction=0",
              "model.loss=cross_entropy", "spark.master=\"" + master + "\""));
          DataSets data = DataSets.load(cfg, sc, DataSets.partitioning(cfg), System.out);
          rows = data.train().rows();
          out.put("passes", data.load().passes());
          out.put("rowsFrom", data.train().placement().source());
          out.put("partitions", data.train().partitions());
          out.put("cachedMiB", Bench.round(data.train().cachedBytes() / 1048576.0, 1));
          data.unpersist();
          break;
        default:
          throw new IllegalArgumentException("reader " + reader + ": expected spark, sparkprop or prepare");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      out.put("reader", reader);
      out.put("format", format);
      out.put("rows", rows);
      out.put("seconds", Bench.round(seconds, 2));
      out.put("inputMB", Bench.round(inputBytes(Path.of(path)) / 1e6, 1));
      out.put("inputMBPerSecond", Bench.round(inputBytes(Path.of(path)) / 1e6 / seconds, 1));
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }

  /** The CSV's explicit schema: features f0..f(n-1) as doubles, then an integer label. */
  static StructType schema(int features) {
    List<StructField> fields = new ArrayList<>();
    for (String f : featureNames(features)) fields.add(DataTypes.createStructField(f, DataTypes.DoubleType, false));
    fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
    return DataTypes.createStructType(fields);
  }

  static String[] featureNames(int features) {
    String[] names = new String[features];
    for (int i = 0; i < features; i++) names[i] = "f" + i;
    return names;
  }

  private static long cachedBytes(JavaSparkContext sc) {
    long sum = 0;
    for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) sum += info.memSize() + info.diskSize();
    return sum;
  }

  /** Bytes of a file, or of the data files of a directory (Spark's part files). */
  static long inputBytes(Path path) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(path)) return java.nio.file.Files.size(path);
    try (var files = java.nio.file.Files.walk(path)) {
      return files.filter(java.nio.file.Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(".") && !f.getFileName().toString().startsWith("_"))
          .mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
