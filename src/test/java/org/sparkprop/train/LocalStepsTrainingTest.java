package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.LearningRateSchedule;
import org.sparkprop.optim.Optimizer;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.Optimizers;
import org.sparkprop.optim.ScheduleKind;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.optim.Schedules;
import org.sparkprop.testing.TestOptimizers;

/**
 * Local SGD in the training loop ({@code train.localSteps}): K = 1 is synchronous SGD; one partition
 * with K steps is K synchronous rounds to the bit; several partitions step on their own rows and
 * are averaged by rows; rounds are cut from the epoch as documented, count steps, checkpoint at round
 * ends and resume to the bit; divergence and sources without local steps are refused.
 */
class LocalStepsTrainingTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(2, new int[] {8}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final RowGenerator ROWS = new Playground("circle", 400, 0.1, 1);
  private static final PackedBlock ALL = RowGenerators.pack(ROWS, 0, 400);
  private static final int BATCH = 40; // 10 batches per epoch
  private static final long SEED = 3;

  private static DenseNetwork net() {
    return new DenseNetwork(SPEC, Kernels.gemm());
  }

  /** Three uneven partitions: rows [0, 90), [90, 250), [250, 400). */
  private static PartitionedSource partitioned(int fanIn) {
    return new PartitionedSource(net(), List.of(RowGenerators.pack(ROWS, 0, 90), RowGenerators.pack(ROWS, 90, 160),
        RowGenerators.pack(ROWS, 250, 150)), BATCH, SEED, fanIn);
  }

  private static TrainingOptions options(OptimizerKind kind, double rate, int epochs, int localSteps) {
    return TrainingOptions.simple(TestOptimizers.usual(kind), rate, epochs).withLocalSteps(localSteps);
  }

  private static TrainingResult train(GradientSource source, TrainingOptions options, CheckpointSink sink,
                                      TrainingState start) {
    TrainingLoop loop = new TrainingLoop(source, options, null, sink);
    return loop.run(start == null ? initial(loop) : start);
  }

  private static TrainingState initial(TrainingLoop loop) {
    float[] p = Initializer.GLOROT.initialise(SPEC, SEED);
    return TrainingState.initial(p, loop.newOptimizer(p.length).snapshot());
  }

  @Test
  void onePartitionWithLocalStepsGivesTheBitsOfSynchronousRounds() {
    for (OptimizerKind kind : new OptimizerKind[] {OptimizerKind.MOMENTUM, OptimizerKind.ADAM}) {
      TrainingResult sync = train(new LocalGradientSource(net(), ALL, BATCH, SEED, 1024), options(kind, 0.05, 2, 1),
          null, null);
      TrainingResult local = train(new LocalGradientSource(net(), ALL, BATCH, SEED, 1024), options(kind, 0.05, 2, 4),
          null, null);
      assertArrayEquals(sync.params(), local.params(), kind.configName());
      assertEquals(20, local.rounds(), "rounds count global batches");
      assertEquals(sync.rowsProcessed(), local.rowsProcessed());
      assertEquals(sync.trainLoss(), local.trainLoss(), 1e-12, "the same losses, summed by round rather than by batch");
    }
  }

  @Test
  void roundsAreAlignedToTheEpochCountStepsAndTakeTheScheduledRates() {
    PartitionedSource source = partitioned(8);
    ScheduleSettings warmup = new ScheduleSettings(ScheduleKind.STEP, 3, 0.5, 0, 5);
    TrainingOptions options = new TrainingOptions(2, 0, TestOptimizers.usual(OptimizerKind.SGD), 0.1, warmup, 0, 0,
        TrainingOptions.Convergence.DEFAULTS, 4);
    TrainingResult result = train(source, options, null, null);
    assertEquals(20, result.rounds());
    List<String> cuts = new ArrayList<>();
    for (LocalStepPlan p : source.plans) cuts.add(p.epoch() + ":" + p.firstBatch() + "+" + p.steps());
    assertEquals(List.of("0:0+4", "0:4+4", "0:8+2", "1:0+4", "1:4+4", "1:8+2"), cuts);
    LearningRateSchedule schedule = Schedules.create(warmup, 0.1, 20);
    long round = 0;
    for (LocalStepPlan p : source.plans) {
      for (int k = 0; k < p.steps(); k++) assertEquals((float) schedule.rate(round + k), p.rate(k), "step " + (round + k));
      round += p.steps();
    }
    // The round limit counts steps: the round that would pass it is cut.
    PartitionedSource limited = partitioned(8);
    TrainingResult cut = train(limited, options.withMaxRounds(7), null, null);
    assertEquals(7, cut.rounds());
    assertEquals(StopReason.ROUND_LIMIT, cut.stopReason());
    assertEquals(2, limited.plans.size());
    assertEquals(3, limited.plans.get(1).steps());
  }

  @Test
  void eachPartitionStepsOnItsOwnRowsAndTheModelsAreAveragedByRows() {
    // The same round by hand: every partition runs the synchronous round's arithmetic on its own
    // rows of each batch, then the weights and velocities are averaged with the partitions' rows.
    OptimizerSettings momentum = TestOptimizers.usual(OptimizerKind.MOMENTUM);
    float[] start = Initializer.GLOROT.initialise(SPEC, SEED);
    Optimizer driver = Optimizers.create(momentum, start.length);
    float[] rates = {0.3f, 0.2f, 0.1f};
    LocalStepPlan plan = new LocalStepPlan(1, 3, 3, rates, momentum, 0.5);
    PackedBlock[] parts = {RowGenerators.pack(ROWS, 0, 90), RowGenerators.pack(ROWS, 90, 160),
        RowGenerators.pack(ROWS, 250, 150)};
    GlobalBatches batches = new GlobalBatches(400, BATCH, SEED);
    EpochPermutation permutation = batches.permutation(1);
    Workspace ws = new Workspace(SPEC, 1, 1024);

    double[] sum = new double[start.length];
    double[] velocitySum = new double[start.length];
    long rows = 0;
    for (int p = 0; p < parts.length; p++) {
      float[] params = start.clone();
      Optimizer own = Optimizers.create(momentum, start.length);
      float[] mean = new float[start.length];
      long n = 0;
      for (int k = 0; k < 3; k++) {
        GradientAccumulator g = new GradientAccumulator(start.length)
            .add(net(), params, parts[p], permutation, batches.start(3 + k), batches.end(3 + k), ws);
        g.meanGradient(mean);
        org.sparkprop.optim.GradientClipping.clipByGlobalNorm(mean, 0.5);
        own.step(params, mean, rates[k]);
        n += g.count();
      }
      float[] velocity = own.snapshot().slots()[0];
      for (int i = 0; i < start.length; i++) {
        sum[i] += n * (double) params[i];
        velocitySum[i] += n * (double) velocity[i];
      }
      rows += n;
    }
    assertEquals(3 * BATCH, rows);
    float[] expected = new float[start.length];
    float[] expectedVelocity = new float[start.length];
    for (int i = 0; i < start.length; i++) {
      expected[i] = (float) (sum[i] / rows);
      expectedVelocity[i] = (float) (velocitySum[i] / rows);
    }

    PartitionedSource source = partitioned(8);
    GradientSource.LocalStepsResult result = source.computeLocalSteps(start, driver.snapshot(), plan);
    assertArrayEquals(expected, result.average().params());
    assertArrayEquals(expectedVelocity, result.average().state("momentum", 3).slots()[0]);
    assertEquals(rows, result.average().rows());
    assertTrue(result.average().largestNorm() > 0.5, "norms are taken before clipping: " + result.average().largestNorm());
    // Several partitions are not synchronous SGD: the average differs from three synchronous steps.
    TrainingResult sync = train(partitioned(8), options(OptimizerKind.MOMENTUM, 0.1, 1, 1), null, null);
    TrainingResult local = train(partitioned(8), options(OptimizerKind.MOMENTUM, 0.1, 1, 4), null, null);
    assertFalse(Arrays.equals(sync.params(), local.params()));
  }

  @Test
  void aPartitionSkipsTheBatchesThatHoldNoneOfItsRows() {
    // One row in its own partition: of two batches of 40 it is in at most one.
    PackedBlock single = RowGenerators.pack(ROWS, 0, 1);
    GlobalBatches batches = new GlobalBatches(400, BATCH, SEED);
    EpochPermutation permutation = batches.permutation(0);
    long position = -1;
    for (long q = 0; q < 400; q++) {
      if (permutation.rowAt(q) == 0) position = q;
    }
    long holding = position / BATCH;
    long other = holding == 0 ? 2 : 0; // a batch without the row, then (for "other" 0) the next one
    float[] start = Initializer.GLOROT.initialise(SPEC, SEED);
    OptimizerSettings sgd = OptimizerSettings.sgd();
    LocalStart from = new LocalStart(start, Optimizers.create(sgd, start.length).snapshot());
    Workspace ws = new Workspace(SPEC, 1, 1024);
    PartitionModel none = LocalStepRunner.run(0, new LocalStepPlan(0, other, 1, new float[] {0.5f}, sgd, 0), from,
        net(), List.of(single), batches, permutation, ws, new GradientAccumulator(start.length));
    assertEquals(0, none.rows());
    assertArrayEquals(start, none.params(), "no rows, no step");
    PartitionModel one = LocalStepRunner.run(0, new LocalStepPlan(0, holding, 1, new float[] {0.5f}, sgd, 0), from,
        net(), List.of(single), batches, permutation, ws, new GradientAccumulator(start.length));
    assertEquals(1, one.rows());
    assertFalse(Arrays.equals(start, one.params()));
  }

  @Test
  void checkpointsFallOnRoundEndsAndAResumedRunGivesTheSameBits() {
    TrainingOptions options = options(OptimizerKind.ADAM, 0.01, 3, 4);
    options = new TrainingOptions(3, 0, options.optimizer(), 0.01, ScheduleSettings.constant(), 0, 3,
        TrainingOptions.Convergence.DEFAULTS, 4);
    List<TrainingState> saved = new ArrayList<>();
    CheckpointSink sink = new CheckpointSink() {
      @Override public void save(TrainingState state) { saved.add(state); }
      @Override public String lastLocation() { return ""; }
    };
    TrainingResult whole = train(partitioned(2), options, sink, null);
    List<Long> rounds = new ArrayList<>();
    for (TrainingState s : saved) rounds.add(s.round());
    // Every 3 rounds, at the end of the round that reached a multiple of 3, and every epoch end.
    assertEquals(List.of(4L, 8L, 10L, 14L, 18L, 20L, 24L, 28L, 30L), rounds);
    for (TrainingState s : saved) assertTrue(s.nextBatch() % 4 == 0 || s.nextBatch() == 0, "round end: " + s.nextBatch());

    // Cut by the round limit inside a round (13 of the aligned round 10..14): that round is not
    // checkpointed; resuming from the newest checkpoint gives the uninterrupted bits.
    List<TrainingState> cutSaves = new ArrayList<>();
    CheckpointSink cutSink = new CheckpointSink() {
      @Override public void save(TrainingState state) { cutSaves.add(state); }
      @Override public String lastLocation() { return ""; }
    };
    train(partitioned(2), options.withMaxRounds(13), cutSink, null);
    TrainingState newest = cutSaves.get(cutSaves.size() - 1);
    assertEquals(10, newest.round());
    TrainingResult resumed = train(partitioned(2), options, null, newest);
    assertArrayEquals(whole.params(), resumed.params());
    // Resumed from any checkpoint: the same bits.
    TrainingResult fromFourteen = train(partitioned(2), options, null, saved.get(3));
    assertArrayEquals(whole.params(), fromFourteen.params());
  }

  @Test
  void theTwoLevelTreeIsDeterministic() {
    TrainingOptions options = options(OptimizerKind.MOMENTUM, 0.05, 2, 3);
    float[] a = train(partitioned(2), options, null, null).params();
    float[] b = train(partitioned(2), options, null, null).params();
    assertArrayEquals(a, b);
  }

  @Test
  void aDivergingPartitionStopsTheRunNamingWhere() {
    // As in TrainingLoopTest: SGD at 1e6 on MSE overshoots by orders of magnitude each step.
    NetworkSpec mse = new NetworkSpec(2, new int[] {8}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
    RowGenerator plane = new Playground("plane", 400, 0, 1);
    PartitionedSource source = new PartitionedSource(new DenseNetwork(mse, Kernels.gemm()),
        List.of(RowGenerators.pack(plane, 0, 200), RowGenerators.pack(plane, 200, 200)), BATCH, SEED, 8);
    TrainingOptions options = options(OptimizerKind.SGD, 1e6, 5, 4);
    TrainingLoop loop = new TrainingLoop(source, options, null, null);
    float[] p = Initializer.GLOROT.initialise(mse, SEED);
    TrainingState start = TrainingState.initial(p, loop.newOptimizer(p.length).snapshot());
    DivergenceException e = assertThrows(DivergenceException.class, () -> loop.run(start));
    assertTrue(e.getMessage().matches("training diverged at round \\d+ \\(epoch \\d, batch \\d+\\): "
        + "(partition \\d, local step \\d of \\d \\(batch \\d+\\): the (loss is|gradient has).*"
        + "|the averaged weights have NaN or infinite entries).*"), e.getMessage());
  }

  @Test
  void aSourceWithoutLocalStepsIsRefusedNamingTheKey() {
    GradientSource syncOnly = new GradientSource() {
      @Override public GlobalBatches batches() { return new GlobalBatches(400, BATCH, SEED); }
      @Override public RoundResult computeRound(float[] params, long epoch, long batch) {
        throw new AssertionError("not called");
      }
    };
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> train(syncOnly, options(OptimizerKind.SGD, 0.1, 1, 2), null, null));
    assertTrue(e.getMessage().contains("train.localSteps > 1"), e.getMessage());
    IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
        () -> options(OptimizerKind.SGD, 0.1, 1, 0));
    assertTrue(k.getMessage().contains("train.localSteps must be >= 1, got 0"), k.getMessage());
  }
}
