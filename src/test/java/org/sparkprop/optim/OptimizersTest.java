package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Creation, settings validation and the contract of step() beyond the update rules. */
class OptimizersTest {

  private static OptimizerSettings with(String kind, double momentum, double beta1, double beta2,
      double epsilon, double weightDecay, double l2) {
    return new OptimizerSettings(kind, momentum, beta1, beta2, epsilon, weightDecay, l2);
  }

  private static String creationError(OptimizerSettings settings) {
    return assertThrows(IllegalArgumentException.class, () -> Optimizers.create(settings, 3))
        .getMessage();
  }

  @Test
  void defaultsArePyTorchsWithWeightDecayOnlyForAdamW() {
    assertEquals(new OptimizerSettings("adam", 0.9, 0.9, 0.999, 1e-8, 0.0, 0.0),
        OptimizerSettings.defaults("adam"));
    assertEquals(new OptimizerSettings("adamw", 0.9, 0.9, 0.999, 1e-8, 0.01, 0.0),
        OptimizerSettings.defaults("adamw"));
    assertEquals(0.0, OptimizerSettings.defaults("sgd").weightDecay());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam", "adamw"})
  void createsTheNamedKindAndCountsSteps(String kind) {
    Optimizer optimizer = Optimizers.create(OptimizerSettings.defaults(kind), 2);
    assertEquals(kind, optimizer.name());
    assertEquals(0, optimizer.steps());
    optimizer.step(new float[] {1, 2}, new float[] {0.5f, 0.5f}, 0.1f);
    optimizer.step(new float[] {1, 2}, new float[] {0.5f, 0.5f}, 0.1f);
    assertEquals(2, optimizer.steps());
  }

  @Test
  void unknownKindIsRejectedWithTheAcceptedList() {
    String message = creationError(OptimizerSettings.defaults("rmsprop"));
    assertTrue(message.contains("'rmsprop'"), message);
    assertTrue(message.contains("sgd, momentum, nesterov, adam, adamw"), message);
    assertTrue(creationError(OptimizerSettings.defaults(null)).contains("'null'"));
  }

  @Test
  void outOfRangeSettingsAreRejectedNamingSettingValueAndRange() {
    assertEquals("momentum = 1.0 is outside the accepted range [0, 1)",
        creationError(with("momentum", 1.0, 0.9, 0.999, 1e-8, 0, 0)));
    assertEquals("momentum = -0.1 is outside the accepted range [0, 1)",
        creationError(with("nesterov", -0.1, 0.9, 0.999, 1e-8, 0, 0)));
    assertEquals("beta1 = 1.0 is outside the accepted range [0, 1)",
        creationError(with("adam", 0.9, 1.0, 0.999, 1e-8, 0, 0)));
    assertEquals("beta2 = NaN is outside the accepted range [0, 1)",
        creationError(with("adamw", 0.9, 0.9, Double.NaN, 1e-8, 0.01, 0)));
    assertEquals("epsilon = 0.0 is outside the accepted range (0, infinity)",
        creationError(with("adam", 0.9, 0.9, 0.999, 0.0, 0, 0)));
    assertEquals("weightDecay = -0.01 is outside the accepted range [0, infinity)",
        creationError(with("adamw", 0.9, 0.9, 0.999, 1e-8, -0.01, 0)));
    assertEquals("l2 = -1.0 is outside the accepted range [0, infinity)",
        creationError(with("sgd", 0.9, 0.9, 0.999, 1e-8, 0, -1.0)));
    assertEquals("parameterCount = -1 is outside the accepted range [0, Integer.MAX_VALUE]",
        assertThrows(IllegalArgumentException.class,
            () -> Optimizers.create(OptimizerSettings.defaults("sgd"), -1)).getMessage());
  }

  @Test
  void weightDecayOutsideAdamWIsRejectedRatherThanIgnored() {
    String message = creationError(with("adam", 0.9, 0.9, 0.999, 1e-8, 0.01, 0));
    assertTrue(message.startsWith("weightDecay = 0.01 is outside the accepted range {0}"), message);
    assertTrue(message.contains("use l2"), message);
  }

  @Test
  void settingsAKindDoesNotUseAreNotValidated() {
    // sgd reads neither momentum nor the Adam settings, so config may leave them at anything.
    Optimizers.create(with("sgd", 5.0, -1.0, 2.0, 0.0, 0, 0), 3);
    Optimizers.create(with("adam", 5.0, 0.9, 0.999, 1e-8, 0, 0), 3);
  }

  @Test
  void stepRejectsMismatchedLengthsAndLeavesEverythingUnchanged() {
    Optimizer momentum = Optimizers.create(OptimizerSettings.defaults("momentum"), 3);
    float[] params = {1, 2, 3};
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> momentum.step(params, new float[] {1, 1}, 0.1f));
    assertEquals("optimizer 'momentum' was created for 3 parameters but got params.length = 3 "
        + "and gradient.length = 2", error.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> momentum.step(new float[4], new float[4], 0.1f));
    assertArrayEquals(new float[] {1, 2, 3}, params);
    assertEquals(0, momentum.steps());
    assertEquals(Optimizers.create(OptimizerSettings.defaults("momentum"), 3).snapshot(),
        momentum.snapshot());
  }

  @Test
  void stepRejectsNegativeOrNonFiniteRates() {
    Optimizer sgd = Optimizers.create(OptimizerSettings.defaults("sgd"), 1);
    for (float rate : new float[] {-0.1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> sgd.step(new float[1], new float[1], rate));
      assertTrue(error.getMessage().startsWith("learningRate = " + rate), error.getMessage());
    }
    assertEquals(0, sgd.steps());
  }

  @Test
  void anOptimizerWithoutParametersIsAllowed() {
    Optimizer adam = Optimizers.create(OptimizerSettings.defaults("adam"), 0);
    adam.step(new float[0], new float[0], 0.1f);
    assertEquals(1, adam.steps());
  }

  /**
   * The hot-loop rule: step() allocates nothing. Measured with the thread's allocation counter;
   * one 16-byte object per step would show as 160 kB over the measured steps, far above the
   * allowance for the counter's own bookkeeping.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam", "adamw"})
  void stepAllocatesNothing(String kind) {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assumeTrue(threads instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
    assumeTrue(allocations.isThreadAllocatedMemorySupported()
        && allocations.isThreadAllocatedMemoryEnabled());

    OptimizerSettings d = OptimizerSettings.defaults(kind);
    Optimizer optimizer = Optimizers.create(new OptimizerSettings(kind, d.momentum(), d.beta1(),
        d.beta2(), d.epsilon(), d.weightDecay(), 1e-4), 64);
    float[] params = new float[64];
    float[] gradient = new float[64];
    java.util.Arrays.fill(params, 1f);
    for (int i = 0; i < 20_000; i++) {
      optimizer.step(params, gradient, 1e-3f);
    }
    long threadId = Thread.currentThread().getId();
    long before = allocations.getThreadAllocatedBytes(threadId);
    for (int i = 0; i < 10_000; i++) {
      optimizer.step(params, gradient, 1e-3f);
    }
    long allocated = allocations.getThreadAllocatedBytes(threadId) - before;
    assertTrue(allocated < 4_096, kind + " allocated " + allocated + " bytes in 10000 steps");
  }
}
