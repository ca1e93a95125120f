package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.nn.Activation;

/** Every kind of problem, asserted by what the user needs to read in it. */
class ConfigValidatorTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = Files.createTempFile(dir, "run", ".conf");
    Files.writeString(f, text);
    return f;
  }

  private static ConfigException fails(Path file, String... overrides) {
    return assertThrows(ConfigException.class, () -> TrainConfig.load(file, List.of(overrides)));
  }

  private static ConfigException fails(String... overrides) {
    return fails(null, overrides);
  }

  /** The one problem reported, checking there is exactly one. */
  private static String only(ConfigException e) {
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @Test
  void unknownKeyInAFileNamesFileLineAndSuggestion() throws Exception {
    Path f = file("train {\n  learnigRate = 0.1\n}\n");
    String p = only(fails(f));
    assertEquals("unknown key 'train.learnigRate' in " + f + ":2; did you mean 'train.learningRate'?", p);
  }

  @Test
  void unknownKeyInSetNamesTheArgumentAndSuggestion() {
    String p = only(fails("train.learnigRate=0.1"));
    assertEquals("unknown key 'train.learnigRate' in --set train.learnigRate=0.1; "
        + "did you mean 'train.learningRate'?", p);
  }

  @Test
  void suggestionsFindTheRightNameInTheWrongSection() throws Exception {
    assertTrue(only(fails("model.learningRate=1")).endsWith("did you mean 'train.learningRate'?"));
    assertTrue(only(fails(file("batchSize = 3\n"))).endsWith("did you mean 'train.batchSize'?"));
    assertTrue(only(fails("train.batchsize=3")).endsWith("did you mean 'train.batchSize'?"));
    assertTrue(only(fails("trian.epochs=3")).endsWith("did you mean 'train.epochs'?"));
    assertTrue(only(fails(file("chekpoint { dir = x }\n"))).endsWith("did you mean 'checkpoint'?"));
    String ambiguous = only(fails("data.seed=3"));
    assertTrue(ambiguous.contains("'train.seed'") && ambiguous.contains("'data.synthetic.seed'"), ambiguous);
  }

  @Test
  void farOffNamesGetNoSuggestion() {
    String p = only(fails("train.lr=0.1"));
    assertEquals("unknown key 'train.lr' in --set train.lr=0.1", p, "lr is not a typo of l2");
    assertFalse(only(fails("model.colour=red")).contains("did you mean"));
  }

  @Test
  void sparkSettingsOutsideSparkConfPointThere() throws Exception {
    Path f = file("spark.executor.memory = 2g\n");
    String p = only(fails(f));
    assertTrue(p.startsWith("unknown key 'spark.executor' in " + f + ":1"), p);
    assertTrue(p.contains("go under spark.conf"), p);
  }

  @Test
  void outOfRangeIntegerNamesKeyValueAndRange() {
    assertEquals("train.batchSize = -3: expected an integer >= 1 (from --set train.batchSize=-3)",
        only(fails("train.batchSize=-3")));
    assertTrue(only(fails("spark.treeFanIn=1")).startsWith("spark.treeFanIn = 1: expected an integer >= 2"));
    assertTrue(only(fails("train.epochs=3000000000"))
        .startsWith("train.epochs = 3000000000: expected an integer >= 0 and <= 2147483647"));
    assertTrue(only(fails("train.epochs=2.5")).startsWith("train.epochs = 2.5: expected an integer >= 0"));
    assertTrue(only(fails("train.epochs=-1")).startsWith("train.epochs = -1: expected an integer >= 0"));
  }

  @Test
  void outOfRangeNumbersNameTheInterval() throws Exception {
    assertTrue(only(fails("train.learningRate=0")).startsWith("train.learningRate = 0: expected a number > 0"));
    assertTrue(only(fails("train.momentum=1")).startsWith("train.momentum = 1: expected a number in [0, 1)"));
    assertTrue(only(fails("data.maxBadFraction=1.5"))
        .startsWith("data.maxBadFraction = 1.5: expected a number in [0, 1]"));
    assertTrue(only(fails("data.playground.noise=0.6"))
        .startsWith("data.playground.noise = 0.6: expected a number in [0, 0.5]"));
    assertTrue(only(fails("train.lrStepFactor=0"))
        .startsWith("train.lrStepFactor = 0: expected a number in (0, 1]"));
    assertTrue(only(fails("train.l2=-0.1")).startsWith("train.l2 = -0.1: expected a number >= 0"));
    assertTrue(only(fails("train.learningRate=NaN")).startsWith("train.learningRate = 'NaN': expected a number > 0"));
    String p = only(fails(file("train.learningRate = -1\n")));
    assertTrue(p.matches("train.learningRate = -1: expected a number > 0 \\(from .*run.*\\.conf:1\\)"), p);
  }

  @Test
  void badEnumeratedValueListsTheAcceptedValues() {
    String p = only(fails("model.activation=rellu"));
    assertTrue(p.startsWith("model.activation = 'rellu': expected one of identity, sigmoid, tanh, relu, "
        + "leaky_relu, step; did you mean 'relu'?"), p);
    p = only(fails("spark.storageLevel=dsik"));
    assertTrue(p.contains("expected one of auto, memory, disk"), p);
    assertTrue(p.contains("did you mean 'disk'?"), p);
    p = only(fails("data.scaling=divide_by_255"));
    assertTrue(p.contains("expected one of auto, standard, minmax, none"), "internal-only value refused: " + p);
  }

  @Test
  void wrongTypesNameWhatWasFoundAndWhatIsExpected() throws Exception {
    assertTrue(only(fails("train.epochs=many")).startsWith("train.epochs = 'many': expected an integer >= 0"));
    assertTrue(only(fails("data.header=maybe")).startsWith("data.header = 'maybe': expected true or false"));
    assertTrue(only(fails(file("model.hidden = 16\n")))
        .startsWith("model.hidden = 16: expected a list of integers >= 1"));
    assertTrue(only(fails(file("model.loss = [mse]\n")))
        .startsWith("model.loss = [\"mse\"]: expected one of mae, mse, bce, cross_entropy"));
    assertTrue(only(fails(file("data.delimiter = \"\"\n")))
        .startsWith("data.delimiter = '': expected a non-empty string"));
    assertTrue(only(fails(file("data.train = { a = 1 }\n")))
        .startsWith("data.train = {\"a\":1}: expected a string"));
    assertTrue(only(fails(file("model.init = null\n"))).startsWith("model.init = null: expected one of auto, glorot, he"));
    assertTrue(only(fails(file("data.labelColumn = -1\n")))
        .startsWith("data.labelColumn = -1: expected a column name or a 0-based column index"));
  }

  @Test
  void badListElementsAreNamed() {
    String p = only(fails("model.hidden=16,0"));
    assertTrue(p.startsWith("model.hidden = [\"16\",\"0\"]: expected a list of integers >= 1; 0 is not"), p);
    p = only(fails("data.playground.extraFeatures=x1sq,x3"));
    assertTrue(p.contains("expected a list of distinct values from x1sq, x2sq, x1x2, sinx1, sinx2; 'x3' is not one"), p);
    p = only(fails("data.playground.extraFeatures=sinx1,sinx1"));
    assertTrue(p.contains("'sinx1' appears twice"), p);
  }

  @Test
  void syntheticClassesRefusesOne() {
    assertTrue(only(fails("data.synthetic.classes=1"))
        .startsWith("data.synthetic.classes = 1: expected 0 or an integer >= 2"));
    assertTrue(TrainConfig.load(null, List.of("data.synthetic.classes=0")).data().synthetic().regression());
  }

  @Test
  void malformedSetNamesTheArgument() {
    String p = only(fails("trainbatchSize128"));
    assertTrue(p.startsWith("malformed --set 'trainbatchSize128': expected key=value"), p);
    p = only(fails("train=5"));
    assertTrue(p.contains("'train' is a section, not a key"), p);
    p = only(fails("spark.conf=x"));
    assertTrue(p.contains("--set spark.conf.spark.executor.memory=4g"), p);
    p = only(fails("train..epochs=3"));
    assertTrue(p.startsWith("malformed --set 'train..epochs=3'"), p);
  }

  @Test
  void missingOrBrokenFileIsNamed() throws Exception {
    Path missing = dir.resolve("nope.conf");
    assertEquals("config file not found: " + missing.toAbsolutePath(), only(fails(missing)));
    assertTrue(only(fails(dir)).startsWith("config file is not a regular file: "));
    Path broken = file("train { batchSize = \n");
    String p = only(fails(broken));
    assertTrue(p.startsWith("cannot read config file: " + broken + ": 2:"), p);
    p = only(fails(file("train.epochs = ${NO_SUCH_SETTING_ANYWHERE}\n")));
    assertTrue(p.startsWith("cannot resolve config file") && p.contains("NO_SUCH_SETTING_ANYWHERE"), p);
  }

  @Test
  void aSectionReplacedByAValueIsReportedOnceNotPerKey() throws Exception {
    String p = only(fails(file("checkpoint = off\n")));
    assertTrue(p.startsWith("checkpoint = 'off': expected a section (an object of keys such as checkpoint."), p);
    p = only(fails(file("spark.conf = \"spark.a=b\"\n")));
    assertTrue(p.startsWith("spark.conf = 'spark.a=b': expected an object of Spark settings"), p);
  }

  @Test
  void lossAndOutputMustMatch() {
    String p = only(fails("model.loss=bce", "model.output=softmax"));
    assertTrue(p.startsWith("model.loss = bce needs model.output = sigmoid or auto, found 'softmax'"), p);
    p = only(fails("model.output=sigmoid"));
    assertTrue(p.startsWith("model.loss = cross_entropy needs model.output = softmax or auto, found 'sigmoid'"), p);
    p = only(fails("model.loss=bce", "model.output=step", "model.hidden="));
    assertTrue(p.contains("found 'step'"), p);
    TrainConfig ok = TrainConfig.load(null, List.of("model.loss=mse", "model.output=softmax"));
    assertEquals(Activation.SOFTMAX, ok.model().effectiveOutput());
  }

  @Test
  void hiddenStepUnitsAreRefusedButAPerceptronIsAllowed() {
    String p = only(fails("model.activation=step"));
    assertEquals("model.activation = 'step' with model.hidden = [16, 16]: " + CrossKeyRules.STEP_HIDDEN_MESSAGE, p);
    assertTrue(p.contains("zero derivative almost everywhere"), p);
    assertTrue(p.contains("(model.hidden empty, model.output = step)"), p);
    TrainConfig perceptron = TrainConfig.load(null, List.of("model.hidden=", "model.activation=step",
        "model.output=step", "model.loss=mse"));
    assertEquals(Activation.STEP, perceptron.model().effectiveOutput());
  }

  @Test
  void fileFormatsNeedTheirPaths() {
    for (String format : List.of("csv", "libsvm", "parquet")) {
      String p = only(fails("data.format=" + format));
      assertEquals("data.format = " + format + " needs data.train (the training data URI), which is empty", p);
    }
    ConfigException e = fails("data.format=idx");
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("data.format = idx needs data.train"));
    assertTrue(e.getMessage().contains("data.format = idx needs data.trainLabels"));
    String p = only(fails("data.format=idx", "data.train=imgs", "data.trainLabels=lbls", "data.test=timgs"));
    assertTrue(p.contains("needs data.testLabels"), p);
  }

  @Test
  void lrMinMustNotExceedTheLearningRateOfADecayingSchedule() {
    String p = only(fails("train.lrSchedule=cosine", "train.lrMin=0.5"));
    assertTrue(p.startsWith("train.lrMin = 0.5 exceeds train.learningRate = 0.003"), p);
    TrainConfig.load(null, List.of("train.lrMin=0.5")); // constant schedule: lrMin is unused
  }

  @Test
  void allProblemsAreReportedTogetherOnePerLine() throws Exception {
    Path f = file("train.learnigRate = 0.1\nmodel.activation = rellu\n");
    ConfigException e = fails(f, "train.batchSize=-3", "oops", "train.epochs=abc",
        "model.loss=bce", "model.output=softmax", "data.format=csv");
    List<String> problems = e.problems();
    assertEquals(7, problems.size(), e.getMessage());
    String[] lines = e.getMessage().split("\n");
    assertEquals("invalid configuration (7 problems):", lines[0]);
    assertEquals(8, lines.length);
    for (int i = 0; i < problems.size(); i++) assertEquals("  " + problems.get(i), lines[i + 1]);
    String m = e.getMessage();
    for (String needle : List.of("malformed --set 'oops'", "unknown key 'train.learnigRate'",
        "model.activation = 'rellu'", "train.batchSize = -3", "train.epochs = 'abc'",
        "model.loss = bce needs", "data.format = csv needs data.train")) {
      assertTrue(m.contains(needle), needle + " missing from\n" + m);
    }
  }

  @Test
  void fromConfigValidatesToo() {
    ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.fromConfig(
        ConfigFactory.parseString("train.batchSize = 0\nmodel.hiden = [3]")));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'model.hidden'?"));
    assertTrue(e.getMessage().contains("train.batchSize = 0: expected an integer >= 1"));
  }

  @Test
  void referenceConfItselfIsValid() {
    TrainConfig.defaults(); // would throw ConfigException if a default broke its own rule
    assertTrue(ConfigValidator.knownKeys().contains("train.maxRounds"));
  }
}
