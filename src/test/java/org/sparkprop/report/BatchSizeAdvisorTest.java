package org.sparkprop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingListener.RoundEvent;

/** The batch-size advice on synthetic round timings (no Spark, no clock). */
class BatchSizeAdvisorTest {
  private static final long MS = 1_000_000;

  /** Feeds {@code rounds} rounds of the given compute and fixed milliseconds at a global batch of {@code batch}. */
  private static List<String> advice(int batch, int rounds, long computeMs, long fixedMs) {
    List<String> lines = new ArrayList<>();
    BatchSizeAdvisor advisor = new BatchSizeAdvisor(lines::add);
    advisor.onStart(new GlobalBatches(100_000, batch, 1), null, null);
    for (long r = 1; r <= rounds; r++) {
      // Rounds 1 and 2 (warm-up) are far slower: the advisor must leave them out.
      long c = r <= 2 ? 50 * computeMs : computeMs;
      advisor.onRound(new RoundEvent(0, r - 1, r, batch, 1.0, 0.01, 1.0, fixedMs * MS / 2, c * MS, fixedMs * MS / 4,
          fixedMs * MS / 8, fixedMs * MS - fixedMs * MS / 2 - fixedMs * MS / 4 - fixedMs * MS / 8));
    }
    return lines;
  }

  @Test
  void aBatchWhoseComputeDominatesIsCalledBusy() {
    List<String> lines = advice(4096, 20, 80, 20);
    assertEquals(1, lines.size(), "advice is given once: " + lines);
    assertEquals("round time: compute 80.0 ms, fixed cost 20.0 ms (compute 80%): the executors are busy", lines.get(0));
  }

  @Test
  void aSmallBatchGetsTheBatchThatMakesComputeEightyPercent() {
    // compute 10 ms and fixed 40 ms at batch 256: compute scales with the batch, so 4 x 40 ms of
    // compute needs 16 times the batch, 4,096 rows.
    List<String> lines = advice(256, 20, 10, 40);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("round time: compute 10.0 ms, fixed cost 40.0 ms (compute 20%)"), lines.get(0));
    assertTrue(lines.get(0).endsWith("a global batch of about 4,096 would make compute 80% of a round, or "
        + "train.localSteps = 16 at this batch (each partition steps on its own rows between two averagings: fewer "
        + "rounds, noisier steps)"), lines.get(0));
  }

  @Test
  void withLocalStepsTheComputeOfARoundCoversItsStepsAndTheAdviceScalesThem() {
    // 10 ms of compute for a round of 4 batches against 40 ms of fixed cost: 2.5 ms per batch, so
    // 160 ms of compute takes 64 batches per round (the batch advice is per round, as before).
    List<String> lines = new ArrayList<>();
    BatchSizeAdvisor advisor = new BatchSizeAdvisor(lines::add);
    org.sparkprop.train.TrainingOptions options = org.sparkprop.train.TrainingOptions.simple(
        org.sparkprop.optim.OptimizerSettings.sgd(), 0.1, 1).withLocalSteps(4);
    advisor.onStart(new GlobalBatches(100_000, 256, 1), options, null);
    for (long r = 4; r <= 80; r += 4) {
      advisor.onRound(new RoundEvent(0, r - 1, r, 1024, 1.0, 0.01, 1.0, 0, 10 * MS, 0, 0, 40 * MS));
    }
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("about 4,096 would make compute 80% of a round, or train.localSteps = 64 at this "
        + "batch"), lines.get(0));
    // A fixed cost just above what K = 1 calls busy still suggests at least 2 steps.
    List<String> close = advice(256, 20, 20, 10);
    assertTrue(close.get(0).contains("train.localSteps = 2 at this batch"), close.get(0));
  }

  @Test
  void aShortRunIsAdvisedAtItsEndFromTheRoundsItHad() {
    List<String> lines = advice(256, 6, 10, 40);
    assertEquals(List.of(), lines, "12 rounds are sampled before advising during the run");
    BatchSizeAdvisor advisor = new BatchSizeAdvisor(lines::add);
    advisor.onStart(new GlobalBatches(100_000, 256, 1), null, null);
    for (long r = 1; r <= 6; r++) {
      advisor.onRound(new RoundEvent(0, r - 1, r, 256, 1.0, 0.01, 1.0, 0, 10 * MS, 0, 0, 40 * MS));
    }
    advisor.onEnd(null);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("about 4,096"), lines.get(0));
  }

  @Test
  void aRunOfTooFewMeasuredRoundsGetsNoAdvice() {
    List<String> lines = new ArrayList<>();
    BatchSizeAdvisor advisor = new BatchSizeAdvisor(lines::add);
    advisor.onStart(new GlobalBatches(100_000, 256, 1), null, null);
    for (long r = 1; r <= 4; r++) {
      advisor.onRound(new RoundEvent(0, r - 1, r, 256, 1.0, 0.01, 1.0, 0, 10 * MS, 0, 0, 40 * MS));
    }
    advisor.onEnd(null);
    assertEquals(List.of(), lines, "two measured rounds are not enough to advise");
  }
}
