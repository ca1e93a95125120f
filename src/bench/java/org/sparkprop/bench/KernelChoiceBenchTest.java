package org.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kernels workload measures OpenBLAS's own choice, the pure-Java kernel and every core type the
 * CPU runs (CpuKernelsTest checks which those are).
 */
class KernelChoiceBenchTest {
  @Test
  void candidatesAreAutoPortableAndWhatTheCpuRuns() {
    Set<String> avx2 = Set.of("sse2", "avx", "avx2", "fma");
    assertEquals(List.of("auto", "portable", "Sandybridge", "Haswell", "Zen"), KernelChoiceBench.candidates(avx2, "amd64"));
    assertEquals(List.of("auto", "portable"), KernelChoiceBench.candidates(avx2, "aarch64"));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, KernelChoiceBench.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, KernelChoiceBench.median(List.of(4.0, 1.0, 2.0, 3.0)));
  }
}
