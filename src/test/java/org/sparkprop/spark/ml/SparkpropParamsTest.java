package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The params as a Spark ML user meets them: clear refusals, rules between params before any job, and
 * Spark's own behaviour for uids, copies and explanations. Their parity with the command line is
 * {@link TrainingKeyParityTest}'s. No Spark job runs.
 */
class SparkpropParamsTest {
  private static final StructType SCHEMA = new StructType().add("features", SQLDataTypes.VectorType())
      .add("label", DataTypes.DoubleType);

  @Test
  void badValuesAreRefusedWithTheParamTheValueAndTheAcceptedRange() {
    SparkpropClassifier c = new SparkpropClassifier();
    SparkpropRegressor r = new SparkpropRegressor();
    refused(x -> c.setLearningRate(0), "parameter learningRate = 0.0 is not accepted: expected a number > 0");
    refused(x -> c.setLearningRate(Double.NaN), "learningRate = NaN", "a number > 0");
    refused(x -> c.setBatchSize(0), "parameter batchSize = 0 is not accepted: expected an integer >= 1");
    refused(x -> c.setEpochs(-3), "epochs = -3", ">= 0");
    refused(x -> c.setHiddenLayers(16, 0), "hiddenLayers = [16, 0]", "expected a list of integers >= 1; 0 is not");
    refused(x -> c.setActivation("relux"), "activation = 'relux'",
        "one of identity, sigmoid, tanh, relu, leaky_relu, step; did you mean 'relu'?");
    refused(x -> c.setOptimizer("adagrad"), "optimizer = 'adagrad'", "sgd, momentum, nesterov, adam, adamw");
    refused(x -> c.setMomentum(1.0), "momentum = 1.0", "in [0, 1)");
    refused(x -> c.setBeta2(-0.1), "beta2 = -0.1", "in [0, 1)");
    refused(x -> c.setEpsilon(0), "epsilon = 0.0", "> 0");
    refused(x -> c.setLrStepFactor(1.5), "lrStepFactor = 1.5", "in (0, 1]");
    refused(x -> c.setValidationFraction(1.0), "validationFraction = '1.0'", "expected auto or a number in [0, 1)");
    refused(x -> c.setValidationFraction("some"), "validationFraction = 'some'", "expected auto or a number in [0, 1)");
    refused(x -> c.setStorageLevel("MEMORY_AND_DISK"), "storageLevel = 'MEMORY_AND_DISK'", "auto, memory, disk");
    refused(x -> c.setTreeFanIn(1), "treeFanIn = 1", ">= 2");
    refused(x -> c.setEarlyStoppingMetric("mse"), "earlyStoppingMetric = 'mse'", "one of loss, accuracy");
    refused(x -> c.setCheckpointDir(null), "checkpointDir must not be null");
    refused(x -> r.setLoss("cross_entropy"), "loss = 'cross_entropy'", "one of mae, mse, bce");
    refused(x -> r.setOutputActivation("softmax"), "outputActivation = 'softmax'", "one of auto, identity, sigmoid");
    // A refused value leaves the param as it was.
    assertEquals(0.003, c.getLearningRate());
    assertEquals("relu", c.getActivation());
    // Names are case-insensitive, like the command line's.
    assertEquals("LeakY_ReLU", c.setActivation("LeakY_ReLU").getActivation());
    assertEquals("DiSk", c.setStorageLevel("DiSk").getStorageLevel());
    // Grids are checked too: Spark validates every value it puts in a ParamMap.
    IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
        () -> new ParamGridBuilder().addGrid(c.batchSize(), new int[] {32, 0}).build());
    assertTrue(grid.getMessage().contains("batchSize = 0"), grid.getMessage());
  }

  @Test
  void rulesBetweenParamsAreCheckedWhenTheSchemaIsValidatedBeforeAnyJob() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier()
        .setLrSchedule("step").setLearningRate(0.01).setLrMin(0.1).transformSchema(SCHEMA));
    assertTrue(e.getMessage().contains("lrMin = 0.1 exceeds learningRate = 0.01"), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid SparkpropClassifier params (1 problem)"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setLoss("bce")
        .setOutputActivation("softmax").transformSchema(SCHEMA));
    assertTrue(e.getMessage().contains("loss = bce needs outputActivation = sigmoid or auto, found 'softmax'"),
        e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> new SparkpropRegressor().setActivation("step")
        .transformSchema(SCHEMA));
    assertTrue(e.getMessage().contains("activation = 'step' with hiddenLayers = [16, 16]"), e.getMessage());

    // The same combinations are fine once consistent: a single-layer perceptron.
    StructType out = new SparkpropClassifier().setHiddenLayers().setOutputActivation("step").setLoss("mae")
        .transformSchema(SCHEMA);
    assertTrue(Arrays.asList(out.fieldNames()).containsAll(List.of("prediction", "rawPrediction", "probability")));
  }

  @Test
  void uidsCopiesAndExplanationsBehaveLikeSparksOwnEstimators() {
    SparkpropClassifier c = new SparkpropClassifier("mine");
    assertEquals("mine", c.uid());
    // Spark's shared params belong to the instance (see PendingUid).
    assertEquals("mine", c.featuresCol().parent());
    assertEquals("mine", c.hiddenLayers().parent());
    c.setFeaturesCol("f").setHiddenLayers(4, 3).setSeed(99);
    SparkpropClassifier copy = c.copy(new ParamMap().put(c.learningRate().w(0.2)));
    assertNotSame(c, copy);
    assertEquals("mine", copy.uid());
    assertEquals("f", copy.getFeaturesCol());
    assertArrayEquals(new int[] {4, 3}, copy.getHiddenLayers());
    assertEquals(99L, copy.getSeed());
    assertEquals(0.2, copy.getLearningRate());
    assertEquals(0.003, c.getLearningRate());
    assertTrue(new SparkpropRegressor().uid().startsWith("sparkpropRegressor_"));
    String explained = c.explainParams();
    for (Param<?> p : c.params()) assertTrue(explained.contains(p.name() + ": " + p.doc()), p.name());
    // Ours (with the two resume params, localSteps and stopAt) and Spark's featuresCol, labelCol,
    // predictionCol, probabilityCol, rawPredictionCol, thresholds.
    assertEquals(48 + 6, c.params().length);
  }

  private static void refused(Consumer<Void> setter, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> setter.accept(null));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
  }
}
