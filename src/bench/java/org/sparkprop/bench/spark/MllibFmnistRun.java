package org.sparkprop.bench.spark;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.data.IdxHeader;

/**
 * MLlib's half of the {@code fmnist} workload: {@code MultilayerPerceptronClassifier} with its best
 * solver (L-BFGS) for a fixed number of iterations on Fashion-MNIST, 784-256-128-10, then its test
 * accuracy. Runs in a JVM of its own, started by {@link FmnistBench} with MLlib's native BLAS
 * environment, and timed from that JVM's start like {@link FmnistRun}.
 *
 * <p>L-BFGS cannot be stopped at an accuracy from outside; but its path does not depend on
 * {@code maxIter} (that only ends it), so runs with several iteration counts bracket the time it
 * needs to reach the target.
 *
 * <p>Arguments: master partitions dir maxIter seed.
 */
public final class MllibFmnistRun {
  private MllibFmnistRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int partitions = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    int maxIter = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);

    SparkSession spark = MllibRun.plainSession(master, "mllib-fmnist");
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      double sparkReady = FmnistRun.sinceJvmStart();
      // The same pixels as Sparkprop's idx reader gives its network: bytes divided by 255.
      Dataset<Row> train = frame(spark, dir.resolve("train-images-idx3-ubyte.gz"),
          dir.resolve("train-labels-idx1-ubyte.gz"), partitions).cache();
      Dataset<Row> test = frame(spark, dir.resolve("t10k-images-idx3-ubyte.gz"),
          dir.resolve("t10k-labels-idx1-ubyte.gz"), partitions).cache();
      long trainRows = train.count();
      long testRows = test.count();
      double dataReady = FmnistRun.sinceJvmStart();
      MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {784, 256, 128, 10}).setSolver("l-bfgs").setMaxIter(maxIter).setSeed(seed);
      long f0 = System.nanoTime();
      MultilayerPerceptronClassificationModel model = mlp.fit(train);
      double fitSeconds = (System.nanoTime() - f0) / 1e9;
      double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
          .evaluate(model.transform(test));
      double done = FmnistRun.sinceJvmStart();
      out.put("trainer", "mllib");
      out.put("solver", "l-bfgs");
      out.put("blas", MllibRun.blasDescription());
      out.put("layers", new int[] {784, 256, 128, 10});
      out.put("trainRows", trainRows);
      out.put("testRows", testRows);
      out.put("maxIter", maxIter);
      out.put("iterationsRun", model.summary().totalIterations());
      out.put("sparkReadySeconds", Bench.round(sparkReady, 2));
      out.put("dataReadySeconds", Bench.round(dataReady, 2));
      out.put("fitSeconds", Bench.round(fitSeconds, 2));
      out.put("secondsToAccuracy", Bench.round(done, 2));
      out.put("testAccuracy", Bench.round(accuracy, 4));
    } finally {
      spark.stop();
    }
    ChildJvm.printResult(out);
  }

  /** The images and labels of one IDX pair as (label, features) rows, read on the driver. */
  static Dataset<Row> frame(SparkSession spark, Path images, Path labels, int partitions) throws IOException {
    List<Row> rows = new ArrayList<>();
    try (DataInputStream x = open(images); DataInputStream y = open(labels)) {
      IdxHeader xh = IdxHeader.read(x, images.toString());
      IdxHeader yh = IdxHeader.read(y, labels.toString());
      if (xh.records() != yh.records()) {
        throw new IllegalArgumentException(images + " has " + xh.records() + " images but " + labels + " has "
            + yh.records() + " labels");
      }
      float[] pixels = new float[xh.valuesPerRecord()];
      float[] label = new float[1];
      byte[] scratch = new byte[(int) Math.max(xh.recordBytes(), yh.recordBytes())];
      for (int r = 0; r < xh.records(); r++) {
        xh.readRecord(x, pixels, scratch);
        yh.readRecord(y, label, scratch);
        double[] v = new double[pixels.length];
        for (int j = 0; j < v.length; j++) v[j] = pixels[j] / 255.0;
        rows.add(RowFactory.create((double) label[0], Vectors.dense(v)));
      }
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())});
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.toString().endsWith(".gz")) in = new GZIPInputStream(in, 1 << 16);
    return new DataInputStream(in);
  }
}
