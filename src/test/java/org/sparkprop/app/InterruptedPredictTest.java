package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.testing.KilledWritesFileSystem;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.train.CancelledWorkException;
import org.sparkprop.train.StopRequest;

/**
 * A predict stopped while Spark writes its output (SIGTERM sets the same stop request the test sets
 * here): its jobs are cancelled, the committer aborts, and the output has no {@code _SUCCESS} and no
 * part files that could pass for a complete result; the message says so.
 */
class InterruptedPredictTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  @Test
  void aStopWhileWritingLeavesNoOutputThatLooksComplete() throws Exception {
    SparkSession session = SparkSessions.create("local[2]", Map.of("spark.ui.enabled", "false",
        "spark.hadoop.fs." + KilledWritesFileSystem.SCHEME + ".impl", KilledWritesFileSystem.class.getName()));
    Path trained = tmp.resolve("moons");
    TrainJob.run(TrainConfig.load(null, List.of("data.format=csv", "data.train=data/examples/moons.csv",
        "model.hidden=4", "train.epochs=1", "train.batchSize=64", "spark.partitions=2")), trained.toString(), false, QUIET);

    StopRequest stop = new StopRequest();
    // Stops once the writing job runs; its part-file writers wait on killfs until the cancel kills them.
    session.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        String description = start.properties().getProperty("spark.job.description");
        if (description != null && description.contains(": writing predictions to ")) stop.request("SIGTERM");
      }
    });
    Path output = tmp.resolve("predictions");
    ModelData request = EvaluatePredictTest.request(trained.resolve("model"), "data/examples/moons-test.csv");
    CancelledWorkException e = assertThrows(CancelledWorkException.class, () -> PredictJob.run(request,
        KilledWritesFileSystem.SCHEME + ":" + output, "csv", QUIET, stop));
    assertTrue(e.getMessage().startsWith("predict was stopped (SIGTERM) before its output was complete: ")
        && e.getMessage().contains("has no _SUCCESS marker"), e.getMessage());
    assertFalse(Files.exists(output.resolve("_SUCCESS")));
    if (Files.exists(output)) {
      try (Stream<Path> files = Files.walk(output)) {
        assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("part-")).toList(),
            "no part file survives the aborted job");
      }
    }
  }
}
