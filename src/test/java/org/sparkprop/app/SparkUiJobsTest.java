package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.testing.LocalSpark;

/**
 * What an operator sees of a train run in the Spark UI, read through a SparkListener in local mode
 * (the UI shows the same job properties): every job of the run is in one job group, named in
 * summary.json, and every job says what it does; round jobs by epoch and round.
 */
class SparkUiJobsTest {
  private static final Pattern ROUND = Pattern.compile("epoch (\\d+)/(\\d+), round (\\d+)/(\\d+)");

  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  /** The group and description of every job, in the order the jobs started. */
  private static final class Jobs extends SparkListener {
    final List<String[]> seen = Collections.synchronizedList(new ArrayList<>()); // (group, description)

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      seen.add(new String[] {start.properties().getProperty("spark.jobGroup.id"),
          start.properties().getProperty("spark.job.description")});
    }
  }

  @Test
  void everyJobOfATrainRunIsInItsGroupAndDescribedRoundJobsByEpochAndRound() throws Exception {
    // 1,200 circle rows, 20% held out for the test set: 960 training rows at batch 100 = 10 rounds
    // per epoch, 2 epochs.
    List<String> overrides = new ArrayList<>(TrainJobTest.small("data.testFraction=0.2", "data.validationFraction=0",
        "train.execution=spark"));
    SparkSession session = SparkSessions.create("local[2]", Map.of("spark.ui.enabled", "false"));
    Jobs jobs = new Jobs();
    session.sparkContext().addSparkListener(jobs);
    ObjectNode summary = TrainJob.run(TrainJobTest.config(null, overrides.toArray(new String[0])),
        tmp.resolve("out").toString(), false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    session.sparkContext().listenerBus().waitUntilEmpty();

    String runId = summary.path("runId").asText();
    assertTrue(runId.matches("train-\\d{8}-\\d{6}-[0-9a-f]{4}"), runId);
    assertEquals(runId, summary.path("sparkJobGroup").asText());
    assertEquals("completed", summary.path("status").asText());
    List<Long> rounds = new ArrayList<>();
    boolean loading = false;
    boolean testEvaluation = false;
    for (String[] job : jobs.seen) {
      assertEquals(runId, job[0], "job group of " + job[1]);
      assertTrue(job[1] != null && job[1].startsWith("sparkprop train " + runId + ": "), String.valueOf(job[1]));
      String what = job[1].substring(("sparkprop train " + runId + ": ").length());
      Matcher m = ROUND.matcher(what);
      if (m.matches()) {
        assertEquals("2", m.group(2));
        assertEquals("20", m.group(4));
        long round = Long.parseLong(m.group(3));
        assertEquals(Long.parseLong(m.group(1)), (round - 1) / 10 + 1, what);
        rounds.add(round);
      }
      loading |= what.equals("loading data");
      testEvaluation |= what.equals("evaluation on the test set");
    }
    List<Long> expected = new ArrayList<>();
    for (long r = 1; r <= 20; r++) expected.add(r);
    assertEquals(expected, rounds, "one described job per round, in order");
    assertTrue(loading, "the loading jobs are described");
    assertTrue(testEvaluation, "the test evaluation jobs are described");
  }
}
