package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkprop.testing.TestOptimizers;

/** Creation, the few argument checks and the contract of step() beyond the update rules. */
class OptimizersTest {

  private static OptimizerSettings with(OptimizerKind kind, double momentum, double beta1, double beta2,
      double epsilon, double weightDecay, double l2) {
    return new OptimizerSettings(kind, momentum, beta1, beta2, epsilon, weightDecay, l2);
  }

  private static String creationError(OptimizerSettings settings) {
    return assertThrows(IllegalArgumentException.class, () -> Optimizers.create(settings, 3))
        .getMessage();
  }

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void createsTheNamedKindAndCountsSteps(OptimizerKind kind) {
    Optimizer optimizer = Optimizers.create(TestOptimizers.usual(kind), 2);
    assertEquals(kind.configName(), optimizer.name());
    assertEquals(0, optimizer.steps());
    optimizer.step(new float[] {1, 2}, new float[] {0.5f, 0.5f}, 0.1f);
    optimizer.step(new float[] {1, 2}, new float[] {0.5f, 0.5f}, 0.1f);
    assertEquals(2, optimizer.steps());
  }

  @Test
  void missingSettingsAndNegativeSizesAreRejected() {
    assertTrue(creationError(null).contains("must not be null"));
    assertTrue(creationError(with(null, 0.9, 0.9, 0.999, 1e-8, 0, 0)).contains("must not be null"));
    assertEquals("parameterCount = -1: a parameter count cannot be negative",
        assertThrows(IllegalArgumentException.class,
            () -> Optimizers.create(TestOptimizers.usual(OptimizerKind.SGD), -1)).getMessage());
  }

  @Test
  void weightDecayOutsideAdamWIsRejectedRatherThanIgnored() {
    String message = creationError(with(OptimizerKind.ADAM, 0.9, 0.9, 0.999, 1e-8, 0.01, 0));
    assertTrue(message.startsWith("weightDecay = 0.01: decoupled weight decay exists only for adamw"), message);
    assertTrue(message.contains("use l2"), message);
  }

  /**
   * A kind reads only its own fields (see OptimizerKind), so the configuration may leave the
   * others at anything: here values no range would accept. Creation succeeds and the steps are
   * exactly those with the usual values; and changing a field the kind does read changes them,
   * so the comparison can see a difference.
   */
  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void settingsAKindDoesNotUseAreNotValidated(OptimizerKind kind) {
    boolean momentum = kind == OptimizerKind.MOMENTUM || kind == OptimizerKind.NESTEROV;
    boolean adam = kind == OptimizerKind.ADAM || kind == OptimizerKind.ADAMW;
    OptimizerSettings usual = TestOptimizers.usual(kind);
    OptimizerSettings odd = with(kind, momentum ? usual.momentum() : 5.0, adam ? usual.beta1() : -1.0,
        adam ? usual.beta2() : 2.0, adam ? usual.epsilon() : 0.0, usual.weightDecay(), usual.l2());
    assertArrayEquals(threeSteps(usual), threeSteps(odd));

    OptimizerSettings read = momentum ? with(kind, 0.5, usual.beta1(), usual.beta2(), usual.epsilon(), 0, 0)
        : adam ? with(kind, usual.momentum(), 0.5, usual.beta2(), usual.epsilon(), usual.weightDecay(), 0)
        : with(kind, usual.momentum(), usual.beta1(), usual.beta2(), usual.epsilon(), 0, 0.5);
    assertFalse(Arrays.equals(threeSteps(usual), threeSteps(read)), kind + " reads the changed field");
  }

  private static float[] threeSteps(OptimizerSettings settings) {
    Optimizer optimizer = Optimizers.create(settings, 3);
    float[] params = {1.0f, -2.0f, 0.5f};
    float[][] gradients = {{0.1f, -0.2f, 0.3f}, {0.4f, 0.0f, -0.1f}, {-0.3f, 0.2f, 0.2f}};
    for (float[] g : gradients) optimizer.step(params, g.clone(), 0.1f);
    return params;
  }

  @Test
  void stepRejectsMismatchedLengthsAndLeavesEverythingUnchanged() {
    Optimizer momentum = Optimizers.create(TestOptimizers.usual(OptimizerKind.MOMENTUM), 3);
    float[] params = {1, 2, 3};
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> momentum.step(params, new float[] {1, 1}, 0.1f));
    assertEquals("optimizer 'momentum' was created for 3 parameters but got params.length = 3 "
        + "and gradient.length = 2", error.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> momentum.step(new float[4], new float[4], 0.1f));
    assertArrayEquals(new float[] {1, 2, 3}, params);
    assertEquals(0, momentum.steps());
    assertEquals(Optimizers.create(TestOptimizers.usual(OptimizerKind.MOMENTUM), 3).snapshot(),
        momentum.snapshot());
  }

  @Test
  void stepRejectsNegativeOrNonFiniteRates() {
    Optimizer sgd = Optimizers.create(TestOptimizers.usual(OptimizerKind.SGD), 1);
    for (float rate : new float[] {-0.1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> sgd.step(new float[1], new float[1], rate));
      assertTrue(error.getMessage().startsWith("learningRate = " + rate), error.getMessage());
    }
    assertEquals(0, sgd.steps());
  }

  @Test
  void anOptimizerWithoutParametersIsAllowed() {
    Optimizer adam = Optimizers.create(TestOptimizers.usual(OptimizerKind.ADAM), 0);
    adam.step(new float[0], new float[0], 0.1f);
    assertEquals(1, adam.steps());
  }

  /**
   * The hot-loop rule: step() allocates nothing. Measured with the thread's allocation counter;
   * one 16-byte object per step would show as 160 kB over the measured steps, far above the
   * allowance for the counter's own bookkeeping.
   */
  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void stepAllocatesNothing(OptimizerKind kind) {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assumeTrue(threads instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
    assumeTrue(allocations.isThreadAllocatedMemorySupported()
        && allocations.isThreadAllocatedMemoryEnabled());

    OptimizerSettings d = TestOptimizers.usual(kind);
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

  @Test
  void aRateOfZeroIsAStepThatLeavesTheParametersWhereTheyAre() {
    Optimizer sgd = Optimizers.create(OptimizerSettings.sgd(), 3);
    float[] params = {1f, -2f, 0.5f};
    sgd.step(params, new float[] {3f, 1f, -4f}, 0f);
    assertArrayEquals(new float[] {1f, -2f, 0.5f}, params);
    assertEquals(1, sgd.steps(), "the step counts");
    assertEquals("sgd", sgd.name());
    assertEquals(0, sgd.snapshot().slots().length, "plain sgd keeps no state");
    assertEquals("sgd optimizer (3 parameters, 1 steps)", sgd.toString());
  }
}
