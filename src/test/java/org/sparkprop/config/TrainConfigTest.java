package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig.DataFormat;
import org.sparkprop.data.FeatureScaling.Method;
import org.sparkprop.data.Playground.ExtraFeature;
import org.sparkprop.data.Playground.Kind;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.ScheduleKind;
import org.sparkprop.train.StopMetric;

class TrainConfigTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = Files.createTempFile(dir, "run", ".conf");
    Files.writeString(f, text);
    return f;
  }

  private static TrainConfig set(String... overrides) {
    return TrainConfig.load(null, List.of(overrides));
  }

  @Test
  void defaultsLoadWithTheDocumentedValues() {
    TrainConfig c = TrainConfig.defaults();
    assertEquals(DataFormat.PLAYGROUND, c.data().format());
    assertEquals(Kind.SPIRAL, c.data().playground().name());
    assertEquals(2000, c.data().playground().rows());
    assertEquals(List.of(), c.data().playground().extraFeatures());
    assertEquals(0.2, c.data().testFraction());
    assertEquals(0.01, c.data().maxBadFraction());
    assertTrue(c.data().header());
    assertEquals(",", c.data().delimiter());
    assertFalse(c.data().hasTest());
    assertEquals(List.of(16, 16), c.model().hidden());
    assertEquals(Activation.RELU, c.model().activation());
    assertEquals(Loss.CROSS_ENTROPY, c.model().loss());
    assertEquals(OptimizerKind.ADAM, c.train().optimizer());
    assertEquals(0.003, c.train().learningRate());
    assertEquals(64, c.train().batchSize());
    assertEquals(0, c.train().epochs());
    assertTrue(c.train().untilConverged());
    assertEquals(200, c.train().epochLimit());
    assertEquals(10, c.train().earlyStopping().patience());
    assertEquals(1e-4, c.train().earlyStopping().minDelta());
    assertTrue(c.train().earlyStopping().restoreBest());
    assertTrue(c.data().validationFraction().isAuto());
    assertEquals(0.1, c.validationFraction(), "auto holds out 0.1 when training until converged");
    assertTrue(c.data().scaleTarget());
    assertEquals(TrainConfig.Execution.AUTO, c.train().execution());
    assertEquals(32L << 20, c.train().driverMaxBytes());
    assertEquals(42L, c.train().seed());
    assertEquals(1e-8, c.train().epsilon());
    assertEquals(0.999, c.train().beta2());
    assertEquals(ScheduleKind.CONSTANT, c.train().lrSchedule());
    assertEquals(StopMetric.LOSS, c.train().earlyStopping().metric());
    assertEquals(50, c.train().logEveryRounds());
    assertEquals(0L, c.train().maxRounds());
    assertEquals("local[*]", c.spark().master());
    assertEquals("auto", c.spark().storageLevel());
    assertEquals(8, c.spark().treeFanIn());
    assertEquals(Map.of(), c.spark().conf());
    assertFalse(c.checkpoint().enabled());
    assertEquals(3, c.checkpoint().keep());
  }

  @Test
  void autoValuesResolveAsDocumented() {
    TrainConfig c = TrainConfig.defaults();
    assertEquals(AutoOr.auto(), c.model().output());
    assertEquals(AutoOr.of(Initializer.GLOROT), c.model().init(), "glorot by default, also for relu");
    assertEquals(Activation.SOFTMAX, c.model().effectiveOutput());
    assertEquals(Initializer.GLOROT, c.model().effectiveInit());
    assertEquals(Initializer.HE, TrainConfig.load(null, List.of("model.init=auto")).model().effectiveInit(),
        "auto is he for a relu network");
    assertEquals(Method.NONE, c.data().effectiveScaling());

    assertEquals(Activation.SIGMOID, set("model.loss=bce").model().effectiveOutput());
    assertEquals(Activation.IDENTITY, set("model.loss=mse").model().effectiveOutput());
    assertEquals(AutoOr.of(Activation.SOFTMAX), set("model.loss=mse", "model.output=softmax").model().output());
    assertEquals(Initializer.GLOROT, set("model.activation=tanh").model().effectiveInit());
    assertEquals(Initializer.HE, set("model.init=auto", "model.activation=leaky_relu").model().effectiveInit());
    assertEquals(Initializer.GLOROT, set("model.init=auto", "model.activation=tanh").model().effectiveInit());
    assertEquals(Initializer.HE, set("model.init=he").model().effectiveInit());
    assertEquals(Method.STANDARD, set("data.format=csv", "data.train=x.csv").data().effectiveScaling());
    assertEquals(Method.DIVIDE_BY_255,
        set("data.format=idx", "data.train=i", "data.trainLabels=l").data().effectiveScaling());
    assertEquals(Method.MINMAX, set("data.format=idx", "data.train=i", "data.trainLabels=l",
        "data.scaling=minmax").data().effectiveScaling());

    assertEquals(0.0, set("train.epochs=40").validationFraction(), "a fixed epoch count trains on every row");
    assertEquals(0.25, set("train.epochs=40", "data.validationFraction=0.25").validationFraction());
    assertEquals(0.0, set("data.validationFraction=0").validationFraction());
    assertEquals(AutoOr.of(0.3), set("data.validationFraction=\"0.3\"").data().validationFraction());
    assertTrue(set("data.validationFraction=AUTO").data().validationFraction().isAuto());
  }

  @Test
  void validationFractionIsAutoOrAFraction() {
    for (String bad : new String[] {"1", "-0.1", "some", "NaN"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> set("data.validationFraction=" + bad));
      assertTrue(e.getMessage().contains("data.validationFraction") && e.getMessage().contains("auto or a number in [0, 1)"),
          e.getMessage());
    }
  }

  @Test
  void stopAtIsATargetTheLossCanReachOrNothing() throws Exception {
    assertTrue(set().train().stopTarget().isEmpty(), "no target by default");
    assertEquals("accuracy >= 0.85", set("train.stopAt=accuracy=0.85").train().stopTarget().orElseThrow().toString());
    // In a file the value is quoted HOCON; --stop-at reaches the key as an override.
    assertEquals("loss <= 0.3", TrainConfig.load(file("train.stopAt = \"loss=0.3\"\n"), List.of()).train()
        .stopTarget().orElseThrow().toString());

    ConfigException malformed = assertThrows(ConfigException.class, () -> set("train.stopAt=f1=0.9"));
    assertTrue(malformed.getMessage().contains("train.stopAt") && malformed.getMessage().contains("f1=0.9")
        && malformed.getMessage().contains("METRIC=VALUE with METRIC one of accuracy, loss, mse"), malformed.getMessage());
    ConfigException regression = assertThrows(ConfigException.class,
        () -> set("model.loss=mse", "train.stopAt=accuracy=0.9"));
    assertTrue(regression.getMessage().contains("the evaluation of model.loss = mse has no accuracy (mse or loss)"),
        regression.getMessage());
    ConfigException classes = assertThrows(ConfigException.class, () -> set("train.stopAt=mse=0.1"));
    assertTrue(classes.getMessage().contains("the evaluation of model.loss = cross_entropy has no mse (accuracy or loss)"),
        classes.getMessage());
  }

  @Test
  void overridesBeatTheFileWhichBeatsTheDefaults() throws Exception {
    Path f = file("train { batchSize = 128, epochs = 3 }\nmodel.hidden = [8]\n");
    TrainConfig c = TrainConfig.load(f, List.of("train.batchSize=256", "train.batchSize=512"));
    assertEquals(512, c.train().batchSize(), "later --set wins over earlier --set and the file");
    assertEquals(3, c.train().epochs(), "file wins over the default");
    assertEquals(List.of(8), c.model().hidden());
    assertEquals(0.003, c.train().learningRate(), "untouched keys keep their default");
  }

  @Test
  void fileMaySubstituteAndInclude() throws Exception {
    Path base = file("train.epochs = 7\n");
    Path f = file("include file(\"" + base + "\")\ntrain.logEveryRounds = ${train.epochs}\n");
    TrainConfig c = TrainConfig.load(f, List.of());
    assertEquals(7, c.train().epochs());
    assertEquals(7, c.train().logEveryRounds());
  }

  @Test
  void listOverridesAreCommaSeparatedAndEmptyMeansEmpty() {
    assertEquals(List.of(256, 128), set("model.hidden=256,128").model().hidden());
    assertEquals(List.of(256, 128), set("model.hidden=[256, 128]").model().hidden());
    assertEquals(List.of(5), set("model.hidden=5").model().hidden());
    assertEquals(List.of(), set("model.hidden=").model().hidden());
    assertEquals(List.of(), set("model.hidden=[]").model().hidden());
    assertArrayEquals(new int[] {3, 2}, set("model.hidden=3, 2").model().hiddenSizes());
    assertEquals(List.of(ExtraFeature.X1SQ, ExtraFeature.SINX2),
        set("data.playground.extraFeatures=x1sq,sinx2").data().playground().extraFeatures());
  }

  @Test
  void emptyValueOfAStringKeyIsTheEmptyString() throws Exception {
    Path f = file("data.test = \"t.csv\"\ncheckpoint.dir = /tmp/ck\n");
    TrainConfig c = TrainConfig.load(f, List.of("data.test=", "checkpoint.dir="));
    assertEquals("", c.data().test());
    assertFalse(c.data().hasTest());
    assertFalse(c.checkpoint().enabled());
  }

  @Test
  void overrideValuesAreTakenVerbatimUnlessDoubleQuoted() {
    assertEquals("a=b c", set("data.train=a=b c").data().train(), "only the first '=' splits");
    assertEquals("\t", set("data.delimiter=\"\\t\"").data().delimiter());
    assertEquals(";", set("data.delimiter=;").data().delimiter());
  }

  @Test
  void numbersAndBooleansFromSetAreParsed() {
    TrainConfig c = set("train.learningRate=1e-3", "train.maxRounds=10000000000", "data.header=false",
        "train.seed=-5", "train.epochs=1e2");
    assertEquals(1e-3, c.train().learningRate());
    assertEquals(10_000_000_000L, c.train().maxRounds());
    assertFalse(c.data().header());
    assertEquals(-5L, c.train().seed());
    assertEquals(100, c.train().epochs(), "a whole number written with an exponent is an integer");
  }

  @Test
  void enumeratedValuesAreCaseInsensitiveAndNormalised() {
    TrainConfig c = set("model.activation=LEAKY_RELU", "spark.storageLevel=DISK");
    assertEquals(Activation.LEAKY_RELU, c.model().activation());
    assertEquals("leaky_relu", c.resolved().get("model.activation"));
    assertEquals("disk", c.spark().storageLevel(), "as reference.conf spells it");
  }

  @Test
  void labelColumnMayBeANameOrAnIndex() throws Exception {
    assertEquals(OptionalInt.empty(), TrainConfig.defaults().data().labelColumnIndex());
    assertEquals(OptionalInt.of(0), set("data.labelColumn=0").data().labelColumnIndex());
    TrainConfig c = TrainConfig.load(file("data.labelColumn = 3\n"), List.of());
    assertEquals("3", c.data().labelColumn());
    assertEquals(OptionalInt.of(3), c.data().labelColumnIndex());
  }

  @Test
  void sparkConfPassesThroughInEitherSpellingAndSetReplacesIt() throws Exception {
    Path f = file("spark.conf { \"spark.executor.memory\" = 2g\n spark.sql.shuffle.partitions = 8\n"
        + " spark.jars = [a.jar, b.jar] }\n");
    TrainConfig c = TrainConfig.load(f, List.of());
    assertEquals(Map.of("spark.executor.memory", "2g", "spark.sql.shuffle.partitions", "8",
        "spark.jars", "a.jar,b.jar"), c.spark().conf());

    c = TrainConfig.load(f, List.of("spark.conf.spark.sql.shuffle.partitions=16",
        "spark.conf.\"spark.executor.memory\"=4g", "spark.conf.spark.anything.new=x"));
    assertEquals("16", c.spark().conf().get("spark.sql.shuffle.partitions"),
        "an override replaces a nested-spelling entry of the file");
    assertEquals("4g", c.spark().conf().get("spark.executor.memory"));
    assertEquals("x", c.spark().conf().get("spark.anything.new"), "keys under spark.conf are not checked");
  }

  @Test
  void fromConfigFillsMissingKeysWithDefaults() {
    Config partial = ConfigFactory.parseString("train.batchSize = 32\nmodel.loss = mse");
    TrainConfig c = TrainConfig.fromConfig(partial);
    assertEquals(32, c.train().batchSize());
    assertEquals(Loss.MSE, c.model().loss());
    assertEquals(0, c.train().epochs());
    assertTrue(c.scalesTarget(), "mse with the identity output auto gives");
  }

  @Test
  void resolvedHasEveryKeyOfReferenceConfWithJsonFriendlyValues() {
    Config reference = ConfigFactory.parseResources("reference.conf");
    Set<String> expected = new TreeSet<>(reference.entrySet().stream().map(Map.Entry::getKey).toList());
    expected.add("spark.conf"); // an empty object, so entrySet() does not list it
    Map<String, Object> resolved = TrainConfig.defaults().resolved();
    assertEquals(expected, resolved.keySet());
    assertEquals(new TreeSet<>(resolved.keySet()).stream().toList(), List.copyOf(resolved.keySet()),
        "sorted by key");
    for (Map.Entry<String, Object> e : resolved.entrySet()) {
      Object v = e.getValue();
      assertTrue(v instanceof Number || v instanceof String || v instanceof Boolean
          || v instanceof List || v instanceof Map, e.getKey() + " has type " + v.getClass());
    }
    assertInstanceOf(Integer.class, resolved.get("train.batchSize"));
    assertInstanceOf(Long.class, resolved.get("train.maxRounds"));
    assertInstanceOf(Double.class, resolved.get("train.learningRate"));
    assertEquals(List.of(16, 16), resolved.get("model.hidden"));
    assertThrows(UnsupportedOperationException.class, () -> resolved.put("x", 1));
  }

  @Test
  void renderIsReadableAndLoadsBackToTheSameConfig() throws Exception {
    TrainConfig c = set("model.hidden=32,8", "data.delimiter=\"\\t\"", "data.test=te\"st.csv",
        "spark.conf.spark.executor.memory=4g", "data.playground.extraFeatures=x1x2",
        "train.epsilon=1e-9", "data.labelColumn=2");
    String text = c.render();
    assertTrue(text.contains("train.batchSize = 64\n"), text);
    assertTrue(text.contains("model.hidden = [32, 8]\n"), text);
    assertTrue(text.contains("model.output = \"auto\"  # auto: softmax\n"), text);
    assertTrue(text.contains("spark.conf.\"spark.executor.memory\" = \"4g\"\n"), text);
    TrainConfig back = TrainConfig.load(file(text), List.of());
    assertEquals(c.resolved(), back.resolved());
    assertEquals(c, back);
    assertTrue(TrainConfig.defaults().render().contains("spark.conf = {}\n"));
  }

  @Test
  void sectionsAreImmutableAndSerializable() throws Exception {
    TrainConfig c = set("model.hidden=4,2", "spark.conf.spark.a=b");
    assertThrows(UnsupportedOperationException.class, () -> c.model().hidden().add(1));
    assertThrows(UnsupportedOperationException.class, () -> c.spark().conf().put("k", "v"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      TrainConfig copy = (TrainConfig) in.readObject();
      assertEquals(c, copy);
      assertEquals(c.train(), copy.train());
    }
  }

  @Test
  void valuesAreTheEnginesOwnTypesSpelledAsReferenceConfSpellsThem() {
    TrainConfig c = set("model.activation=leaky_relu", "model.loss=mse", "train.optimizer=nesterov",
        "train.lrSchedule=cosine", "train.earlyStopping.metric=mse", "data.playground.name=multigauss");
    assertEquals(Activation.LEAKY_RELU, c.model().activation());
    assertEquals("leaky_relu", c.model().activation().configName());
    assertEquals(OptimizerKind.NESTEROV, c.train().optimizer());
    assertEquals(ScheduleKind.COSINE, c.train().lrSchedule());
    assertEquals(StopMetric.MSE, c.train().earlyStopping().metric());
    assertEquals(Kind.MULTIGAUSS, c.data().playground().name());
    assertEquals("cosine", c.resolved().get("train.lrSchedule"));
  }
}
