package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a network description promises its users: the smallest sizes it accepts and the first it
 * refuses, value equality (a checkpoint's and a run's networks are compared with it), its
 * description, and the defaults paired with a loss or an activation.
 */
class NetworkSpecContractTest {
  private static NetworkSpec spec(int inputs, int[] hidden, Activation h, int outputs, Activation out, Loss loss) {
    return new NetworkSpec(inputs, hidden, h, outputs, out, loss);
  }

  @Test
  void widthsOfOneAreTheSmallestAccepted() {
    NetworkSpec tiny = spec(1, new int[] {1}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
    assertEquals(1 * 1 + 1 + 1 * 1 + 1, tiny.parameterCount());
    assertThrows(IllegalArgumentException.class, () -> spec(0, new int[] {1}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE));
    assertThrows(IllegalArgumentException.class, () -> spec(1, new int[] {0}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE));
    assertThrows(IllegalArgumentException.class, () -> spec(1, new int[] {1}, Activation.TANH, 0, Activation.IDENTITY, Loss.MSE));
    assertThrows(IllegalArgumentException.class, () -> new ParameterLayout(new int[] {3}));
    assertThrows(IllegalArgumentException.class, () -> new ParameterLayout(new int[] {3, 0}));
  }

  @Test
  void softmaxNeedsTwoClassesAndAcceptsTwo() {
    assertEquals(2, spec(3, new int[0], Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY).outputs());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> spec(3, new int[0], Activation.TANH, 1, Activation.SOFTMAX, Loss.CROSS_ENTROPY));
    assertTrue(e.getMessage().contains("at least 2 classes"), e.getMessage());
  }

  @Test
  void hiddenSoftmaxIsRefusedButASingleLayerNeedsNoHiddenActivation() {
    assertThrows(IllegalArgumentException.class,
        () -> spec(3, new int[] {4}, Activation.SOFTMAX, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY));
    // Without hidden layers the hidden activation is never used, so any value is accepted.
    NetworkSpec linear = spec(3, new int[0], Activation.SOFTMAX, 1, Activation.IDENTITY, Loss.MSE);
    assertEquals("3-1 (identity output, mse loss, 4 parameters)", linear.describe());
    assertEquals(linear.describe(), linear.toString());
  }

  @Test
  void perceptronsAreSingleLayerStepOutputsWithMaeOrMse() {
    assertEquals(Activation.STEP, spec(2, new int[0], Activation.TANH, 1, Activation.STEP, Loss.MAE).outputActivation());
    assertEquals(Activation.STEP, spec(2, new int[0], Activation.TANH, 2, Activation.STEP, Loss.MSE).outputActivation());
    assertThrows(IllegalArgumentException.class, () -> spec(2, new int[0], Activation.TANH, 1, Activation.TANH, Loss.BCE));
  }

