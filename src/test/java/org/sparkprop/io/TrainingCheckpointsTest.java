package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.TrainingState;

/**
 * The loop's state through a checkpoint and back: every counter, the optimizer state and the
 * best-epoch weights return unchanged, and a changed recipe is refused or, when allowed, listed.
 */
class TrainingCheckpointsTest {
  private final LoadedModel model;
  private final TrainConfig cfg = TrainConfig.defaults();
  private final JobRecipe recipe;

  TrainingCheckpointsTest() throws IOException {
    model = LoadedModel.load(FrozenModelTest.resource("v1-moons").toUri().toString(), TestFiles.conf());
    recipe = JobRecipe.of(cfg, Map.of("model.network", model.spec().describe(), "data.trainRows", 400));
  }

  private TrainingState state(float[] best, double bestMetric) {
    float[] w = model.weights();
    float[] m = w.clone();
    for (int j = 0; j < m.length; j++) m[j] = j * 0.25f - 1f;
    return new TrainingState(3, 5, 41, w, new OptimizerState(cfg.train().optimizer().configName(), 41,
        new float[][] {m, w}), 12.375, 160, bestMetric, 2, best, best == null ? 0 : 2);
  }

  private Checkpoint roundTrip(TrainingState s) throws IOException {
    Checkpoint c = TrainingCheckpoints.toCheckpoint(s, cfg, model.spec(), model.preprocessing(), recipe);
    return CheckpointCodec.decode(TensorFile.wrap(new java.util.LinkedHashMap<>(CheckpointCodec.encode(c).entries()),
        "ckpt-test"));
  }

  @Test
  void everyCounterAndArrayComesBackUnchanged() throws IOException {
    float[] best = model.weights();
    best[0] += 1f;
    TrainingState s = state(best, 0.0625);
    Checkpoint c = roundTrip(s);
    assertEquals(41, c.round());
    assertEquals(3, c.epoch());
    assertEquals(cfg.train().seed(), c.seed());
    TrainingCheckpoints.Resumed r = TrainingCheckpoints.resume(c, "ckpt-test", model.spec(), cfg, recipe,
        ResumePolicy.SAME_RECIPE);
    assertEquals(List.of(), r.changes());
    TrainingState back = r.state();
    assertEquals(s.epoch(), back.epoch());
    assertEquals(s.nextBatch(), back.nextBatch());
    assertEquals(s.round(), back.round());
    assertArrayEquals(s.params(), back.params());
    assertEquals(s.optimizer().kind(), back.optimizer().kind());
    assertEquals(s.optimizer().steps(), back.optimizer().steps());
    assertArrayEquals(s.optimizer().slots()[0], back.optimizer().slots()[0]);
    assertArrayEquals(s.optimizer().slots()[1], back.optimizer().slots()[1]);
    assertEquals(s.epochLossSum(), back.epochLossSum(), 0.0);
    assertEquals(s.epochRows(), back.epochRows());
    assertEquals(s.bestMetric(), back.bestMetric(), 0.0);
    assertEquals(s.epochsWithoutImprovement(), back.epochsWithoutImprovement());
    assertArrayEquals(best, back.bestParams());
    assertEquals(2, back.bestEpoch());
  }

  @Test
  void noBestEpochYetStaysNone() throws IOException {
    TrainingState back = TrainingCheckpoints.resume(roundTrip(state(null, Double.NaN)), "ckpt-test", model.spec(), cfg,
        recipe, ResumePolicy.SAME_RECIPE).state();
    assertNull(back.bestParams());
    assertTrue(Double.isNaN(back.bestMetric()));
    assertEquals(0, back.bestEpoch());
  }

  @Test
  void aChangedRecipeIsRefusedNamingTheKeyOrListedWhenAllowed() throws IOException {
    Checkpoint c = roundTrip(state(null, Double.NaN));
    JobRecipe other = JobRecipe.of(cfg, Map.of("model.network", model.spec().describe(), "data.trainRows", 401));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingCheckpoints.resume(c,
        "ckpt-test", model.spec(), cfg, other, ResumePolicy.SAME_RECIPE));
    assertTrue(e.getMessage().contains("ckpt-test") && e.getMessage().contains("data.trainRows")
        && e.getMessage().contains("400") && e.getMessage().contains("401"), e.getMessage());
    TrainingCheckpoints.Resumed r = TrainingCheckpoints.resume(c, "ckpt-test", model.spec(), cfg, other,
        ResumePolicy.WITH_CHANGES);
    assertEquals(1, r.changes().size());
    assertTrue(r.changes().get(0).toString().contains("data.trainRows"), r.changes().toString());
    assertEquals(41, r.state().round());
  }
}
