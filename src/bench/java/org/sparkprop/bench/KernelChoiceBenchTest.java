package org.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kernels workload forces only core types whose instructions the CPU has: forcing one it lacks
 * would kill the child JVM with an illegal instruction instead of giving a figure.
 */
class KernelChoiceBenchTest {
  @Test
  void candidatesFollowTheCpuFlags() {
    Set<String> avx2 = Set.of("sse2", "avx", "avx2", "fma");
    assertEquals(List.of("auto", "portable", "Sandybridge", "Haswell", "Zen"), KernelChoiceBench.candidates(avx2, "amd64"));
    Set<String> avx512 = Set.of("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd");
    assertEquals(List.of("auto", "portable", "Sandybridge", "Haswell", "Zen", "SkylakeX"),
        KernelChoiceBench.candidates(avx512, "amd64"));
    Set<String> bf16 = new java.util.HashSet<>(avx512);
    bf16.add("avx512_bf16");
    assertEquals("Cooperlake", KernelChoiceBench.candidates(bf16, "x86_64").get(6));
    bf16.addAll(List.of("amx_bf16", "amx_tile"));
    assertEquals("SapphireRapids", KernelChoiceBench.candidates(bf16, "x86_64").get(7));
    // An AVX-512 flag missing (as on some early parts): no AVX-512 kernel is forced.
    Set<String> partial = Set.of("avx", "avx2", "fma", "avx512f");
    assertEquals(5, KernelChoiceBench.candidates(partial, "amd64").size());
    assertEquals(List.of("auto", "portable"), KernelChoiceBench.candidates(avx512, "aarch64"));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, KernelChoiceBench.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, KernelChoiceBench.median(List.of(4.0, 1.0, 2.0, 3.0)));
  }
}
