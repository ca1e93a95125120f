package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.testing.LocalSpark;

/**
 * The train, evaluate and predict commands on a CSV with a weight column: the test metrics of
 * training and of evaluate are the same weighted means, evaluate without the weights gives the
 * unweighted ones, and predict reads the weighted file without taking the weights for a feature.
 */
class WeightedJobsTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  /** Rows x1, w, x2, label (class 1 about a quarter of them), or without the w column. */
  private static Path csv(Path file, long seed, int rows, boolean weights) throws Exception {
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder(weights ? "x1,w,x2,label\n" : "x1,x2,label\n");
    for (int r = 0; r < rows; r++) {
      double a = rng.nextDouble() * 2 - 1;
      double b = rng.nextDouble() * 2 - 1;
      int label = a * a + b * b < 0.3 ? 1 : 0;
      int w = 1 + rng.nextInt(3);
      if (weights) sb.append(String.format(Locale.ROOT, "%.4f,%d,%.4f,%d%n", a, w, b, label));
      else sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%d%n", a, b, label));
    }
    Files.writeString(file, sb.toString());
    return file;
  }

  private static ModelData request(Path model, Path data) {
    return new ModelData(model.toString(), data.toUri().toString(), null, null, null, null, null, null, null, false, 0,
        "local[2]", 2);
  }

  @Test
  void trainEvaluateAndPredictReadTheWeightColumn() throws Exception {
    Path train = csv(tmp.resolve("train.csv"), 1, 400, true);
    Path test = csv(tmp.resolve("test.csv"), 2, 200, true);
    Path testUnweighted = csv(tmp.resolve("test-plain.csv"), 2, 200, false); // the same rows, no weights
    Path out = tmp.resolve("out");
    ObjectNode summary = TrainJob.run(TrainConfig.load(null, List.of("data.format=csv", "data.train=" + train.toUri(),
        "data.test=" + test.toUri(), "data.weightColumn=w", "train.classWeights=balanced", "model.loss=cross_entropy",
        "model.hidden=8", "model.activation=tanh", "train.epochs=3", "train.batchSize=32", "train.seed=4",
        "spark.master=local[2]", "spark.partitions=2", "train.logEveryRounds=1000")), out.toString(), false, QUIET);
    stopSpark();
    JsonNode trained = summary.get("testMetrics");
    assertTrue(Double.isFinite(trained.get("loss").asDouble()) && Double.isFinite(trained.get("accuracy").asDouble()),
        summary.toString());

    ObjectNode weighted = EvaluateJob.run(request(out.resolve("model"), test), null, QUIET);
    stopSpark();
    // Same model, same rows, same weighted sums: the same figures (double sums, printed and read back).
    assertEquals(trained.get("loss").asDouble(), weighted.get("logLoss").asDouble(), 1e-9, weighted.toString());
    assertEquals(trained.get("accuracy").asDouble(), weighted.get("accuracy").asDouble(), 1e-12);

    ObjectNode plain = EvaluateJob.run(request(out.resolve("model"), testUnweighted), null, QUIET);
    stopSpark();
    assertEquals(weighted.get("rows").asLong(), plain.get("rows").asLong());
    // Weights 1-3 over the rows: the weighted and unweighted means of the same per-row losses differ.
    assertTrue(Math.abs(weighted.get("logLoss").asDouble() - plain.get("logLoss").asDouble()) > 1e-6,
        "weighted " + weighted.get("logLoss") + " vs unweighted " + plain.get("logLoss"));

    Path predictions = tmp.resolve("predictions");
    assertEquals(200, PredictJob.run(request(out.resolve("model"), test), predictions.toString(), "csv", QUIET));
  }
}
