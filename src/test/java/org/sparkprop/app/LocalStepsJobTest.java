package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.testing.LocalSpark;

/**
 * {@code train.localSteps} end to end as the train command runs it (rounds as Spark jobs on four
 * partitions): the same bits on one, two and four threads, resumed from a checkpoint in the middle
 * of a run to the bit, recorded in summary.json, and guarded on resume like every recipe key.
 */
class LocalStepsJobTest {
  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  private ObjectNode run(List<String> keys, String output, boolean resume) throws Exception {
    ObjectNode summary = TrainJob.run(TrainConfig.load(null, keys), tmp.resolve(output).toString(), resume,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    stopSpark();
    return summary;
  }

  private static List<String> k(int steps, String... more) {
    List<String> keys = new ArrayList<>(TrainJobTest.small("train.localSteps=" + steps));
    keys.addAll(List.of(more));
    return keys;
  }

  @Test
  void localStepsGiveTheSameBitsOnOneTwoAndFourThreadsAndAreRecorded() throws Exception {
    List<String> hashes = new ArrayList<>();
    for (String master : new String[] {"local[1]", "local[2]", "local[4]"}) {
      ObjectNode summary = run(k(4, "spark.master=" + master), master, false);
      assertEquals("4", summary.path("config").path("train.localSteps").asText(), summary.path("config").toString());
      // 960 rows, batch 100: 10 batches per epoch, 2 epochs: rounds count the batches.
      assertEquals(20, summary.path("rounds").asInt());
      hashes.add(summary.path("weightsSha256").asText());
    }
    assertEquals(1, hashes.stream().distinct().count(), hashes.toString());
    String sync = run(k(1), "k1", false).path("weightsSha256").asText();
    assertNotEquals(hashes.get(0), sync, "four partitions stepping on their own rows are not synchronous SGD");
  }

  @Test
  void aRunResumedInTheMiddleOfAnEpochGivesTheBitsOfTheUninterruptedOne() throws Exception {
    String uninterrupted = run(k(4, "train.optimizer=adam", "train.learningRate=0.01"), "a", false)
        .path("weightsSha256").asText();
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    // Rounds of 4 steps from each epoch's start (0-4, 4-8, 8-10, 10-14, 14-18, ...), stopped after 15
    // steps: round 14-18 is cut to one step and not checkpointed; checkpoints every 3 steps fall on
    // round ends (4, 8, the epoch end 10, 14): the run resumes from the checkpoint at step 14.
    run(k(4, "train.optimizer=adam", "train.learningRate=0.01", "train.maxRounds=15", "checkpoint.dir=" + ckpt,
        "checkpoint.everyRounds=3"), "b1", false);
    ObjectNode resumed = run(k(4, "train.optimizer=adam", "train.learningRate=0.01", "checkpoint.dir=" + ckpt,
        "checkpoint.everyRounds=3"), "b2", true);
    assertTrue(resumed.path("resume").path("bitIdenticalToUninterrupted").asBoolean(false), resumed.toString());
    assertEquals(uninterrupted, resumed.path("weightsSha256").asText());
  }

  @Test
  void resumingWithAnotherLocalStepsIsRefusedNamingTheKey() throws Exception {
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    run(k(4, "train.epochs=1", "checkpoint.dir=" + ckpt), "a", false);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> run(k(2, "checkpoint.dir=" + ckpt), "b", true));
    assertTrue(refused.getMessage().contains("train.localSteps: checkpoint 4, this run 2"), refused.getMessage());
    JsonNode accepted = TrainJob.run(TrainConfig.load(null, k(2, "checkpoint.dir=" + ckpt)),
        tmp.resolve("c").toString(), org.sparkprop.config.ResumePolicy.WITH_CHANGES,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).path("resume");
    assertEquals("train.localSteps", accepted.path("changes").get(0).path("key").asText(), accepted.toString());
  }
}
