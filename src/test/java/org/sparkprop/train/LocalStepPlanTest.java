package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkprop.optim.OptimizerSettings;

/** How a local-step round is cut from an epoch, and what a plan accepts. */
class LocalStepPlanTest {

  @Test
  void roundsStartAtMultiplesOfKAndTheEpochsLastOneHoldsWhatRemains() {
    assertEquals(4, LocalStepPlan.roundEnd(0, 4, 10));
    assertEquals(4, LocalStepPlan.roundEnd(3, 4, 10));
    assertEquals(8, LocalStepPlan.roundEnd(4, 4, 10));
    assertEquals(10, LocalStepPlan.roundEnd(8, 4, 10));
    assertEquals(10, LocalStepPlan.roundEnd(9, 4, 10));
    // Entered in its middle (a resumed run cut short earlier): ends where the aligned round ends.
    assertEquals(8, LocalStepPlan.roundEnd(6, 4, 10));
    // K = 1 is one batch per round; K beyond the epoch is the whole epoch.
    assertEquals(7, LocalStepPlan.roundEnd(6, 1, 10));
    assertEquals(10, LocalStepPlan.roundEnd(0, 64, 10));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalStepPlan.roundEnd(0, 0, 10));
    assertTrue(e.getMessage().contains("train.localSteps must be >= 1, got 0"), e.getMessage());
  }

  @Test
  void aPlanNamesItsBatchesAndRatesAndKeepsItsOwnRates() {
    float[] rates = {0.1f, 0.2f, 0.3f};
    LocalStepPlan plan = new LocalStepPlan(2, 8, 3, rates, OptimizerSettings.sgd(), 0);
    rates[0] = 9f;
    assertEquals(8, plan.batch(0));
    assertEquals(10, plan.batch(2));
    assertEquals(0.1f, plan.rate(0));
    assertEquals(0.3f, plan.rate(2));
    assertEquals(0.1f, plan.rates()[0]);
  }

  @Test
  void aPlanWithoutStepsOrWithTheWrongNumberOfRatesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LocalStepPlan(0, 0, 0, new float[0], OptimizerSettings.sgd(), 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalStepPlan(0, 0, 2, new float[3], OptimizerSettings.sgd(), 0));
    assertTrue(e.getMessage().contains("2 steps needs as many rates, got 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LocalStepPlan(0, 0, 1, new float[0], OptimizerSettings.sgd(), 0));
  }
}
