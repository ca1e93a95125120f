package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.testing.LocalSpark;

/**
 * The train command's phases (issue: "the phases are printed"): on the path without Spark and on
 * the Spark path, every phase is in summary.json and the printed line, none is negative, and
 * together they are no more than the run's wall time.
 */
class RunPhasesTest {
  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  private static final List<String> SPIRAL = List.of("data.format=playground", "data.playground.name=spiral",
      "data.playground.rows=400", "data.testFraction=0.25", "data.validationFraction=0", "model.hidden=8",
      "train.epochs=3", "train.batchSize=50", "train.seed=5", "train.logEveryRounds=1000", "spark.master=\"local[2]\"",
      "spark.partitions=2");

  @Test
  void withoutSparkEveryPhaseIsRecordedAndTheyAddUpToAtMostTheWallTime() throws Exception {
    JsonNode phases = run(SPIRAL, "no-spark", "not started");
    assertEquals("not started", phases.path("spark").asText());
    assertEquals(0.0, phases.path("sparkStart").asDouble());
  }

  @Test
  void withSparkEveryPhaseIsRecordedSparkStartIncluded() throws Exception {
    JsonNode phases = run(with("train.execution=spark"), "spark", null);
    assertTrue(phases.path("spark").isMissingNode(), phases.toString());
    assertTrue(phases.path("sparkStart").asDouble() > 0, "starting Spark takes time: " + phases);
  }

  private static List<String> with(String more) {
    List<String> o = new java.util.ArrayList<>(SPIRAL);
    o.add(more);
    return o;
  }

  /** Runs the job as TrainJob.run is called (no main: start-up is not measured) and checks its phases. */
  private JsonNode run(List<String> overrides, String out, String sparkNote) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    TrainJob.run(TrainConfig.load(null, overrides), tmp.resolve(out).toString(), ResumePolicy.of(false),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    JsonNode phases = new ObjectMapper().readTree(Files.readString(tmp.resolve(out).resolve("summary.json")))
        .path("phases");
    assertTrue(phases.isObject(), "summary.json has the phases");
    double sum = 0;
    for (String phase : RunPhases.NAMES.keySet()) {
      assertTrue(phases.has(phase), phase + " in " + phases);
      if (phase.equals("startUp")) {
        assertTrue(phases.get(phase).isNull(), "not started by main: start-up not measured");
        continue;
      }
      double s = phases.get(phase).asDouble(-1);
      assertTrue(phases.get(phase).isNumber() && s >= 0, phase + " = " + phases.get(phase));
      sum += s;
    }
    double wall = phases.path("wallSeconds").asDouble();
    assertEquals("job start", phases.path("from").asText());
    // Consecutive intervals of one clock: their sum is the time to the report's end; the wall time runs
    // on to the moment it is recorded. 1e-9: the sum of the phases' doubles may round above it.
    assertTrue(sum <= wall + 1e-9, "phases " + sum + " s > wall " + wall + " s");
    assertTrue(sum >= 0.75 * wall, "the phases cover the run: " + sum + " of " + wall + " s");
    assertTrue(phases.path("roundLoop").asDouble() + phases.path("firstRound").asDouble() > 0, "the loop took time");
    String printed = console.toString(StandardCharsets.UTF_8);
    String line = printed.lines().filter(l -> l.startsWith("phases (s): ")).findFirst().orElse("");
    assertFalse(line.isEmpty(), printed);
    for (Map.Entry<String, String> e : RunPhases.NAMES.entrySet()) {
      if (e.getKey().equals("startUp")) {
        assertFalse(line.contains(e.getValue()), line);
      } else if (e.getKey().equals("sparkStart") && sparkNote != null) {
        assertTrue(line.contains("Spark " + sparkNote), line);
      } else {
        assertTrue(line.contains(e.getValue() + " "), e.getValue() + " in " + line);
      }
    }
    assertTrue(line.endsWith("from job start"), line);
    return phases;
  }
}
