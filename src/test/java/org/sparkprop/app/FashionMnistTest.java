package org.sparkprop.app;

import org.sparkprop.testing.LocalSpark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;

/**
 * Real data: Fashion-MNIST's gzipped IDX files from Debian's dataset-fashion-mnist package, with
 * the shipped conf/fashion-mnist.conf cut to one epoch. Skipped, with the reason shown, where the
 * package is not installed (.ci/run installs it when it can).
 */
class FashionMnistTest {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static JavaSparkContext sc;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed under " + DIR + " (apt-get install dataset-fashion-mnist): skipping the real-data test");
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop(sc);
  }

  @Test
  void oneEpochOfTheShippedConfigLearnsFashionMnist() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ObjectNode summary = TrainJob.run(TrainConfig.load(Path.of("conf/fashion-mnist.conf"),
            List.of("train.epochs=1", "train.batchSize=256", "train.logEveryRounds=1000")),
        tmp.resolve("fashion").toString(), false, new PrintStream(console, true, StandardCharsets.UTF_8));
    assertEquals(60_000 / 256 + 1, summary.path("rounds").asInt());
    assertTrue(summary.path("data").asText().contains("60,000 training, 0 validation, 10,000 test rows, 784 features"),
        summary.path("data").asText());
    // One epoch of Adam (lr 1e-3, batch 256) on pixels / 255 takes a 784-256-128-10 network to about
    // 84% test accuracy (82-85% over seeds in PyTorch); chance is 10%, and a model that learnt the
    // classes' mean brightness only reaches about 50%. 80% shows it learnt, with room for seed noise.
    double accuracy = summary.path("testMetrics").path("accuracy").asDouble();
    assertTrue(accuracy > 0.80, "test accuracy " + accuracy);

    // The evaluate command on the saved model and the test files: the same figure, plus per-class metrics.
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    ObjectNode metrics = EvaluateJob.run(new ModelData(tmp.resolve("fashion/model").toString(),
            DIR.resolve("t10k-images-idx3-ubyte.gz").toString(), null, DIR.resolve("t10k-labels-idx1-ubyte.gz").toString(),
            null, null, null, null, null, false, 0, "local[2]", 2), tmp.resolve("fashion/eval.json").toString(),
        new PrintStream(report, true, StandardCharsets.UTF_8));
    assertEquals(accuracy, metrics.path("accuracy").asDouble());
    assertEquals(10, metrics.path("perClass").size());
    assertEquals(10_000, metrics.path("rows").asInt());
    System.out.println(report.toString(StandardCharsets.UTF_8)); // the figures, for the test report
  }
}
