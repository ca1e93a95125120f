package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.data.FeatureStats;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.LocalGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * SparkpropRegressor on a vector label column: a multi-target regression whose weights follow
 * the single-JVM reference trainer on the same rows (each target standardised on its own), whose
 * model predicts a vector per row (transform, predictVector) in the targets' units, and which
 * saves and loads with its per-target scaling.
 */
class MultiTargetRegressorTest {
  private static SparkSession spark;
  static final int ROWS = 400;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    spark = MlTestData.start();
  }

  @AfterAll
  static void stop() {
    MlTestData.stop(spark);
  }

  static double a(int r) {
    return (r % 19) / 4.0 - 2.2;
  }

  static double b(int r) {
    return (r * 5 % 13) / 3.0 - 2;
  }

  /** Two targets of very different scales. */
  static double[] targets(int r) {
    return new double[] {2 * a(r) - b(r) + 50, -300 * b(r) + 20 * a(r) * b(r)};
  }

  static Dataset<Row> frame(boolean asArray) {
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      double[] t = targets(r);
      Object label = asArray ? (Object) List.of(t[0], t[1])
          : Vectors.dense(t);
      rows.add(RowFactory.create(Vectors.dense(a(r), b(r)), label));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", asArray ? DataTypes.createArrayType(DataTypes.DoubleType) : SQLDataTypes.VectorType());
    return spark.createDataFrame(rows, schema);
  }

  static SparkpropRegressor regressor() {
    return new SparkpropRegressor().setHiddenLayers(5).setActivation("tanh").setOptimizer("adam").setLearningRate(0.02)
        .setBatchSize(40).setEpochs(5).setSeed(6).setValidationFraction(0.0).setExecution("spark").setPartitions(3);
  }

  @Test
  void aVectorLabelTrainsSeveralTargetsAsTheLocalTrainerDoes() throws Exception {
    SparkpropRegressor estimator = regressor();
    SparkpropRegressionModel model = estimator.fit(frame(false));
    assertEquals(2, model.numTargets());
    assertTrue(model.network().startsWith("2-5-2"), model.network());

    // The reference: the same rows as one block, no feature scaling (Spark ML's), each target standardised.
    float[] x = new float[ROWS * 2];
    float[] y = new float[ROWS * 2];
    for (int r = 0; r < ROWS; r++) {
      x[2 * r] = (float) a(r);
      x[2 * r + 1] = (float) b(r);
      y[2 * r] = (float) targets(r)[0];
      y[2 * r + 1] = (float) targets(r)[1];
    }
    PackedBlock block = new PackedBlock(0, ROWS, 2, 2, x, y);
    TargetScaling scaling = TargetScaling.fit(FeatureStats.of(block, i -> true));
    scaling.applyTo(block.y, ROWS, 2);
    TrainConfig cfg = estimator.sparkpropParamSet().toConfig(estimator);
    NetworkSpec spec = TrainingRecipe.of(cfg).network(2, 0, 2);
    TrainingRecipe recipe = TrainingRecipe.of(cfg);
    float[] init = recipe.initializer().initialise(spec, cfg.train().seed());
    float[] local;
    try (LocalGradientSource source = new LocalGradientSource(new DenseNetwork(spec, Kernels.gemm()), block,
        cfg.train().batchSize(), cfg.train().seed(), TrainingRecipe.CHUNK_ROWS)) {
      TrainingLoop loop = new TrainingLoop(source, recipe.options(), null, null);
      local = loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot())).params();
    }
    float[] distributed = model.weights();
    double worst = 0;
    double largest = 0;
    for (int i = 0; i < local.length; i++) {
      worst = Math.max(worst, Math.abs(local[i] - distributed[i]));
      largest = Math.max(largest, Math.abs(local[i]));
    }
    // Three partitions reorder the float sums of each round's gradient and of the target statistics (a few
    // ulps each); five epochs of Adam keep that well under 1e-4 of the largest weight (DistributedTrainingTest).
    assertTrue(worst <= 1e-4 * largest, "max difference " + worst + " vs largest weight " + largest);

    // transform appends a vector prediction in the targets' units, equal to predictVector row by row.
    Dataset<Row> predicted = model.transform(frame(false));
    assertTrue(predicted.schema().apply("prediction").dataType() instanceof VectorUDT);
    List<Row> rows = predicted.select("features", "prediction").collectAsList();
    double[] sse = new double[2];
    for (int r = 0; r < ROWS; r++) {
      Vector p = rows.get(r).getAs(1);
      Vector one = model.predictVector(rows.get(r).getAs(0));
      assertEquals(2, p.size());
      for (int k = 0; k < 2; k++) {
        // A chunk of rows and a single row run GEMMs of different shapes, whose kernels may order the float sums
        // differently: equal within a few float32 ulps of the standardised output (about 1), times the target's scale.
        assertEquals(one.apply(k), p.apply(k), 1e-6 * scaling.scale(k), "row " + r + " target " + k);
        double e = p.apply(k) - targets(r)[k];
        sse[k] += e * e;
      }
    }
    // Each target's error in its own units is well under its spread: the per-target scaling is undone per output.
    for (int k = 0; k < 2; k++) {
      double rmse = Math.sqrt(sse[k] / ROWS);
      assertTrue(rmse < 0.5 * scaling.scale(k), "target " + k + ": rmse " + rmse + " vs std " + scaling.scale(k));
    }
    assertThrows(UnsupportedOperationException.class, () -> model.predict(Vectors.dense(0, 0)));

    // Saved and loaded with both targets' scaling: the same predictions.
    String dir = tmp.resolve("model").toString();
    model.write().save(dir);
    SparkpropRegressionModel loaded = SparkpropRegressionModel.load(dir);
    assertEquals(2, loaded.numTargets());
    assertEquals(model.predictVector(Vectors.dense(0.5, -1)), loaded.predictVector(Vectors.dense(0.5, -1)));
  }

  @Test
  void anArrayLabelIsTheSameAsAVectorLabel() {
    // The same numbers as an array column: the same rows packed, so the same weights to the bit.
    float[] fromVector = regressor().setEpochs(1).fit(frame(false)).weights();
    float[] fromArray = regressor().setEpochs(1).fit(frame(true)).weights();
    org.junit.jupiter.api.Assertions.assertArrayEquals(fromVector, fromArray);
  }
}
