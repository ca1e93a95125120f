package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sparkprop.math.JavaGemm;

/**
 * The forward pass and the loss alone, on a network whose outputs are known: one softmax layer of
 * two inputs and two outputs with identity weights and biases (1, -1), so the logits of a row
 * (x0, x1) are (x0 + 1, x1 - 1). And the workspace's bounds.
 */
class DenseNetworkTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(2, new int[0], Activation.IDENTITY, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final float[] PARAMS = {1f, 0f, 0f, 1f, 1f, -1f};
  private static final float[] X = {0f, 2f, 1f, -1f, 0.5f, 0.5f};
  private static final float[] CLASSES = {1f, 0f, 0f};

  private static Workspace filled(int capacity, int rows) {
    Workspace ws = new Workspace(SPEC, 1, capacity);
    System.arraycopy(X, 0, ws.input, 0, rows * 2);
    System.arraycopy(CLASSES, 0, ws.target, 0, rows);
    return ws;
  }

  @Test
  void theForwardPassLeavesLogitsAndActivationsInTheWorkspace() {
    DenseNetwork net = new DenseNetwork(SPEC, new JavaGemm());
    assertSame(SPEC, net.spec());
    Workspace ws = filled(3, 3);
    net.forward(PARAMS, 3, ws);
    float[] logits = {1f, 1f, 2f, -2f, 1.5f, -0.5f};
    for (int i = 0; i < 6; i++) assertEquals(logits[i], ws.outputPreActivation()[i], "logit " + i);
    float[] softmax = new float[6];
    Activation.SOFTMAX.forward(logits, softmax, 3, 2);
    for (int i = 0; i < 6; i++) assertEquals(softmax[i], ws.output()[i], "probability " + i);
  }

  @Test
  void theLossAloneIsTheLossOfTheForwardAndBackwardPass() {
    DenseNetwork net = new DenseNetwork(SPEC, new JavaGemm());
    double alone = net.forwardLoss(PARAMS, 3, 1, filled(3, 3));
    double withGradient = net.forwardBackward(PARAMS, 3, 1, new float[PARAMS.length], filled(3, 3));
    assertEquals(withGradient, alone, 0.0);
    // Cross-entropy from the logits (1, 1), (2, -2), (1.5, -0.5) with classes 1, 0, 0.
    double expected = Math.log(2) + Math.log(1 + Math.exp(-4)) + Math.log(1 + Math.exp(-2));
    // Float32 logits and softmax: 1e-6 covers their rounding.
    assertEquals(expected, alone, 1e-6);

    Workspace weightedWs = filled(3, 3);
    System.arraycopy(new float[] {2f, 0f, 1f}, 0, weightedWs.weight, 0, 3);
    double weighted = net.forwardLoss(PARAMS, 3, 1, true, weightedWs);
    assertEquals(2 * Math.log(2) + Math.log(1 + Math.exp(-2)), weighted, 1e-6);
    float[] gradient = new float[PARAMS.length];
    Workspace again = filled(3, 3);
    System.arraycopy(new float[] {2f, 0f, 1f}, 0, again.weight, 0, 3);
    assertEquals(net.forwardBackward(PARAMS, 3, 1, true, gradient, again), weighted, 0.0);
  }

  @Test
  void aWorkspaceTakesUpToItsCapacityOfRows() {
    DenseNetwork net = new DenseNetwork(SPEC, new JavaGemm());
    Workspace ws = filled(2, 2);
    net.forward(PARAMS, 2, ws);
    assertArrayEquals(new float[] {1f, 1f, 2f, -2f}, ws.outputPreActivation());
    net.forward(PARAMS, 0, ws);
    IllegalArgumentException more = assertThrows(IllegalArgumentException.class, () -> net.forward(PARAMS, 3, ws));
    assertEquals("3 rows do not fit a workspace of 2", more.getMessage());
    assertThrows(IllegalArgumentException.class, () -> net.forward(PARAMS, -1, ws));
    assertEquals(1, new Workspace(SPEC, 1, 1).capacity());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new Workspace(SPEC, 1, 0));
    assertEquals("workspace capacity must be positive", none.getMessage());
  }
}
