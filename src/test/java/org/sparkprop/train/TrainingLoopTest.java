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
import org.sparkprop.data.RowGenerators;
import org.sparkprop.nn.Loss;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.testing.TestOptimizers;

/**
 * The driver loop's guards: divergence, training until converged (tolerance, patience, best weights,
 * resume), a listener's stop, the round limit, checkpoint cadence, and a stop from outside (a request,
 * a cancelled round or evaluation) that resumes to the same bits.
 */
class TrainingLoopTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(2, new int[] {8}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
  private static final PackedBlock DATA = RowGenerators.pack(new Playground("plane", 400, 0, 1), 0, 400);

  private static TrainingLoop trainer(TrainingOptions options, Evaluator validation, CheckpointSink sink) {
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    return new TrainingLoop(new LocalGradientSource(net, DATA, 40, 3, 1024), options, validation, sink);
  }

  private static TrainingState start(TrainingLoop t) {
    float[] p = Initializer.GLOROT.initialise(SPEC, 3);
    return TrainingState.initial(p, t.newOptimizer(p.length).snapshot());
  }

  @Test
  void divergenceStopsWithTheRoundAndTheLastGoodCheckpoint() {
    List<TrainingState> saved = new ArrayList<>();
    CheckpointSink sink = new CheckpointSink() {
      @Override public void save(TrainingState state) { saved.add(state); }
      @Override public String lastLocation() { return saved.isEmpty() ? "" : "ckpt-" + saved.get(saved.size() - 1).round(); }
    };
    // A learning rate of 1e6 on MSE overshoots by orders of magnitude each step: the loss reaches
    // Inf/NaN within a few rounds. Checkpoints every 2 rounds give a last good one to name.
    TrainingOptions options = new TrainingOptions(5, 0, TestOptimizers.usual(OptimizerKind.SGD), 1e6,
        ScheduleSettings.constant(), 0, 2, TrainingOptions.Convergence.DEFAULTS);
    TrainingLoop t = trainer(options, null, sink);
    DivergenceException e = assertThrows(DivergenceException.class, () -> t.run(start(t)));
    assertTrue(e.getMessage().matches("training diverged at round \\d+ \\(epoch 1, batch \\d+\\): .*"), e.getMessage());
    assertFalse(saved.isEmpty(), "at least one checkpoint before divergence");
    assertTrue(e.getMessage().contains("Last good checkpoint: ckpt-" + saved.get(saved.size() - 1).round()), e.getMessage());
  }

  private static TrainingOptions untilConverged(OptimizerKind optimizer, double learningRate, int maxEpochs, int patience,
                                                double minDelta, boolean restoreBest, StopMetric monitor) {
    return new TrainingOptions(0, 0, TestOptimizers.usual(optimizer), learningRate, ScheduleSettings.constant(), 0, 0,
        new TrainingOptions.Convergence(maxEpochs, patience, minDelta, restoreBest, monitor));
  }

  @Test
  void untilConvergedEndsTheRunWhenTheValidationLossStopsImproving() {
    // A learning rate far below float resolution leaves the weights unchanged, so the validation
    // loss never improves after the first epoch: patience 2 stops after epoch 3 of at most 50.
    TrainingOptions options = untilConverged(OptimizerKind.SGD, 1e-30, 50, 2, 0, true, StopMetric.LOSS);
    Evaluator validation = LocalGradientSource.evaluator(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 0, 1024);
    TrainingLoop t = trainer(options, validation, null);
    TrainingResult result = t.run(start(t));
    assertTrue(result.stoppedEarly());
    assertEquals(StopReason.CONVERGED, result.stopReason());
    assertEquals(3, result.epochs());
    assertEquals(1, result.bestEpoch());
  }

  @Test
  void improvementsSmallerThanTheToleranceDoNotCount() {
    // Adam at 0.01 keeps lowering the loss a little every epoch; with a tolerance of 1e9 no change
    // counts, so the run ends after the first epoch and the patience.
    TrainingOptions options = untilConverged(OptimizerKind.ADAM, 0.01, 50, 3, 1e9, false, StopMetric.LOSS);
    TrainingLoop t = trainer(options, null, null);
    TrainingResult result = t.run(start(t));
    assertEquals(StopReason.CONVERGED, result.stopReason());
    assertEquals(4, result.epochs());
    assertEquals(0, result.bestEpoch(), "nothing restored when restoreBest is off");
  }

  @Test
  void untilConvergedDoesNotStopAnImprovingRunAndEndsAtTheMaximum() {
    TrainingOptions options = untilConverged(OptimizerKind.ADAM, 0.01, 6, 2, 0, true, StopMetric.MSE);
    Evaluator validation = LocalGradientSource.evaluator(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 0, 1024);
    TrainingLoop t = trainer(options, validation, null);
    TrainingResult result = t.run(start(t));
    assertFalse(result.stoppedEarly());
    assertEquals(StopReason.MAX_EPOCHS, result.stopReason());
    assertEquals(6, result.epochs());
  }

  @Test
  void theBestEpochsWeightsAreRestored() {
    // SGD at a rate that overshoots on this plane: the validation loss rises after a few epochs,
    // so the best epoch is early and its weights, not the last ones, end the run.
    List<float[]> perEpoch = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    TrainingOptions options = untilConverged(OptimizerKind.ADAM, 0.3, 40, 3, 0, true, StopMetric.LOSS);
    Evaluator validation = LocalGradientSource.evaluator(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 0, 1024);
    TrainingLoop t = trainer(options, validation, null).addListener(new TrainingListener() {
      @Override public void onEpoch(EpochEvent event) {
        perEpoch.add(event.params().clone());
        losses.add(event.validation().get("loss"));
      }
    });
    TrainingResult result = t.run(start(t));
    int best = 0;
    for (int i = 1; i < losses.size(); i++) {
      if (losses.get(i) < losses.get(best)) best = i;
    }
    assertEquals(best + 1, result.bestEpoch(), "validation losses " + losses);
    if (result.stopReason() == StopReason.CONVERGED) assertEquals(best + 1 + 3, result.epochs());
    assertArrayEquals(perEpoch.get(best), result.params());
  }

  @Test
  void aFixedEpochCountIgnoresThePatience() {
    // The weights never change, so a run until converged would stop after 3 epochs; 7 fixed epochs run 7.
    TrainingOptions options = new TrainingOptions(7, 0, TestOptimizers.usual(OptimizerKind.SGD), 1e-30,
        ScheduleSettings.constant(), 0, 0, new TrainingOptions.Convergence(50, 2, 0, true, StopMetric.LOSS));
    Evaluator validation = LocalGradientSource.evaluator(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 0, 1024);
    TrainingLoop t = trainer(options, validation, null);
    TrainingResult result = t.run(start(t));
    assertEquals(StopReason.EPOCHS, result.stopReason());
    assertEquals(7, result.epochs());
    assertEquals(0, result.bestEpoch());
  }

  @Test
  void resumingFromAnyCheckpointOfAConvergedRunEndsWithTheSameWeights() {
    List<TrainingState> saved = new ArrayList<>();
    CheckpointSink sink = new CheckpointSink() {
      @Override public void save(TrainingState state) { saved.add(state); }
      @Override public String lastLocation() { return ""; }
    };
    TrainingOptions options = untilConverged(OptimizerKind.ADAM, 0.3, 40, 3, 0, true, StopMetric.LOSS);
    Evaluator validation = LocalGradientSource.evaluator(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 0, 1024);
    TrainingLoop t = trainer(options, validation, sink);
    TrainingResult whole = t.run(start(t));
    assertTrue(saved.size() >= 2);
    // Every epoch's checkpoint, the last (written when the run converged) included.
    for (TrainingState s : List.copyOf(saved)) {
      TrainingLoop again = trainer(options, validation, null);
      TrainingResult resumed = again.run(s);
      assertArrayEquals(whole.params(), resumed.params(), "resumed from epoch " + s.epoch());
      assertEquals(whole.stopReason(), resumed.stopReason());
      assertEquals(whole.epochs(), resumed.epochs());
      assertEquals(whole.bestEpoch(), resumed.bestEpoch());
    }
  }

  @Test
  void aListenerCanStopTrainingAfterAnEpoch() {
    TrainingOptions options = new TrainingOptions(10, 0, TestOptimizers.usual(OptimizerKind.SGD), 0.01,
        ScheduleSettings.constant(), 0, 0, TrainingOptions.Convergence.DEFAULTS);
    List<Integer> epochsSeen = new ArrayList<>();
    TrainingLoop t = trainer(options, null, null).addListener(new TrainingListener() {
      @Override public void onEpoch(EpochEvent event) { epochsSeen.add(event.epoch()); }
      @Override public boolean stopRequested() { return epochsSeen.size() == 3; }
    });
    TrainingResult result = t.run(start(t));
    assertTrue(result.stoppedEarly());
    assertEquals(StopReason.LISTENER, result.stopReason());
    assertEquals(3, result.epochs());
    assertEquals(30, result.rounds(), "400 rows / 40 per round = 10 rounds per epoch");
    assertEquals(List.of(0, 1, 2), epochsSeen);
  }

  @Test
  void aTargetMetricStopsAtTheFirstEpochThatReachesIt() {
    TrainingOptions options = new TrainingOptions(10, 0, TestOptimizers.usual(OptimizerKind.SGD), 0.01,
        ScheduleSettings.constant(), 0, 0, TrainingOptions.Convergence.DEFAULTS);
    Evaluator validation = LocalGradientSource.evaluator(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 0, 1024);
    // The mse of every epoch of the whole run, recorded apart from the listener under test.
    List<Double> mse = new ArrayList<>();
    TrainingLoop whole = trainer(options, validation, null).addListener(new TrainingListener() {
      @Override public void onEpoch(EpochEvent event) { mse.add(event.validation().get("mse")); }
    });
    whole.run(start(whole));
    double target = mse.get(4);
    int expected = 0; // 1-based: the first epoch at or below the target (at the latest the fifth)
    while (mse.get(expected) > target) expected++;
    expected++;

    TargetMetric stopAt = TargetMetric.parse("mse=" + target);
    TrainingLoop t = trainer(options, validation, null).addListener(stopAt);
    TrainingResult result = t.run(start(t));
    assertEquals(StopReason.TARGET, result.stopReason());
    assertEquals(expected, result.epochs());
    assertEquals(expected, stopAt.reachedAtEpoch());
  }

  @Test
  void aTargetMetricNamesWhatItExpects() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TargetMetric.parse("f1=0.9"));
    assertTrue(e.getMessage().contains("accuracy, loss, mse"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TargetMetric.parse("accuracy=high"));
    assertTrue(e.getMessage().contains("'high' is not a number"), e.getMessage());
    assertEquals("accuracy >= 0.85", TargetMetric.parse("Accuracy = 0.85").toString());
  }

  @Test
  void roundLimitAndCheckpointCadenceAreHonoured() {
    List<Long> savedRounds = new ArrayList<>();
    CheckpointSink sink = new CheckpointSink() {
      @Override public void save(TrainingState state) { savedRounds.add(state.round()); }
      @Override public String lastLocation() { return ""; }
    };
    // 400 rows / 40 = 10 rounds per epoch; every 4 rounds inside an epoch plus each epoch end.
    TrainingOptions options = new TrainingOptions(3, 25, TestOptimizers.usual(OptimizerKind.SGD), 0.01,
        ScheduleSettings.constant(), 0, 4, TrainingOptions.Convergence.DEFAULTS);
    TrainingLoop t = trainer(options, null, sink);
    TrainingResult result = t.run(start(t));
    assertEquals(25, result.rounds());
    assertEquals(StopReason.ROUND_LIMIT, result.stopReason());
    assertEquals(List.of(4L, 8L, 10L, 12L, 16L, 20L, 24L), savedRounds);
  }

  /** Keeps every state it is given; the newest is where a resumed run starts. */
  private static final class Saved implements CheckpointSink {
    final List<TrainingState> states = new ArrayList<>();

    @Override public void save(TrainingState state) { states.add(state); }
    @Override public String lastLocation() { return states.isEmpty() ? "" : "ckpt-" + newest().round(); }

    TrainingState newest() {
      return states.get(states.size() - 1);
    }
  }

  /** 400 rows / 40 = 10 rounds per epoch, 4 epochs; Adam, so the optimizer state must survive too. */
  private static final TrainingOptions FOUR_EPOCHS = TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.ADAM),
      0.01, 4);

  private static float[] uninterrupted() {
    TrainingLoop t = trainer(FOUR_EPOCHS, null, null);
    return t.run(start(t)).params();
  }

  /** Resumes from the newest checkpoint in a fresh loop and returns the final weights. */
  private static float[] resumed(Saved saved) {
    TrainingResult rest = trainer(FOUR_EPOCHS, null, null).run(saved.newest());
    assertEquals(StopReason.EPOCHS, rest.stopReason());
    assertEquals(40, rest.rounds());
    return rest.params();
  }

  @Test
  void aStopRequestEndsTheRunAfterTheRoundInFlightAndItsCheckpointResumesToTheSameBits() {
    Saved saved = new Saved();
    StopRequest stop = new StopRequest();
    // Asked as round 13 (the 3rd of epoch 2) ends, as a signal handler would from another thread.
    TrainingLoop t = trainer(FOUR_EPOCHS, null, saved).stopWhen(stop).addListener(new TrainingListener() {
      @Override public void onRound(RoundEvent e) { if (e.round() == 13) stop.request("SIGTERM"); }
    });
    TrainingResult result = t.run(start(t));
    assertEquals(StopReason.INTERRUPTED, result.stopReason());
    assertEquals("SIGTERM", result.interruption());
    assertEquals(13, result.rounds(), "the round in flight finishes, no further one starts");
    assertEquals(List.of(10L, 13L), saved.states.stream().map(TrainingState::round).toList(),
        "the epoch's checkpoint, then one at the stop");
    assertEquals(1, saved.newest().epoch());
    assertEquals(3, saved.newest().nextBatch());
    // Same JVM, same code path, same order of operations: the bits must be equal, not just close.
    assertTrue(Arrays.equals(uninterrupted(), resumed(saved)));
  }

  @Test
  void aCheckpointInsideAnEpochResumesAtItsNextBatchToTheSameBits() {
    Saved saved = new Saved();
    TrainingOptions everyFour = new TrainingOptions(4, 0, FOUR_EPOCHS.optimizer(), FOUR_EPOCHS.learningRate(),
        FOUR_EPOCHS.schedule(), 0, 4, FOUR_EPOCHS.convergence());
    TrainingLoop t = trainer(everyFour, null, saved);
    assertTrue(Arrays.equals(uninterrupted(), t.run(start(t)).params()), "checkpoints do not change the run");
    TrainingState round12 = saved.states.stream().filter(s -> s.round() == 12).findFirst().orElseThrow();
    assertEquals(1, round12.epoch());
    assertEquals(2, round12.nextBatch(), "round 12 is the 2nd of epoch 2: the 3rd comes next");
    TrainingResult rest = trainer(FOUR_EPOCHS, null, null).run(round12);
    assertEquals(40, rest.rounds());
    assertTrue(Arrays.equals(uninterrupted(), rest.params()));
  }

  @Test
  void aStopAtAnEpochBoundaryWritesNoSecondCheckpointOfTheSameRound() {
    Saved saved = new Saved();
    StopRequest stop = new StopRequest();
    TrainingLoop t = trainer(FOUR_EPOCHS, null, saved).stopWhen(stop).addListener(new TrainingListener() {
      @Override public void onRound(RoundEvent e) { if (e.round() == 20) stop.request("SIGINT"); }
    });
    TrainingResult result = t.run(start(t));
    assertEquals(20, result.rounds());
    assertEquals(List.of(10L, 20L), saved.states.stream().map(TrainingState::round).toList());
    assertTrue(Arrays.equals(uninterrupted(), resumed(saved)));
  }

  @Test
  void aCancelledRoundIsAbandonedAndTheRunResumesFromTheRoundBefore() {
    Saved saved = new Saved();
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    GradientSource local = new LocalGradientSource(net, DATA, 40, 3, 1024);
    GradientSource cancelledAt17 = new GradientSource() {
      @Override public GlobalBatches batches() { return local.batches(); }
      @Override public RoundResult computeRound(float[] params, long epoch, long batch) {
        if (epoch == 1 && batch == 6) throw new CancelledWorkException("job group cancelled", null);
        return local.computeRound(params, epoch, batch);
      }
    };
    TrainingLoop t = new TrainingLoop(cancelledAt17, FOUR_EPOCHS, null, saved);
    TrainingResult result = t.run(start(t));
    assertEquals(StopReason.INTERRUPTED, result.stopReason());
    assertEquals("job group cancelled", result.interruption());
    assertEquals(16, result.rounds(), "round 17 was cancelled: its update is not applied");
    assertEquals(16, saved.newest().round());
    assertTrue(Arrays.equals(uninterrupted(), resumed(saved)));
  }

  @Test
  void aCancelledEvaluationResumesWithThatEpochsEnd() {
    Saved saved = new Saved();
    Evaluator real = LocalGradientSource.evaluator(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 0, 1024);
    int[] calls = {0};
    Evaluator cancelledSecond = params -> {
      if (++calls[0] == 2) throw new CancelledWorkException("evaluation cancelled", null);
      return real.evaluate(params);
    };
    TrainingLoop t = trainer(FOUR_EPOCHS, cancelledSecond, saved);
    TrainingResult result = t.run(start(t));
    assertEquals(StopReason.INTERRUPTED, result.stopReason());
    assertEquals(20, result.rounds());
    assertEquals(1, saved.newest().epoch());
    assertEquals(10, saved.newest().nextBatch(), "every round of epoch 2 ran; its end (evaluation) comes next");
    List<Integer> epochs = new ArrayList<>();
    TrainingLoop rest = trainer(FOUR_EPOCHS, real, null).addListener(new TrainingListener() {
      @Override public void onEpoch(EpochEvent e) { epochs.add(e.epoch()); }
    });
    TrainingResult finished = rest.run(saved.newest());
    assertEquals(List.of(1, 2, 3), epochs, "the resumed run evaluates epoch 2 first");
    assertTrue(Arrays.equals(uninterrupted(), finished.params()));
  }
}
