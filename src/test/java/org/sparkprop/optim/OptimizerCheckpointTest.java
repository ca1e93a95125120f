package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkprop.testing.TestOptimizers;

/** snapshot() and restore(): resuming from a checkpoint must not change the training result. */
class OptimizerCheckpointTest {

  private static final int PARAMETERS = 7;
  private static final float RATE = 0.05f;

  private static OptimizerSettings settingsWithL2(OptimizerKind kind) {
    OptimizerSettings d = TestOptimizers.usual(kind);
    return new OptimizerSettings(kind, d.momentum(), d.beta1(), d.beta2(), d.epsilon(),
        d.weightDecay(), 0.001);
  }

  /** Gradients for steps 0..count-1; the same seed gives the same gradients to every run. */
  private static float[][] gradients(int count) {
    Random random = new Random(42);
    float[][] gradients = new float[count][PARAMETERS];
    for (float[] gradient : gradients) {
      for (int i = 0; i < PARAMETERS; i++) {
        gradient[i] = (float) random.nextGaussian();
      }
    }
    return gradients;
  }

  private static float[] initialParams() {
    Random random = new Random(7);
    float[] params = new float[PARAMETERS];
    for (int i = 0; i < PARAMETERS; i++) {
      params[i] = (float) random.nextGaussian();
    }
    return params;
  }

  private static void steps(Optimizer optimizer, float[] params, float[][] gradients, int from,
      int to) {
    for (int s = from; s < to; s++) {
      optimizer.step(params, gradients[s].clone(), RATE);
    }
  }

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void restoringASnapshotIntoAFreshOptimizerContinuesBitForBit(OptimizerKind kind) {
    float[][] gradients = gradients(5);
    Optimizer original = Optimizers.create(settingsWithL2(kind), PARAMETERS);
    float[] params = initialParams();
    steps(original, params, gradients, 0, 3);
    OptimizerState checkpoint = original.snapshot();
    float[] checkpointParams = params.clone();
    steps(original, params, gradients, 3, 5);

    Optimizer resumed = Optimizers.create(settingsWithL2(kind), PARAMETERS);
    resumed.restore(checkpoint);
    float[] resumedParams = checkpointParams.clone();
    steps(resumed, resumedParams, gradients, 3, 5);

    assertArrayEquals(params, resumedParams, "parameters after resuming");
    assertEquals(original.snapshot(), resumed.snapshot(), "state after resuming");
    assertEquals(5, resumed.steps());
  }

  /** Shows that the round trip above tests something: without restore the result differs. */
  @ParameterizedTest
  @EnumSource(value = OptimizerKind.class, names = {"MOMENTUM", "NESTEROV", "ADAM", "ADAMW"})
  void continuingWithoutRestoreGivesADifferentResult(OptimizerKind kind) {
    float[][] gradients = gradients(5);
    Optimizer original = Optimizers.create(settingsWithL2(kind), PARAMETERS);
    float[] params = initialParams();
    steps(original, params, gradients, 0, 3);
    float[] checkpointParams = params.clone();
    steps(original, params, gradients, 3, 5);

    Optimizer fresh = Optimizers.create(settingsWithL2(kind), PARAMETERS);
    float[] freshParams = checkpointParams.clone();
    steps(fresh, freshParams, gradients, 3, 5);

    assertFalse(java.util.Arrays.equals(params, freshParams));
  }

  @Test
  void snapshotIsNotChangedByLaterSteps() {
    Optimizer adam = Optimizers.create(TestOptimizers.usual(OptimizerKind.ADAM), PARAMETERS);
    float[] params = initialParams();
    float[][] gradients = gradients(2);
    adam.step(params, gradients[0].clone(), RATE);
    OptimizerState snapshot = adam.snapshot();
    float[][] slotsAtSnapshot = snapshot.slots();

    adam.step(params, gradients[1].clone(), RATE);

    assertEquals(1, snapshot.steps());
    assertArrayEquals(slotsAtSnapshot, snapshot.slots());
    assertNotEquals(snapshot, adam.snapshot());
  }

  @Test
  void snapshotRecordsKindStepsAndOneSlotPerStateArray() {
    Optimizer adam = Optimizers.create(TestOptimizers.usual(OptimizerKind.ADAM), PARAMETERS);
    adam.step(initialParams(), gradients(1)[0], RATE);
    OptimizerState state = adam.snapshot();
    assertEquals("adam", state.kind());
    assertEquals(1, state.steps());
    assertEquals(2, state.slots().length);
    assertEquals(PARAMETERS, state.slots()[1].length);
    assertEquals(0, Optimizers.create(TestOptimizers.usual(OptimizerKind.SGD), 3).snapshot()
        .slots().length);
  }

  @Test
  void restoreRejectsTheStateOfAnotherKind() {
    Optimizer adam = Optimizers.create(TestOptimizers.usual(OptimizerKind.ADAM), PARAMETERS);
    OptimizerState adamW = Optimizers.create(TestOptimizers.usual(OptimizerKind.ADAMW), PARAMETERS)
        .snapshot();
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> adam.restore(adamW));
    assertTrue(error.getMessage().contains("'adam'") && error.getMessage().contains("'adamw'"),
        error.getMessage());
  }

  @Test
  void restoreRejectsAWrongNumberOfSlots() {
    Optimizer momentum = Optimizers.create(TestOptimizers.usual(OptimizerKind.MOMENTUM), 3);
    OptimizerState twoSlots = new OptimizerState("momentum", 1, new float[2][3]);
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> momentum.restore(twoSlots));
    assertTrue(error.getMessage().contains("1 state slots but the state has 2"),
        error.getMessage());
  }

  @Test
  void restoreRejectsASlotOfTheWrongLengthAndKeepsItsState() {
    Optimizer adam = Optimizers.create(TestOptimizers.usual(OptimizerKind.ADAM), 3);
    adam.step(new float[] {1, 2, 3}, new float[] {1, 1, 1}, RATE);
    OptimizerState before = adam.snapshot();
    // Slot 0 fits, so a restore that copied slot by slot while checking would corrupt state.
    OptimizerState badSecondSlot =
        new OptimizerState("adam", 9, new float[][] {{5, 5, 5}, {5, 5, 5, 5}});

    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> adam.restore(badSecondSlot));
    assertTrue(error.getMessage().contains("3 parameters but slot 1 of the state has 4 values"),
        error.getMessage());
    assertEquals(before, adam.snapshot());
  }

  @Test
  void restoreRejectsNull() {
    Optimizer sgd = Optimizers.create(TestOptimizers.usual(OptimizerKind.SGD), 3);
    assertThrows(IllegalArgumentException.class, () -> sgd.restore(null));
  }
}
