package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import org.sparkprop.nn.Workspace;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.ScheduleSettings;
import org.sparkprop.testing.TestOptimizers;

/**
 * Training until converged against scripted evaluations: each epoch's validation accuracy or mse
 * is chosen (exact binary fractions, so the tolerance's boundary can be hit exactly), and the
 * epoch at which the run stops and the epoch whose weights it keeps follow from the rule.
 */
class EarlyStoppingTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(2, new int[] {8}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
  private static final PackedBlock DATA = RowGenerators.pack(new Playground("plane", 400, 0, 1), 0, 400);

  /** Statistics of 8 rows of which {@code right} are classified correctly (2 classes). */
  private static EvaluationAccumulator accuracy(int right) {
    NetworkSpec pass = new NetworkSpec(2, new int[0], Activation.IDENTITY, 2, Activation.IDENTITY, Loss.MSE);
    float[] x = new float[16];
    float[] y = new float[8];
    for (int r = 0; r < 8; r++) {
      x[r * 2] = 1f; // every row predicts class 0
      y[r] = r < right ? 0 : 1;
    }
    EvaluationAccumulator acc = new EvaluationAccumulator(2);
    acc.add(new DenseNetwork(pass, new JavaGemm()), new float[] {1, 0, 0, 1, 0, 0}, new PackedBlock(0, 8, 2, 1, x, y),
        new Workspace(pass, 1, 8));
    return acc;
  }

  /** Regression statistics of 4 rows of which {@code wrong} are off by 1, the others exact: mse = wrong / 4. */
  private static EvaluationAccumulator mse(int wrong) {
    NetworkSpec pass = new NetworkSpec(1, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY, Loss.MSE);
    float[] x = {1f, 2f, 3f, 4f};
    float[] y = new float[4];
    for (int r = 0; r < 4; r++) y[r] = x[r] + (r < wrong ? 1 : 0);
    EvaluationAccumulator acc = new EvaluationAccumulator(0);
    acc.add(new DenseNetwork(pass, new JavaGemm()), new float[] {1, 0}, new PackedBlock(0, 4, 1, 1, x, y),
        new Workspace(pass, 1, 4));
    return acc;
  }

  /** Gives the scripted evaluations in turn, the last one again once they run out. */
  private static Evaluator scripted(List<EvaluationAccumulator> evaluations) {
    int[] calls = {0};
    return params -> evaluations.get(Math.min(calls[0]++, evaluations.size() - 1));
  }

  private static final class Weights implements TrainingListener {
    final List<float[]> perEpoch = new ArrayList<>();

    @Override public void onEpoch(EpochEvent event) {
      perEpoch.add(event.params().clone());
    }
  }

  private static TrainingResult run(Evaluator validation, int maxEpochs, int patience, double minDelta, StopMetric monitor,
                                    boolean monitorEvaluation, Weights weights) {
    TrainingOptions options = new TrainingOptions(0, 0, TestOptimizers.usual(OptimizerKind.SGD), 0.05,
        ScheduleSettings.constant(), 0, 0, new TrainingOptions.Convergence(maxEpochs, patience, minDelta, true, monitor));
    DenseNetwork net = new DenseNetwork(SPEC, Kernels.gemm());
    TrainingLoop t = new TrainingLoop(new LocalGradientSource(net, DATA, 40, 3, 1024), options, validation, null)
        .monitorEvaluation(monitorEvaluation).addListener(weights);
    float[] p = Initializer.GLOROT.initialise(SPEC, 3);
    return t.run(TrainingState.initial(p, t.newOptimizer(p.length).snapshot()));
  }

  @Test
  void accuracyImprovesUpwardsAndTheBestEpochsWeightsAreKept() {
    // 4/8, 5/8, 5/8, 6/8, 6/8, 6/8: improvements at epochs 2 and 4, then two epochs without.
    Weights w = new Weights();
    TrainingResult r = run(scripted(List.of(accuracy(4), accuracy(5), accuracy(5), accuracy(6), accuracy(6),
        accuracy(6))), 20, 2, 0, StopMetric.ACCURACY, true, w);
    assertEquals(StopReason.CONVERGED, r.stopReason());
    assertEquals(6, r.epochs());
    assertEquals(4, r.bestEpoch());
    assertArrayEquals(w.perEpoch.get(3), r.params());
  }

  @Test
  void aChangeOfExactlyTheToleranceIsNoImprovement() {
    // Accuracy 4/8 then 6/8: up by exactly the tolerance 0.25, which does not count.
    TrainingResult up = run(scripted(List.of(accuracy(4), accuracy(6), accuracy(6), accuracy(8))), 20, 2, 0.25,
        StopMetric.ACCURACY, true, new Weights());
    assertEquals(StopReason.CONVERGED, up.stopReason());
    assertEquals(3, up.epochs());
    assertEquals(1, up.bestEpoch());
    // mse 4/4 then 3/4: down by exactly the tolerance.
    TrainingResult down = run(scripted(List.of(mse(4), mse(3), mse(3), mse(0))), 20, 2, 0.25, StopMetric.MSE, true,
        new Weights());
    assertEquals(3, down.epochs());
    assertEquals(1, down.bestEpoch());
    // Beyond the tolerance it counts: mse 4/4, 2/4 (down by 0.5), then flat.
    TrainingResult beyond = run(scripted(List.of(mse(4), mse(2))), 20, 2, 0.25, StopMetric.MSE, true, new Weights());
    assertEquals(4, beyond.epochs());
    assertEquals(2, beyond.bestEpoch());
  }

  @Test
  void smallImprovementsDoNotResetThePatienceButDoNotMoveTheBestEither() {
    // 4/8, 5/8, 6/8, 7/8 with tolerance 0.3: 5/8 and 6/8 are within 0.3 of 4/8; 7/8 is 0.375 above it.
    TrainingResult r = run(scripted(List.of(accuracy(4), accuracy(5), accuracy(6), accuracy(7))), 20, 3, 0.3,
        StopMetric.ACCURACY, true, new Weights());
    assertEquals(4 + 3, r.epochs(), "the best (epoch 4) and then the patience");
    assertEquals(4, r.bestEpoch());
  }

  @Test
  void withoutTheEvaluationWatchedTheTrainingLossDecides() {
    // The validation accuracy never changes: watched, it stops the run after the patience.
    List<EvaluationAccumulator> flat = List.of(accuracy(5));
    TrainingResult watched = run(scripted(flat), 5, 1, 0, StopMetric.ACCURACY, true, new Weights());
    assertEquals(StopReason.CONVERGED, watched.stopReason());
    assertEquals(2, watched.epochs());
    // Not watched (the evaluation is the test set), the falling training loss is: lower is better.
    Weights w = new Weights();
    TrainingResult unwatched = run(scripted(flat), 5, 1, 0, StopMetric.ACCURACY, false, w);
    assertEquals(StopReason.MAX_EPOCHS, unwatched.stopReason());
    assertEquals(5, unwatched.epochs());
    assertEquals(5, unwatched.bestEpoch(), "every epoch lowered the training loss");
    assertArrayEquals(w.perEpoch.get(4), unwatched.params());
    // A metric the evaluation lacks (accuracy of a regression) falls back to the training loss as well.
    TrainingResult lacking = run(scripted(List.of(mse(2))), 5, 1, 0, StopMetric.ACCURACY, true, new Weights());
    assertEquals(StopReason.MAX_EPOCHS, lacking.stopReason());
    assertEquals(5, lacking.bestEpoch());
  }

  @Test
  void aRunCutShortByAListenerOrTheRoundLimitKeepsItsLastWeightsNotTheBest() {
    // Epoch 2 is the best (6/8); a listener stops the run after epoch 5, long before the patience.
    List<EvaluationAccumulator> bestSecond = List.of(accuracy(4), accuracy(6), accuracy(5));
    Weights w = new Weights();
    TrainingListener stopAfter5 = new TrainingListener() {
      @Override public boolean stopRequested() { return w.perEpoch.size() == 5; }
    };
    TrainingOptions options = new TrainingOptions(0, 0, TestOptimizers.usual(OptimizerKind.SGD), 0.05,
        ScheduleSettings.constant(), 0, 0, new TrainingOptions.Convergence(20, 10, 0, true, StopMetric.ACCURACY));
    TrainingLoop t = new TrainingLoop(new LocalGradientSource(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 40, 3, 1024),
        options, scripted(bestSecond), null).addListener(w).addListener(stopAfter5);
    float[] p = Initializer.GLOROT.initialise(SPEC, 3);
    TrainingResult stopped = t.run(TrainingState.initial(p, t.newOptimizer(p.length).snapshot()));
    assertEquals(StopReason.LISTENER, stopped.stopReason());
    assertEquals(0, stopped.bestEpoch(), "nothing restored");
    assertArrayEquals(w.perEpoch.get(4), stopped.params());
    // The same with a limit of 45 rounds (10 per epoch): cut inside epoch 5, as it stands.
    Weights w2 = new Weights();
    TrainingLoop limited = new TrainingLoop(new LocalGradientSource(new DenseNetwork(SPEC, Kernels.gemm()), DATA, 40, 3,
        1024), options.withMaxRounds(45), scripted(bestSecond), null).addListener(w2);
    TrainingResult cut = limited.run(TrainingState.initial(p, limited.newOptimizer(p.length).snapshot()));
    assertEquals(StopReason.ROUND_LIMIT, cut.stopReason());
    assertEquals(0, cut.bestEpoch());
    assertEquals(4, w2.perEpoch.size());
    assertFalse(java.util.Arrays.equals(w2.perEpoch.get(1), cut.params()), "not the best epoch's weights");
    assertFalse(java.util.Arrays.equals(w2.perEpoch.get(3), cut.params()), "five rounds past the last epoch's end");
  }

  @Test
  void aPatienceOfZeroNeverStopsBeforeTheMaximum() {
    TrainingResult r = run(scripted(List.of(accuracy(5))), 4, 0, 0, StopMetric.ACCURACY, true, new Weights());
    assertEquals(StopReason.MAX_EPOCHS, r.stopReason());
    assertEquals(4, r.epochs());
    assertEquals(1, r.bestEpoch(), "the first epoch was the best and its weights end the run");
  }
}
