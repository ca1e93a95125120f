package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kernels a CPU can be pinned to follow its flags (forcing one it lacks would die of an illegal
 * instruction), and a job's kernel reason advises a wider family exactly when the CPU runs one.
 */
class CpuKernelsTest {
  private static final Set<String> AVX2 = Set.of("sse2", "avx", "avx2", "fma");
  private static final Set<String> AVX512 = Set.of("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
      "avx512cd");

  @Test
  void runnableKernelsFollowTheCpuFlags() {
    assertEquals(List.of("Sandybridge", "Haswell", "Zen"), CpuKernels.runnable(AVX2, "amd64"));
    assertEquals(List.of("Sandybridge", "Haswell", "Zen", "SkylakeX"), CpuKernels.runnable(AVX512, "amd64"));
    Set<String> bf16 = new HashSet<>(AVX512);
    bf16.add("avx512_bf16");
    assertEquals("Cooperlake", CpuKernels.runnable(bf16, "x86_64").get(4));
    bf16.addAll(List.of("amx_bf16", "amx_tile"));
    assertEquals("SapphireRapids", CpuKernels.runnable(bf16, "x86_64").get(5));
    // An AVX-512 flag missing (as on some early parts): no AVX-512 kernel.
    assertEquals(3, CpuKernels.runnable(Set.of("avx", "avx2", "fma", "avx512f"), "amd64").size());
    assertEquals(List.of(), CpuKernels.runnable(AVX512, "aarch64"));
  }

  @Test
  void autoUnderAnInheritedCoreTypeAdvisesTheWiderKernels() {
    String held = CpuKernels.reason(GemmKernel.AUTO, "Haswell", "Haswell", null, AVX512, "amd64");
    assertTrue(held.contains("OPENBLAS_CORETYPE=Haswell from the environment"), held);
    assertTrue(held.contains("also runs SkylakeX") && held.contains("unset OPENBLAS_CORETYPE"), held);
    // The same kernel on a CPU without AVX-512: nothing faster to advise.
    String best = CpuKernels.reason(GemmKernel.AUTO, "Haswell", "Haswell", null, AVX2, "amd64");
    assertTrue(best.endsWith("the widest kernel family this CPU runs"), best);
  }

  @Test
  void autoUnpinnedAndExplicitKernels() {
    String own = CpuKernels.reason(GemmKernel.AUTO, "SkylakeX", null, null, AVX512, "amd64");
    assertTrue(own.startsWith("math.kernel = auto: OpenBLAS's own choice"), own);
    assertFalse(own.contains("also runs"), own);
    String pinned = CpuKernels.reason(GemmKernel.HASWELL, "Haswell", null, null, AVX512, "amd64");
    assertTrue(pinned.startsWith("math.kernel = haswell, set by the job"), pinned);
    assertTrue(pinned.contains("set math.kernel = skylakex or auto"), pinned);
    assertTrue(CpuKernels.reason(GemmKernel.PORTABLE, "portable", null, null, AVX512, "amd64").contains("same bits"));
    String fallback = CpuKernels.reason(GemmKernel.AUTO, "portable", null, "UnsatisfiedLinkError: no jniopenblas", AVX512,
        "amd64");
    assertTrue(fallback.contains("cannot load here (UnsatisfiedLinkError: no jniopenblas)"), fallback);
    String bf16 = CpuKernels.reason(GemmKernel.AUTO, Bf16Support.KERNEL_PREFIX + "avx512_core_amx", null, null, AVX512,
        "amd64");
    assertTrue(bf16.startsWith("math.precision = bf16"), bf16);
    // ARM64 kernels are not ranked: the reason stays without advice.
    assertEquals("math.kernel = auto: OpenBLAS's own choice for this CPU",
        CpuKernels.reason(GemmKernel.AUTO, "NeoverseN1", null, null, Set.of("asimd"), "aarch64"));
  }

  @Test
  void familiesRankAvx512AboveAvx2AboveAvx() {
    assertTrue(CpuKernels.family("Cooperlake") > CpuKernels.family("Zen"));
    assertTrue(CpuKernels.family("Haswell") > CpuKernels.family("Sandybridge"));
    assertEquals(CpuKernels.family("SkylakeX"), CpuKernels.family("SapphireRapids"));
    assertEquals(-1, CpuKernels.family(GemmKernel.PORTABLE_NAME));
  }
}
