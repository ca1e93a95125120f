package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.io.onnx.OnnxExport;

/**
 * {@code exportOnnx} of the Spark ML models against their own {@code transform}: ONNX Runtime on the
 * exported file gives the prediction and probability columns within 1e-5 (the same float32
 * network, summed in another order and with other exp/tanh approximations: see OnnxExportTest),
 * relative to the value for a regression in the label's units.
 */
class OnnxModelExportTest {
  private static final double TOLERANCE = 1e-5;
  private static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = MlTestData.start();
  }

  @AfterAll
  static void stop() {
    MlTestData.stop(spark);
  }

  @Test
  void aClassifiersOnnxFileGivesItsPredictionsAndProbabilities() throws Exception {
    Dataset<Row> data = MlTestData.vectors(spark, "spiral", 400, 0, 3);
    SparkpropClassificationModel model = new SparkpropClassifier().setHiddenLayers(8, 8).setActivation("leaky_relu")
        .setLearningRate(0.03).setBatchSize(50).setEpochs(3).setSeed(4).setPartitions(2).setValidationFraction(0).fit(data);
    Path onnx = tmp.resolve("classifier.onnx");
    model.exportOnnx(onnx.toString());
    List<Row> rows = model.transform(data).select("features", "prediction", "probability").collectAsList();
    try (Session s = new Session(onnx, rows)) {
      long[] labels = s.longs(OnnxExport.LABEL);
      float[] p = s.floats(OnnxExport.PROBABILITY);
      for (int r = 0; r < rows.size(); r++) {
        Vector expected = rows.get(r).getAs(2);
        for (int c = 0; c < 2; c++) assertEquals(expected.apply(c), p[2 * r + c], TOLERANCE, "row " + r + " class " + c);
        if (Math.abs(expected.apply(0) - expected.apply(1)) > TOLERANCE) {
          assertEquals(rows.get(r).getDouble(1), labels[r], "row " + r);
        }
      }
    }
    IOException exists = assertThrows(IOException.class, () -> model.exportOnnx(onnx.toString()));
    assertTrue(exists.getMessage().contains(onnx.toString()), exists.getMessage());
  }

  @Test
  void aRegressorsOnnxFileGivesItsPredictionsInTheLabelsUnits() throws Exception {
    Dataset<Row> data = MlTestData.vectors(spark, "multigauss", 400, 0.1, 5);
    SparkpropRegressionModel model = new SparkpropRegressor().setHiddenLayers(8).setActivation("sigmoid")
        .setLearningRate(0.02).setBatchSize(50).setEpochs(3).setSeed(6).setPartitions(2).setValidationFraction(0).fit(data);
    Path onnx = tmp.resolve("regressor.onnx");
    model.exportOnnx(onnx.toString());
    List<Row> rows = model.transform(data).select("features", "prediction").collectAsList();
    try (Session s = new Session(onnx, rows)) {
      float[] v = s.floats(OnnxExport.PREDICTION);
      for (int r = 0; r < rows.size(); r++) {
        double expected = rows.get(r).getDouble(1);
        assertEquals(expected, v[r], TOLERANCE * Math.max(1, Math.abs(expected)), "row " + r);
      }
    }
  }

  /** One ONNX Runtime run of an exported file on the feature vectors of {@code rows} (column 0). */
  private static final class Session implements AutoCloseable {
    private final OrtSession session;
    private final OnnxTensor input;
    private final OrtSession.Result result;

    Session(Path onnx, List<Row> rows) throws IOException, OrtException {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      int inputs = ((Vector) rows.get(0).getAs(0)).size();
      float[] x = new float[rows.size() * inputs]; // (rows, inputs)
      for (int r = 0; r < rows.size(); r++) {
        Vector v = rows.get(r).getAs(0);
        for (int j = 0; j < inputs; j++) x[r * inputs + j] = (float) v.apply(j);
      }
      session = env.createSession(Files.readAllBytes(onnx), new OrtSession.SessionOptions());
      input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows.size(), inputs});
      result = session.run(Map.of(OnnxExport.FEATURES, input));
    }

    float[] floats(String name) throws OrtException {
      FloatBuffer b = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
      float[] out = new float[b.remaining()];
      b.get(out);
      return out;
    }

    long[] longs(String name) throws OrtException {
      java.nio.LongBuffer b = ((OnnxTensor) result.get(name).orElseThrow()).getLongBuffer();
      long[] out = new long[b.remaining()];
      b.get(out);
      return out;
    }

    @Override
    public void close() throws OrtException {
      result.close();
      input.close();
      session.close();
    }
  }
}
