package org.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OptimizerStateTest {

  @Test
  void equalityAndHashCodeCompareSlotContents() {
    OptimizerState a = new OptimizerState("adam", 3, new float[][] {{1, 2}, {3, 4}});
    OptimizerState b = new OptimizerState("adam", 3, new float[][] {{1, 2}, {3, 4}});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new OptimizerState("adam", 3, new float[][] {{1, 2}, {3, 5}}));
    assertNotEquals(a, new OptimizerState("adam", 4, new float[][] {{1, 2}, {3, 4}}));
    assertNotEquals(a, new OptimizerState("adamw", 3, new float[][] {{1, 2}, {3, 4}}));
  }

  @Test
  void theStateOwnsItsArrays() {
    float[][] source = {{1, 2}};
    OptimizerState state = new OptimizerState("momentum", 1, source);
    source[0][0] = 99;
    state.slots()[0][1] = 99;
    assertEquals(1f, state.slots()[0][0]);
    assertEquals(2f, state.slots()[0][1]);
  }

  @Test
  void toStringShowsKindStepsAndLeadingValues() {
    String shortState = new OptimizerState("momentum", 2, new float[][] {{0.5f, -1f}}).toString();
    assertEquals("OptimizerState[kind=momentum, steps=2, slots=[[0.5, -1.0]]]", shortState);

    String longState = new OptimizerState("sgd", 0, new float[][] {new float[100]}).toString();
    assertTrue(longState.contains("0.0, 0.0, ... (100 values)"), longState);
    assertTrue(longState.length() < 200, longState);
  }

  @Test
  void constructorRejectsMissingPartsAndNegativeSteps() {
    assertThrows(IllegalArgumentException.class, () -> new OptimizerState(null, 0, new float[0][]));
    assertThrows(IllegalArgumentException.class, () -> new OptimizerState("sgd", 0, null));
    assertThrows(IllegalArgumentException.class,
        () -> new OptimizerState("momentum", 0, new float[][] {null}));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new OptimizerState("sgd", -1, new float[0][]));
    assertTrue(error.getMessage().contains("steps = -1"), error.getMessage());
  }

  @Test
  void theHashSpreadsOverKindStepsAndSlots() {
    OptimizerState a = new OptimizerState("adam", 3, new float[][] {{1, 2}, {3, 4}});
    assertNotEquals(a.hashCode(), new OptimizerState("adam", 3, new float[][] {{1, 2}, {3, 5}}).hashCode());
    assertNotEquals(a.hashCode(), new OptimizerState("adam", 4, new float[][] {{1, 2}, {3, 4}}).hashCode());
    assertNotEquals(a.hashCode(), new OptimizerState("adamw", 3, new float[][] {{1, 2}, {3, 4}}).hashCode());
  }
}
