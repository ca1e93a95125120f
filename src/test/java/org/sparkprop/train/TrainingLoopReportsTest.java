package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.math.JavaGemm;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.LearningRateSchedule;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.ScheduleKind;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.optim.Schedules;
import org.sparkprop.testing.TestOptimizers;

/**
 * What the loop tells its listeners and its caller: every round's event (rows, loss, rate of the
 * schedule over the run's planned rounds, gradient norm, time), every epoch's mean loss, and the
 * result's totals; gradient clipping; the divergence messages.
 */
class TrainingLoopReportsTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(2, new int[] {8}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
  /** 400 rows in batches of 30: 13 full batches and a last one of 10 rows, 14 rounds per epoch. */
  private static final PackedBlock DATA = RowGenerators.pack(new Playground("plane", 400, 0, 1), 0, 400);
  private static final int BATCH = 30;

  private static TrainingLoop loop(TrainingOptions options, Evaluator validation) {
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    return new TrainingLoop(new LocalGradientSource(net, DATA, BATCH, 3, 1024), options, validation, null);
  }

  private static TrainingState start(TrainingLoop t) {
    float[] p = Initializer.GLOROT.initialise(SPEC, 3);
    return TrainingState.initial(p, t.newOptimizer(p.length).snapshot());
  }

  private static TrainingOptions sgd(int epochs, long maxRounds, ScheduleSettings schedule, double clipNorm) {
    return new TrainingOptions(epochs, maxRounds, TestOptimizers.usual(OptimizerKind.SGD), 0.05, schedule, clipNorm, 0,
        TrainingOptions.Convergence.DEFAULTS);
  }

  /** Records every event the loop sends. */
  private static final class Recorder implements TrainingListener {
    final List<RoundEvent> rounds = new ArrayList<>();
    final List<EpochEvent> epochs = new ArrayList<>();
    final List<float[]> weights = new ArrayList<>(); // each epoch's, copied: the event shows the live array
    final List<String> calls = new ArrayList<>();
    GlobalBatches batches;
    TrainingState start;
    TrainingResult end;

    @Override public void onStart(GlobalBatches b, TrainingOptions options, TrainingState s) {
      calls.add("start");
      batches = b;
      start = s;
    }
    @Override public void onRound(RoundEvent event) {
      calls.add("round");
      rounds.add(event);
    }
    @Override public void onEpoch(EpochEvent event) {
      calls.add("epoch");
      epochs.add(event);
      weights.add(event.params().clone());
    }
    @Override public void onEnd(TrainingResult result) {
      calls.add("end");
      end = result;
    }
  }

  @Test
  void everyRoundReportsItsPlaceRowsAndLossAndEveryEpochItsMean() {
    Recorder rec = new Recorder();
    TrainingLoop t = loop(sgd(2, 0, ScheduleSettings.constant(), 0), null).addListener(rec);
    TrainingState start = start(t);
    TrainingResult result = t.run(start);
    assertSame(start, rec.start);
    assertEquals(400, rec.batches.rows());
    assertSame(result, rec.end);
    List<String> expectedCalls = new ArrayList<>(List.of("start"));
    for (int epoch = 0; epoch < 2; epoch++) {
      for (int i = 0; i < 14; i++) expectedCalls.add("round");
      expectedCalls.add("epoch");
    }
    expectedCalls.add("end");
    assertEquals(expectedCalls, rec.calls);
    assertEquals(28, rec.rounds.size());
    assertEquals(2, rec.epochs.size());
    for (int i = 0; i < 28; i++) {
      TrainingListener.RoundEvent e = rec.rounds.get(i);
      assertEquals(i / 14, e.epoch());
      assertEquals(i % 14, e.batch());
      assertEquals(i + 1, e.round(), "rounds completed so far");
      assertEquals(i % 14 == 13 ? 10 : 30, e.rows(), "round " + i);
      assertEquals(0.05, e.learningRate());
      assertTrue(e.loss() > 0 && e.gradientNorm() > 0, e.toString());
    }
    // The epoch's loss is the row-weighted mean of its rounds' losses.
    for (int epoch = 0; epoch < 2; epoch++) {
      double sum = 0;
      for (TrainingListener.RoundEvent e : rec.rounds.subList(epoch * 14, epoch * 14 + 14)) sum += e.loss() * e.rows();
      // The per-round means are multiplied back by their rows: 1e-12 allows that rounding.
      assertEquals(sum / 400, rec.epochs.get(epoch).trainLoss(), 1e-12, "epoch " + epoch);
      assertEquals(epoch, rec.epochs.get(epoch).epoch());
    }
    assertEquals(rec.epochs.get(1).trainLoss(), result.trainLoss());
    assertEquals(2, result.epochs());
    assertEquals(28, result.rounds());
    assertEquals(800, result.rowsProcessed());
    assertEquals(StopReason.EPOCHS, result.stopReason());
    assertArrayEquals(rec.weights.get(1), result.params(), "the last epoch's weights end a fixed run");
  }

  @Test
  void theResultsTimesAreTheMeansOfTheRoundsTimes() {
    Recorder rec = new Recorder();
    TrainingLoop t = loop(sgd(2, 0, ScheduleSettings.constant(), 0), null).addListener(rec);
    long before = System.nanoTime();
    TrainingResult result = t.run(start(t));
    double wall = (System.nanoTime() - before) / 1e9;
    RoundTime sum = RoundTime.ZERO;
    for (TrainingListener.RoundEvent e : rec.rounds) {
      assertTrue(e.time().computeNanos() > 0, "the local source times its forward and backward passes");
      assertEquals(0, e.time().broadcastNanos(), "the local source broadcasts nothing");
      sum = sum.plus(e.time());
    }
    assertEquals(sum.meanMillis(28), result.meanSplitMs());
    assertTrue(result.loopSeconds() > 0 && result.loopSeconds() <= wall, result.loopSeconds() + " s of " + wall);
    assertTrue(sum.totalNanos() / 1e9 <= result.loopSeconds(), "the rounds happen inside the loop");
    double epochSeconds = 0;
    for (TrainingListener.EpochEvent e : rec.epochs) {
      assertTrue(e.seconds() > 0, "epoch " + e.epoch());
      epochSeconds += e.seconds();
    }
    assertTrue(epochSeconds <= result.loopSeconds(), epochSeconds + " s of epochs in a loop of " + result.loopSeconds());
    assertEquals(800 / result.loopSeconds(), result.samplesPerSecond(), 1e-9 * result.samplesPerSecond());
  }

  private static List<Double> rates(TrainingOptions options, TrainingState from) {
    Recorder rec = new Recorder();
    TrainingLoop t = loop(options, null).addListener(rec);
    t.run(from == null ? start(t) : from);
    return rec.rounds.stream().map(TrainingListener.RoundEvent::learningRate).toList();
  }

  @Test
  void aCosineScheduleSpansTheEpochsOrTheRoundLimitWhicheverComesFirst() {
    ScheduleSettings cosine = new ScheduleSettings(ScheduleKind.COSINE, 1, 1, 0.001, 0);
    // Three epochs of 14 rounds: the cosine spans 42 rounds.
    LearningRateSchedule over42 = Schedules.create(cosine, 0.05, 42);
    List<Double> full = rates(sgd(3, 0, cosine, 0), null);
    assertEquals(42, full.size());
    for (int r = 0; r < 42; r++) assertEquals(over42.rate(r), full.get(r), "round " + r);
    // A limit of 20 rounds: the cosine reaches its minimum at round 20, not 42.
    LearningRateSchedule over20 = Schedules.create(cosine, 0.05, 20);
    List<Double> limited = rates(sgd(3, 20, cosine, 0), null);
    assertEquals(20, limited.size());
    for (int r = 0; r < 20; r++) assertEquals(over20.rate(r), limited.get(r), "round " + r);
    // A limit beyond the epochs changes nothing.
    assertEquals(full, rates(sgd(3, 1000, cosine, 0), null));
  }

  @Test
  void aResumedRunContinuesTheScheduleAtItsGlobalRound() {
    ScheduleSettings step = new ScheduleSettings(ScheduleKind.STEP, 5, 0.5, 0, 0);
    List<TrainingState> saved = new ArrayList<>();
    CheckpointSink sink = new CheckpointSink() {
      @Override public void save(TrainingState state) { saved.add(state); }
      @Override public String lastLocation() { return ""; }
    };
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    TrainingLoop first = new TrainingLoop(new LocalGradientSource(net, DATA, BATCH, 3, 1024), sgd(2, 0, step, 0), null,
        sink);
    List<Double> whole = rates(sgd(2, 0, step, 0), null);
    first.run(start(first));
    TrainingState afterEpoch1 = saved.get(0);
    assertEquals(14, afterEpoch1.round());
    List<Double> resumed = rates(sgd(2, 0, step, 0), afterEpoch1);
    assertEquals(whole.subList(14, 28), resumed);
    assertEquals(0.05 * 0.125, resumed.get(1), 1e-15, "round 15 is past three decays of every 5 rounds");
  }

  @Test
  void aResumedRunCountsOnlyItsOwnRowsButAllRounds() {
    List<TrainingState> saved = new ArrayList<>();
    CheckpointSink sink = new CheckpointSink() {
      @Override public void save(TrainingState state) { saved.add(state); }
      @Override public String lastLocation() { return saved.isEmpty() ? "" : "ckpt-" + saved.size(); }
    };
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    TrainingLoop first = new TrainingLoop(new LocalGradientSource(net, DATA, BATCH, 3, 1024),
        sgd(3, 0, ScheduleSettings.constant(), 0), null, sink);
    assertEquals("", first.lastCheckpoint(), "none written yet");
    TrainingResult whole = first.run(start(first));
    assertEquals("ckpt-3", first.lastCheckpoint());
    assertEquals(1200, whole.rowsProcessed());
    TrainingResult rest = loop(sgd(3, 0, ScheduleSettings.constant(), 0), null).run(saved.get(0));
    assertEquals(42, rest.rounds());
    assertEquals(800, rest.rowsProcessed(), "rows of this run's two epochs only");
    assertEquals(3, rest.epochs());
    assertEquals(whole.trainLoss(), rest.trainLoss());
    assertArrayEquals(whole.params(), rest.params());
  }

  @Test
  void aRoundLimitInsideAnEpochReportsTheLossOfThatEpochsRoundsSoFar() {
    Recorder rec = new Recorder();
    TrainingLoop t = loop(sgd(3, 18, ScheduleSettings.constant(), 0), null).addListener(rec);
    TrainingResult result = t.run(start(t));
    assertEquals(StopReason.ROUND_LIMIT, result.stopReason());
    assertEquals(18, result.rounds());
    assertEquals(1, result.epochs(), "one epoch completed");
    double sum = 0;
    long rows = 0;
    for (TrainingListener.RoundEvent e : rec.rounds.subList(14, 18)) {
      sum += e.loss() * e.rows();
      rows += e.rows();
    }
    assertEquals(120, rows);
    assertEquals(sum / rows, result.trainLoss(), 1e-12);
    // At an epoch boundary nothing of the next epoch ran: the completed epoch's loss stands.
    Recorder atBoundary = new Recorder();
    TrainingLoop b = loop(sgd(3, 14, ScheduleSettings.constant(), 0), null).addListener(atBoundary);
    TrainingResult r14 = b.run(start(b));
    assertEquals(StopReason.ROUND_LIMIT, r14.stopReason());
    assertEquals(atBoundary.epochs.get(0).trainLoss(), r14.trainLoss());
  }

  @Test
  void clippingBoundsEachStepAndTheEventShowsTheNormBeforeIt() {
    // SGD at rate 1 moves the weights by exactly the clipped mean gradient: its norm is the clip.
    TrainingOptions options = new TrainingOptions(1, 1, TestOptimizers.usual(OptimizerKind.SGD), 1.0,
        ScheduleSettings.constant(), 1e-3, 0, TrainingOptions.Convergence.DEFAULTS);
    Recorder rec = new Recorder();
    TrainingLoop t = loop(options, null).addListener(rec);
    TrainingState start = start(t);
    float[] after = t.run(start).params();
    double moved = 0;
    for (int i = 0; i < after.length; i++) moved += Math.pow((double) after[i] - start.params()[i], 2);
    // The float32 update of each weight rounds at 1e-7 of the weight (< 1): 1e-6 of 1e-3 allows it.
    assertEquals(1e-3, Math.sqrt(moved), 1e-6);
    assertTrue(rec.rounds.get(0).gradientNorm() > 1e-2, "the norm reported is the gradient's, before clipping");
    // Without clipping the same step is the full gradient, whose norm the event reported.
    TrainingOptions unclipped = new TrainingOptions(1, 1, options.optimizer(), 1.0, ScheduleSettings.constant(), 0, 0,
        TrainingOptions.Convergence.DEFAULTS);
    float[] free = loop(unclipped, null).run(start).params();
    double freeMoved = 0;
    for (int i = 0; i < free.length; i++) freeMoved += Math.pow((double) free[i] - start.params()[i], 2);
    assertEquals(rec.rounds.get(0).gradientNorm(), Math.sqrt(freeMoved), 1e-6);
  }

  /** y = w x + b at w = 1, b = 0, on one row: the round's gradient is computed from huge or NaN values. */
  private static DivergenceException divergeOn(float x, float target) {
    NetworkSpec line = new NetworkSpec(1, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY, Loss.MSE);
    PackedBlock one = new PackedBlock(0, 1, 1, 1, new float[] {x}, new float[] {target});
    LocalGradientSource source = new LocalGradientSource(new DenseNetwork(line, new JavaGemm()), one, 1, 0, 4);
    TrainingLoop t = new TrainingLoop(source, sgd(1, 0, ScheduleSettings.constant(), 0), null, null);
    return assertThrows(DivergenceException.class,
        () -> t.run(TrainingState.initial(new float[] {1f, 0f}, t.newOptimizer(2).snapshot())));
  }

  @Test
  void aNonFiniteLossOrGradientStopsTheRunAndSaysWhich() {
    String nan = divergeOn(1f, Float.NaN).getMessage();
    assertEquals("training diverged at round 1 (epoch 1, batch 1): the loss is NaN; the update was not applied."
        + " Last good checkpoint: none (set checkpoint.dir to keep one). Try a smaller train.learningRate or gradient"
        + " clipping (train.clipNorm).", nan);
    // x = 1e30: the loss (1e30)² = 1e60 is finite in double, the gradient 2e30 x 1e30 overflows float.
    String inf = divergeOn(1e30f, 0f).getMessage();
    assertTrue(inf.contains("): the gradient has NaN or infinite entries; the update was not applied."), inf);
  }
}
