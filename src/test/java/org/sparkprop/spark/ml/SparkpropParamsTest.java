package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkprop.config.ConfigException;
import org.sparkprop.config.TrainConfig;

/** The params: one per training key of the command line, same defaults and ranges, clear refusals. No Spark job runs. */
class SparkpropParamsTest {
  private static final Map<String, Object> REFERENCE = TrainConfig.defaults().resolved();
  private static final StructType SCHEMA = new StructType().add("features", SQLDataTypes.VectorType())
      .add("label", DataTypes.DoubleType);

  /** Keys that are not training options of a DataFrame fit: the data and the session are the caller's. */
  private static boolean appliesToAFit(String key) {
    if (key.startsWith("data.")) return key.equals("data.validationFraction");
    if (key.startsWith("spark.")) return !key.equals("spark.master") && !key.equals("spark.conf");
    return true;
  }

  static List<Param<?>> bound(SparkpropParams p) {
    List<Param<?>> out = new ArrayList<>();
    for (Param<?> param : p.params()) {
      if (p.sparkpropParamSet().configKey(param) != null) out.add(param);
    }
    return out;
  }

  @Test
  void everyTrainingKeyOfTheCommandLineIsAParamWithTheSameDefault() {
    for (SparkpropParams estimator : List.of(new SparkpropClassifier(), new SparkpropRegressor())) {
      Set<String> covered = new TreeSet<>();
      for (Param<?> param : bound(estimator)) {
        String key = estimator.sparkpropParamSet().configKey(param);
        covered.add(key);
        Object value = estimator.getOrDefault(param);
        Object expected = REFERENCE.get(key);
        if (key.equals("model.loss") && estimator instanceof SparkpropRegressor) expected = "mse";
        if (value instanceof int[] widths) value = Arrays.stream(widths).boxed().toList();
        if (value instanceof Number n && expected instanceof Number e) {
          assertEquals(e.doubleValue(), n.doubleValue(), param.name());
        } else {
          assertEquals(expected, value, param.name());
        }
        assertTrue(param.doc().length() > 20, param.name() + " needs documentation");
      }
      Set<String> wanted = new TreeSet<>();
      for (String key : REFERENCE.keySet()) {
        if (appliesToAFit(key)) wanted.add(key);
      }
      assertEquals(wanted, covered, estimator.getClass().getSimpleName());
      assertTrue(estimator.hasParam("resumeFromCheckpoint"));
    }
  }

