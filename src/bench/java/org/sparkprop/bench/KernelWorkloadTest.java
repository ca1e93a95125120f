package org.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The kernel benchmark counts what it runs; a wrong count would make every GFLOP/s figure wrong. */
class KernelWorkloadTest {
  @Test
  void flopCountsOfTheSmallReferenceShape() {
    try (KernelWorkload w = new KernelWorkload(new int[] {4, 3, 2}, 5)) {
      // weights 4*3 + 3*2 = 18; 6 x 18 x 5 rows
      assertEquals(540, w.conventionalFlops());
      // layer 0: forward and weight gradient (2 x 2 x 5 x 4 x 3); layer 1 adds the input gradient (3 x 2 x 5 x 3 x 2)
      assertEquals(240 + 180, w.executedFlops());
      assertTrue(Double.isFinite(w.runNetwork()));
      w.runSgemm();
    }
  }
}
