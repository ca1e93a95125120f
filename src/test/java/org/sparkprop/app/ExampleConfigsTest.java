package org.sparkprop.app;

import org.sparkprop.testing.LocalSpark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.SweepPlan;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.train.StopRequest;

/**
 * The example jobs in conf/: every file loads and validates, the generated-data ones train, and
 * the three course models learn what they are there to show. One local[2] session for the class
 * (the jobs' own spark.master is then not used).
 */
class ExampleConfigsTest {
  private static JavaSparkContext sc;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop(sc);
  }

  private static List<Path> examples() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("conf"))) {
      return files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
    }
  }

  private ObjectNode train(String file, String... overrides) throws Exception {
    TrainConfig cfg = TrainConfig.load(Path.of(file), List.of(overrides));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Path out = tmp.resolve(Path.of(file).getFileName().toString().replace(".conf", ""));
    return TrainJob.run(cfg, out.toString(), false, new PrintStream(console, true, StandardCharsets.UTF_8));
  }

  @Test
  void everyExampleLoadsAndTheGeneratedOnesTrainAFewRounds() throws Exception {
    List<Path> files = examples();
    assertTrue(files.size() >= 6, "expected spiral, the three course models, the large job and reference.conf: " + files);
    List<String> trained = new ArrayList<>();
    for (Path f : files) {
      TrainConfig cfg = TrainConfig.load(f, List.of()); // throws, naming the key, if an example has gone stale
      TrainConfig.DataFormat format = cfg.data().format();
      if (!format.generated()) continue;
      // Scaled down so every generated example runs its real pipeline in seconds: few rows, 3 rounds.
      ObjectNode summary = train(f.toString(), "data.synthetic.rows=3000", "data.playground.rows=600",
          "train.maxRounds=3", "spark.partitions=2");
      assertEquals(3, summary.path("rounds").asLong(), f.toString());
      assertTrue(Double.isFinite(summary.path("trainLoss").asDouble()), f.toString());
      trained.add(f.getFileName().toString());
    }
    assertTrue(trained.containsAll(List.of("spiral.conf", "linear-regression.conf", "logistic-regression.conf",
        "perceptron.conf", "synthetic-large.conf")), trained.toString());
  }

  @Test
  void linearRegressionFitsThePlane() throws Exception {
    ObjectNode s = train("conf/linear-regression.conf");
    assertEquals("[]", s.path("config").path("model.hidden").toString());
    // y = (x1 + x2) / 10 with input noise 0.1: the best linear fit explains ~99% of the variance.
    assertTrue(s.path("testMetrics").path("r2").asDouble() > 0.97, s.path("testMetrics").toString());
  }

  @Test
  void logisticRegressionSeparatesTheCircleWithSquaredFeatures() throws Exception {
    ObjectNode s = train("conf/logistic-regression.conf");
    // x1, x2, x1^2, x2^2 into one sigmoid unit.
    assertTrue(s.path("network").asText().startsWith("4-1 (sigmoid output, bce loss"), s.path("network").asText());
    assertTrue(s.path("testMetrics").path("accuracy").asDouble() >= 0.95, s.path("testMetrics").toString());
  }

  @Test
  void thePerceptronSeparatesTwoGaussianClouds() throws Exception {
    ObjectNode s = train("conf/perceptron.conf");
    assertTrue(s.path("network").asText().contains("step output"), s.path("network").asText());
    assertTrue(s.path("testMetrics").path("accuracy").asDouble() >= 0.97, s.path("testMetrics").toString());
    assertFalse(s.path("config").path("model.hidden").elements().hasNext());
  }

  @Test
  void theLibSvmExampleInfersItsWidthAndSeparatesTheThreeBlobs() throws Exception {
    ObjectNode s = train("conf/blobs-libsvm.conf");
    // 6 sparse features inferred from the file (data.features = 0), 3 classes from labels 1..3.
    assertTrue(s.path("network").asText().startsWith("6-8-3"), s.path("network").asText());
    // Three well-separated Gaussian blobs: a small ReLU network classifies nearly every test row.
    assertTrue(s.path("testMetrics").path("accuracy").asDouble() >= 0.95, s.path("testMetrics").toString());
    assertEquals(3, s.path("testMetrics").path("confusionMatrix").size());
  }

  /** The README's sweep commands, as the shell would split them (double quotes only), @files expanded. */
  private static List<List<String>> readmeSweeps() throws Exception {
    List<List<String>> commands = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      if (!line.startsWith("submit-scripts/local.sh sweep ")) continue;
      List<String> args = new ArrayList<>();
      for (String word : words(line.substring("submit-scripts/local.sh sweep ".length()))) {
        if (word.startsWith("@")) {
          // picocli's argument file: one argument or option per line, # for comments
          for (String fileLine : Files.readAllLines(Path.of(word.substring(1)))) {
            if (!fileLine.strip().startsWith("#")) args.addAll(words(fileLine));
          }
        } else {
          args.add(word);
        }
      }
      commands.add(args);
    }
    return commands;
  }

  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
    while (m.find()) words.add(m.group(1) != null ? m.group(1) : m.group(2));
    return words;
  }

  /** Runs a sweep command's figures with extra --set overrides, into the test's folder. */
  private ObjectNode sweep(List<String> args, String... overrides) throws Exception {
    Path config = null;
    String output = null;
    List<String> sets = new ArrayList<>();
    List<SweepPlan.FigureArgs> figures = new ArrayList<>();
    String title = null;
    List<String> grid = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--config" -> config = Path.of(args.get(i + 1));
        case "--output" -> output = args.get(i + 1);
        case "--set" -> sets.add(args.get(i + 1));
        case "--figure" -> {
          if (!grid.isEmpty()) figures.add(new SweepPlan.FigureArgs(title, grid));
          title = args.get(i + 1);
          grid = new ArrayList<>();
        }
        case "--grid" -> grid.add(args.get(i + 1));
        default -> throw new AssertionError("the README's sweep command has an option this test does not know: " + args);
      }
    }
    figures.add(new SweepPlan.FigureArgs(title, grid));
    sets.addAll(List.of(overrides));
    Path out = tmp.resolve(Path.of(output).getFileName());
    return SweepJob.run(SweepPlan.load(config, sets, figures), out.toString(), 0,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new StopRequest());
  }

  @Test
  void theReadmesCourseSweepsRunAndTheCircleOneShowsWhatTheCourseDoes() throws Exception {
    List<List<String>> commands = readmeSweeps();
    assertEquals(2, commands.size(), "the circle sweep, then the course's three figures: " + commands);
    // The circle: a linear model on x1, x2 fails; squared features, or one hidden layer, separate it.
    // 20 of the job's 60 epochs are enough to show it.
    ObjectNode circle = sweep(commands.get(0), "train.epochs=20");
    List<Double> accuracy = new ArrayList<>();
    for (var c : circle.path("cells")) accuracy.add(c.path("testMetrics").path("accuracy").asDouble());
    assertEquals(4, accuracy.size());
    assertTrue(accuracy.get(0) < 0.75, "linear on x1, x2: " + accuracy);
    assertTrue(accuracy.get(1) >= 0.95, "linear on x1, x2, x1^2, x2^2: " + accuracy);
    assertTrue(accuracy.get(2) >= 0.9, "one hidden layer on x1, x2: " + accuracy);
    assertTrue(Files.readString(tmp.resolve("course-circle/index.html")).contains("boundary-thumbnail.png"));
    // The course's three figures in one application and on one page, scaled down to a few rounds:
    // circle (4 cells), width (3 data sets x 5) and depth (3 x 4).
    ObjectNode course = sweep(commands.get(1), "data.playground.rows=300", "train.maxRounds=3");
    List<Integer> sizes = new ArrayList<>();
    for (var f : course.path("figures")) sizes.add(f.path("cells").size());
    assertEquals(List.of(4, 15, 12), sizes, course.path("figures").toString());
    // Circle with raw and with squared features, xor, spiral: the circle's raw load serves three figures.
    assertEquals(4, course.path("dataLoads").asInt());
    for (var c : course.path("cells")) assertEquals(3, c.path("rounds").asInt(), c.toString());
    String page = Files.readString(tmp.resolve("course/index.html"));
    for (var f : course.path("figures")) {
      assertTrue(page.contains(". " + f.path("title").asText() + "</h2>"), f.path("title").asText());
    }
    Matcher pictures = Pattern.compile("<img src=\"cells/fig[123]-cell-\\d+/report/boundary-thumbnail\\.png\"").matcher(page);
    int drawn = 0;
    while (pictures.find()) drawn++;
    assertEquals(31, drawn, "one decision boundary per cell of the three figures");
  }
}