  @Test
  void badValuesAreRefusedWithTheParamTheValueAndTheAcceptedRange() {
    SparkpropClassifier c = new SparkpropClassifier();
    SparkpropRegressor r = new SparkpropRegressor();
    refused(x -> c.setLearningRate(0), "parameter learningRate = 0.0 is not accepted: expected a number > 0");
    refused(x -> c.setLearningRate(Double.NaN), "learningRate = NaN", "a number > 0");
    refused(x -> c.setBatchSize(0), "batchSize = 0", "an integer >= 1 (rows per global mini-batch)");
    refused(x -> c.setEpochs(-3), "epochs = -3", ">= 1");
    refused(x -> c.setHiddenLayers(16, 0), "hiddenLayers = [16, 0]", "widths >= 1");
    refused(x -> c.setActivation("relux"), "activation = 'relux'",
        "one of identity, sigmoid, tanh, relu, leaky_relu, step");
    refused(x -> c.setOptimizer("adagrad"), "optimizer = 'adagrad'", "sgd, momentum, nesterov, adam, adamw");
    refused(x -> c.setMomentum(1.0), "momentum = 1.0", "in [0, 1)");
    refused(x -> c.setBeta2(-0.1), "beta2 = -0.1", "in [0, 1)");
    refused(x -> c.setEpsilon(0), "epsilon = 0.0", "> 0");
    refused(x -> c.setLrStepFactor(1.5), "lrStepFactor = 1.5", "in (0, 1]");
    refused(x -> c.setValidationFraction(1.0), "validationFraction = 1.0", "in [0, 1)");
    refused(x -> c.setStorageLevel("MEMORY"), "storageLevel = 'MEMORY'", "MEMORY_AND_DISK");
    refused(x -> c.setTreeFanIn(1), "treeFanIn = 1", ">= 2");
    refused(x -> c.setEarlyStoppingMetric("mse"), "earlyStoppingMetric = 'mse'", "one of loss, accuracy");
    refused(x -> c.setCheckpointDir(null), "checkpointDir must not be null");
    refused(x -> r.setLoss("cross_entropy"), "loss = 'cross_entropy'", "one of mae, mse, bce");
    refused(x -> r.setOutputActivation("softmax"), "outputActivation = 'softmax'", "one of auto, identity, sigmoid");
    // A refused value leaves the param as it was.
    assertEquals(0.01, c.getLearningRate());
    assertEquals("relu", c.getActivation());
    // Names are case-insensitive, like the command line's.
    assertEquals("LeakY_ReLU", c.setActivation("LeakY_ReLU").getActivation());
    assertEquals("memory_only", c.setStorageLevel("memory_only").getStorageLevel());
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
  void paramRangesAgreeWithTheCommandLinesValidator() {
    double[] probes = {-1, -1e-9, 0, 1e-9, 0.5, 0.999, 1, 1.5, 2, 7, 1e6};
    for (SparkpropParams estimator : List.of(new SparkpropClassifier(), new SparkpropRegressor())) {
      for (Param<?> param : bound(estimator)) {
        String key = estimator.sparkpropParamSet().configKey(param);
        Object example = estimator.getOrDefault(param);
        if (!(example instanceof Number)) continue;
        for (double probe : probes) {
          Object value = example instanceof Integer ? (Object) (int) probe
              : example instanceof Long ? (Object) (long) probe : (Object) probe;
          if (example instanceof Integer && (int) probe != probe) continue;
          boolean paramAccepts = accepts(param, value);
          boolean configAccepts;
          try {
            TrainConfig.load(null, List.of(key + "=" + value));
            configAccepts = true;
          } catch (ConfigException e) {
            configAccepts = false;
          }
          assertEquals(configAccepts, paramAccepts, param.name() + " = " + value + " (" + key + ")");
        }
      }
    }
  }

  @Test
  void enumeratedParamsOfferTheCommandLinesValuesNarrowedToTheTask() {
    SparkpropClassifier c = new SparkpropClassifier();
    SparkpropRegressor r = new SparkpropRegressor();
    for (String v : List.of("identity", "sigmoid", "tanh", "relu", "leaky_relu", "step")) {
      assertTrue(accepts(c.activation(), v) && accepts(r.activation(), v), v);
    }
    for (String v : List.of("mae", "mse", "bce", "cross_entropy")) assertTrue(accepts(c.loss(), v), v);
    for (String v : List.of("auto", "identity", "sigmoid", "softmax", "step")) assertTrue(accepts(c.outputActivation(), v), v);
    for (String v : List.of("auto", "glorot", "he")) assertTrue(accepts(c.weightInit(), v), v);
    for (String v : List.of("sgd", "momentum", "nesterov", "adam", "adamw")) assertTrue(accepts(c.optimizer(), v), v);
    for (String v : List.of("constant", "step", "cosine")) assertTrue(accepts(c.lrSchedule(), v), v);
    for (String v : List.of("NONE", "DISK_ONLY", "MEMORY_ONLY_SER_2", "OFF_HEAP")) assertTrue(accepts(c.storageLevel(), v), v);
    assertTrue(accepts(r.earlyStoppingMetric(), "mse") && !accepts(r.earlyStoppingMetric(), "accuracy"));
    assertTrue(!accepts(r.loss(), "cross_entropy") && !accepts(r.outputActivation(), "step"));
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
    assertEquals(0.01, c.getLearningRate());
    assertTrue(new SparkpropRegressor().uid().startsWith("sparkpropRegressor_"));
    String explained = c.explainParams();
    for (Param<?> p : c.params()) assertTrue(explained.contains(p.name() + ": " + p.doc()), p.name());
    assertEquals(34 + 6, c.params().length); // ours and Spark's featuresCol, labelCol, predictionCol, probabilityCol, rawPredictionCol, thresholds
  }

  private static boolean accepts(Param<?> param, Object value) {
    try {
      @SuppressWarnings("unchecked")
      Param<Object> p = (Param<Object>) param;
      p.isValid().apply(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void refused(Consumer<Void> setter, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> setter.accept(null));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
  }
}
