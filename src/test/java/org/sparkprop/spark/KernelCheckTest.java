package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkprop.math.KernelMismatchException;
import org.sparkprop.train.GradientAccumulator;

/** The driver's check of every task result's kernel before it combines it. */
class KernelCheckTest {

  @Test
  void aResultOfTheJobsKernelIsMerged() {
    assertDoesNotThrow(() -> OrderedRound.checkKernel(
        new GradientAccumulator(2).computedWith("Haswell", "executor 1 on host a"), "partition 0", "Haswell"));
  }

  @Test
  void aResultOfAnotherKernelIsRefusedNamingItsHostItsKernelAndTheJobs() {
    KernelMismatchException e = assertThrows(KernelMismatchException.class, () -> OrderedRound.checkKernel(
        new GradientAccumulator(2).computedWith("SkylakeX", "executor 2 on host b"), "partition 3", "Haswell"));
    assertTrue(e.getMessage().startsWith("refusing to merge the gradient of partition 3: it was computed on executor 2"
        + " on host b with the GEMM kernel SkylakeX, not this job's kernel Haswell"), e.getMessage());
  }

  @Test
  void aResultThatDoesNotSayItsKernelIsRefusedToo() {
    assertThrows(KernelMismatchException.class, () -> OrderedRound.checkKernel(
        new GradientAccumulator(2), "partition 0", "Haswell"));
  }
}
