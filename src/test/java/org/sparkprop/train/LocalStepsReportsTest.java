package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.Optimizers;
import org.sparkprop.optim.ScheduleKind;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.testing.TestOptimizers;

/**
 * What a local-step run tells its listeners, its checkpoints and its caller: one event per round
 * that sums its steps (rows, loss, rate, norm, time), checkpoints at the round ends that pass a
 * multiple of checkpoint.everyRounds, the loss of weighted rows, and where a partition diverged.
 * One partition with K local steps is K synchronous rounds to the bit, so the synchronous run's
 * own events are what the local run's are checked against.
 */
class LocalStepsReportsTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(2, new int[] {8}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final PackedBlock ALL = RowGenerators.pack(new Playground("circle", 400, 0.1, 1), 0, 400);
  private static final int BATCH = 40; // 10 batches per epoch
  private static final long SEED = 3;

  /** Records every round and epoch event. */
  private static final class Recorder implements TrainingListener {
    final List<RoundEvent> rounds = new ArrayList<>();
    final List<EpochEvent> epochs = new ArrayList<>();

    @Override public void onRound(RoundEvent event) {
      rounds.add(event);
    }
    @Override public void onEpoch(EpochEvent event) {
      epochs.add(event);
    }
  }

  /** Keeps the round of every checkpoint. */
  private static final class Rounds implements CheckpointSink {
    final List<Long> saved = new ArrayList<>();

    @Override public void save(TrainingState state) {
      saved.add(state.round());
    }
    @Override public String lastLocation() {
      return "";
    }
  }

  private static TrainingResult train(PackedBlock data, TrainingOptions options, CheckpointSink sink,
                                      TrainingListener listener) {
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    TrainingLoop loop = new TrainingLoop(new LocalGradientSource(net, data, BATCH, SEED, 1024), options, null, sink);
    if (listener != null) loop.addListener(listener);
    float[] p = Initializer.GLOROT.initialise(SPEC, SEED);
    return loop.run(TrainingState.initial(p, loop.newOptimizer(p.length).snapshot()));
  }

  /** Momentum, 2 epochs, a rate that halves every 3 rounds (so each step's rate is its own). */
  private static TrainingOptions options(int localSteps, int checkpointEveryRounds) {
    return new TrainingOptions(2, 0, TestOptimizers.usual(OptimizerKind.MOMENTUM), 0.1,
        new ScheduleSettings(ScheduleKind.STEP, 3, 0.5, 0, 0), 0, checkpointEveryRounds,
        TrainingOptions.Convergence.DEFAULTS, localSteps);
  }

  @Test
  void eachLocalRoundIsOneEventSummingItsSteps() {
    Recorder sync = new Recorder();
    train(ALL, options(1, 0), null, sync);
    Recorder local = new Recorder();
    long before = System.nanoTime();
    TrainingResult result = train(ALL, options(4, 0), null, local);
    double wall = (System.nanoTime() - before) / 1e9;

    // Rounds of 4 steps aligned to each epoch of 10 batches: [0, 4), [4, 8), [8, 10).
    int[] firsts = {0, 4, 8, 10, 14, 18};
    int[] ends = {4, 8, 10, 14, 18, 20};
    assertEquals(6, local.rounds.size());
    RoundTime timeSum = RoundTime.ZERO;
    for (int i = 0; i < 6; i++) {
      TrainingListener.RoundEvent e = local.rounds.get(i);
      List<TrainingListener.RoundEvent> steps = sync.rounds.subList(firsts[i], ends[i]);
      TrainingListener.RoundEvent last = steps.get(steps.size() - 1);
      long rows = 0;
      double lossSum = 0;
      double largestNorm = 0;
      for (TrainingListener.RoundEvent s : steps) {
        rows += s.rows();
        lossSum += s.loss() * s.rows();
        largestNorm = Math.max(largestNorm, s.gradientNorm());
      }
      assertEquals(last.epoch(), e.epoch(), "round " + i);
      assertEquals(last.batch(), e.batch(), "the event names the round's last batch");
      assertEquals(ends[i], e.round(), "rounds count steps");
      assertEquals(rows, e.rows());
      // Per-step mean losses multiplied back by their rows: 1e-12 allows that rounding.
      assertEquals(lossSum / rows, e.loss(), 1e-12, "the row-weighted mean loss of the round's steps");
      assertEquals((float) last.learningRate(), e.learningRate(), 0.0, "the rate of the round's last step");
      assertEquals(largestNorm, e.gradientNorm(), 0.0, "the largest norm of any step");
      assertTrue(e.time().computeNanos() > 0 && e.time().updateNanos() >= 0 && e.time().otherNanos() >= 0,
          e.time().toString());
      timeSum = timeSum.plus(e.time());
    }
    assertEquals(timeSum.meanMillis(6), result.meanSplitMs(), "the mean over the run's 6 local rounds");
    assertTrue(timeSum.totalNanos() / 1e9 <= result.loopSeconds() && result.loopSeconds() <= wall,
        timeSum.totalNanos() / 1e9 + " s of rounds in a loop of " + result.loopSeconds() + " s, a run of " + wall);
    assertEquals(20, result.rounds());
  }

  @Test
  void localRoundsCheckpointAtTheRoundEndThatPassesEachMultipleOfEveryRounds() {
    // Rounds of 3 steps end at 3, 6, 9, 10 | 13, 16, 19, 20; every 4: 6 passes 4, 9 passes 8, 13 passes 12,
    // 16 reaches 16; 10 and 20 end an epoch and are saved as such (once).
    Rounds everyFour = new Rounds();
    train(ALL, options(3, 4), everyFour, null);
    assertEquals(List.of(6L, 9L, 10L, 13L, 16L, 20L), everyFour.saved);
    Rounds epochEnds = new Rounds();
    train(ALL, options(3, 0), epochEnds, null);
    assertEquals(List.of(10L, 20L), epochEnds.saved, "0: at epoch ends only");
  }

  /** The rows of {@link #ALL} with integer weights 0..3. */
  private static PackedBlock weighted() {
    SplittableRandom rng = new SplittableRandom(5);
    float[] w = new float[ALL.rows];
    for (int r = 0; r < w.length; r++) w[r] = rng.nextInt(4);
    return new PackedBlock(0, ALL.rows, ALL.features, ALL.targetWidth, ALL.x, ALL.y, w);
  }

  @Test
  void anEpochOfWeightedRowsReportsTheRowWeightedMeanOfItsRoundsWeightedLosses() {
    Recorder sync = new Recorder();
    TrainingResult syncResult = train(weighted(), options(1, 0), null, sync);
    for (int epoch = 0; epoch < 2; epoch++) {
      double sum = 0;
      long rows = 0;
      for (TrainingListener.RoundEvent e : sync.rounds.subList(epoch * 10, epoch * 10 + 10)) {
        sum += e.loss() * e.rows();
        rows += e.rows();
      }
      // The rounds' means multiplied back by their rows: 1e-12 allows that rounding.
      assertEquals(sum / rows, sync.epochs.get(epoch).trainLoss(), 1e-12, "epoch " + epoch);
    }
    // Local steps on one partition count the loss of weighted rows as the synchronous loop does.
    TrainingResult local = train(weighted(), options(4, 0), null, null);
    assertArrayEquals(syncResult.params(), local.params());
    assertEquals(syncResult.trainLoss(), local.trainLoss(), 1e-12);
  }

  @Test
  void aDivergingStepNamesThePartitionTheStepAndTheBatch() {
    // 8 rows in batches of 2: the row at shuffled position 5 is in batch 2 (0-based); a NaN input
    // there makes that batch's loss NaN. A plan from batch 1 meets it at its 2nd step of 3.
    GlobalBatches batches = new GlobalBatches(8, 2, SEED);
    EpochPermutation permutation = batches.permutation(0);
    long poisoned = permutation.rowAt(5);
    PackedBlock eight = RowGenerators.pack(new Playground("circle", 8, 0.1, 1), 0, 8);
    float[] x = eight.x.clone();
    x[(int) poisoned * eight.features] = Float.NaN;
    PackedBlock data = new PackedBlock(0, 8, eight.features, eight.targetWidth, x, eight.y);
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    float[] params = Initializer.GLOROT.initialise(SPEC, SEED);
    OptimizerSettings sgd = OptimizerSettings.sgd();
    LocalStart start = new LocalStart(params, Optimizers.create(sgd, params.length).snapshot());
    assertEquals(params.length, start.parameterCount());
    LocalStepPlan plan = new LocalStepPlan(0, 1, 3, new float[] {0.1f, 0.1f, 0.1f}, sgd, 0);
    PartitionModel model = LocalStepRunner.run(5, plan, start, net, List.of(data), batches, permutation,
        new Workspace(SPEC, eight.targetWidth, 16), new GradientAccumulator(params.length));
    assertEquals("partition 5, local step 2 of 3 (batch 3): the loss is NaN", model.divergence());
    assertEquals(2, model.rows(), "the step before it counts, the diverging one does not");
    assertTrue(model.computeNanos() > 0, "both steps' forward and backward passes took time: " + model.computeNanos());
  }
}