  @Test
  void aStepOutputWithACrossEntropyIsRefusedWhenTheSpecIsBuiltNotWhenTrainingStarts() {
    // Neither cross-entropy has a perceptron rule: such a network used to pass here and then fail
    // in its first round with an UnsupportedOperationException.
    IllegalArgumentException bce = assertThrows(IllegalArgumentException.class,
        () -> spec(2, new int[0], Activation.TANH, 1, Activation.STEP, Loss.BCE));
    assertEquals("a step output (the perceptron) is trained with the mae or mse loss, not bce: use loss mae or mse,"
        + " or a sigmoid output for bce", bce.getMessage());
    IllegalArgumentException ce = assertThrows(IllegalArgumentException.class,
        () -> spec(2, new int[0], Activation.TANH, 2, Activation.STEP, Loss.CROSS_ENTROPY));
    assertEquals("a step output (the perceptron) is trained with the mae or mse loss, not cross_entropy: use loss mae"
        + " or mse, or a softmax output for cross_entropy", ce.getMessage());
    // The losses themselves refuse a step output too, rather than reaching a missing formula.
    float[] one = new float[1];
    IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
        () -> Loss.BCE.lossAndDelta(one, one, one, 1, 1, 1, Activation.STEP, new float[1], new float[1]));
    assertEquals("loss bce needs a sigmoid output, got step", direct.getMessage());
  }

  @Test
  void equalityIsByValueOverEveryField() {
    NetworkSpec a = spec(4, new int[] {5, 3}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    NetworkSpec same = spec(4, new int[] {5, 3}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    assertEquals(a, same);
    assertEquals(a.hashCode(), same.hashCode());
    List<NetworkSpec> others = List.of(
        spec(5, new int[] {5, 3}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY),
        spec(4, new int[] {5, 4}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY),
        spec(4, new int[] {5}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY),
        spec(4, new int[] {5, 3}, Activation.RELU, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY),
        spec(4, new int[] {5, 3}, Activation.TANH, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY),
        spec(4, new int[] {5, 3}, Activation.TANH, 2, Activation.SIGMOID, Loss.BCE),
        spec(4, new int[] {5, 3}, Activation.TANH, 2, Activation.SIGMOID, Loss.MSE));
    for (NetworkSpec other : others) {
      assertNotEquals(a, other, other.describe());
    }
    assertNotEquals(a, (Object) a.describe());
    assertArrayEquals(new int[] {5, 3}, a.hidden());
    assertSame(Activation.TANH, a.hiddenActivation());
    // The hash spreads inputs, outputs and widths: these specs differ only there.
    assertNotEquals(a.hashCode(), others.get(0).hashCode());
    assertNotEquals(a.hashCode(), others.get(1).hashCode());
    assertNotEquals(a.hashCode(), others.get(4).hashCode());
  }

  @Test
  void eachLossPairsWithItsUsualOutputAndInitializersWithTheHiddenActivation() {
    assertEquals(Activation.SIGMOID, Loss.BCE.defaultOutput());
    assertEquals(Activation.SOFTMAX, Loss.CROSS_ENTROPY.defaultOutput());
    assertEquals(Activation.IDENTITY, Loss.MSE.defaultOutput());
    assertEquals(Activation.IDENTITY, Loss.MAE.defaultOutput());
    assertEquals(Initializer.HE, Initializer.defaultFor(Activation.RELU));
    assertEquals(Initializer.HE, Initializer.defaultFor(Activation.LEAKY_RELU));
    assertEquals(Initializer.GLOROT, Initializer.defaultFor(Activation.TANH));
    assertEquals(Initializer.GLOROT, Initializer.defaultFor(Activation.SIGMOID));
    assertEquals(Initializer.HE, Initializer.parse(" He "));
    assertEquals("glorot", Initializer.GLOROT.configName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializer.parse("xavier"));
    assertTrue(e.getMessage().contains("'xavier'") && e.getMessage().contains("glorot or he"), e.getMessage());
  }

  @Test
  void aWidthBelowOneIsRefusedNamingWhichWidth() {
    assertEquals("the network needs at least one input feature, got 0", assertThrows(IllegalArgumentException.class,
        () -> spec(0, new int[] {1}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE)).getMessage());
    assertEquals("the network needs at least one output, got 0", assertThrows(IllegalArgumentException.class,
        () -> spec(1, new int[] {1}, Activation.TANH, 0, Activation.IDENTITY, Loss.MSE)).getMessage());
    assertEquals("hidden widths must be positive, got [3, 0]", assertThrows(IllegalArgumentException.class,
        () -> spec(1, new int[] {3, 0}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE)).getMessage());
    assertEquals("layer widths must be positive, got [0, 3]", assertThrows(IllegalArgumentException.class,
        () -> new ParameterLayout(new int[] {0, 3})).getMessage());
  }

  @Test
  void withoutHiddenLayersAnyHiddenActivationIsAccepted() {
    for (Activation unused : Activation.values()) {
      assertEquals(3, spec(2, new int[0], unused, 1, Activation.STEP, Loss.MAE).parameterCount(), unused.configName());
    }
  }

  @Test
  void theLargestLayoutOneJavaArrayHoldsIsAcceptedAndOneMoreRowIsNot() {
    // 119 x (18,046,080 + 1) = 2^31 - 9 parameters: the most a Java array may hold here (MAX_VALUE - 8).
    ParameterLayout largest = new ParameterLayout(new int[] {18_046_080, 119});
    assertEquals(Integer.MAX_VALUE - 8, largest.size());
    assertEquals(18_046_080, largest.maxWidth());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ParameterLayout(new int[] {18_046_081, 119}));
    assertTrue(e.getMessage().contains("more than 2^31 parameters"), e.getMessage());
  }
}
