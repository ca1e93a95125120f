package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The decision whether a host can compute a bf16 job, fed what a host would report (its oneDNN
 * instruction set, whether oneDNN loaded, OMP_NUM_THREADS), so that CPUs without the instructions
 * are examined on any machine.
 */
class Bf16SupportTest {

  @Test
  void aCpuWithoutAvx512Bf16OrAmxIsRefusedByNameWithWhatItLacks() {
    for (String isa : new String[] {"avx2", "avx512_core", "avx512_core_vnni"}) {
      String why = Bf16Support.refusal("executor 3 on host h7", isa, null, "avx10_1_512_amx", "1");
      assertTrue(why.startsWith("executor 3 on host h7 cannot compute with math.precision = bf16: its CPU lacks"
          + " AVX-512 BF16 and AMX (oneDNN's best instruction set here is " + isa + ")"), why);
      assertTrue(why.contains("math.precision = fp32"), why);
    }
  }

  @Test
  void aBf16CpuWithoutTheJobsAmxIsRefusedNamingAmx() {
    String why = Bf16Support.refusal("executor 1 on host old", "avx512_core_bf16", null, "avx10_1_512_amx", "1");
    assertTrue(why.startsWith("executor 1 on host old cannot compute with math.precision = bf16 in this job's kernel"
        + " onednn-bf16/avx10_1_512_amx: its CPU lacks AMX (oneDNN's best instruction set here is avx512_core_bf16)"), why);
  }

  @Test
  void aCpuBeyondTheJobsInstructionSetComputesPinnedToIt() {
    assertNull(Bf16Support.refusal("h", "avx10_1_512_amx", null, "avx512_core_bf16", "1"));
    assertNull(Bf16Support.refusal("h", "avx10_1_512_amx", null, "avx10_1_512_amx", "1"));
  }

  @Test
  void aHostWhereOneDnnDoesNotLoadIsRefusedWithTheReason() {
    String why = Bf16Support.refusal("executor 2 on host arm1", null, "UnsatisfiedLinkError: no jnidnnl", "avx10_1_512_amx", "1");
    assertTrue(why.startsWith("executor 2 on host arm1 cannot compute with math.precision = bf16: oneDNN, which forms"
        + " the bf16 products, does not load here (UnsatisfiedLinkError: no jnidnnl;"), why);
  }

  @Test
  void moreThanOneOpenMpThreadIsRefusedSinceTheSplitChangesTheSums() {
    String unset = Bf16Support.refusal("the driver", "avx10_1_512_amx", null, "avx10_1_512_amx", null);
    assertTrue(unset.contains("OMP_NUM_THREADS is unset"), unset);
    String two = Bf16Support.refusal("the driver", "avx10_1_512_amx", null, "avx10_1_512_amx", "2");
    assertTrue(two.contains("OMP_NUM_THREADS is \"2\""), two);
  }

  @Test
  void bf16KernelsAreNamedByInstructionSetAndAreNotOpenBlasCoreTypes() {
    String kernel = Bf16Support.kernelOf("avx512_core_bf16");
    assertEquals("onednn-bf16/avx512_core_bf16", kernel);
    assertEquals("avx512_core_bf16", Bf16Support.isaOf(kernel));
    assertTrue(Bf16Support.isBf16Kernel(kernel));
    assertFalse(Kernels.isNative(kernel), "a bf16 kernel must not be given to OPENBLAS_CORETYPE");
    assertFalse(Bf16Support.isBf16Kernel("SkylakeX"));
  }

  @Test
  void bf16AsksForKernelAutoSinceTheOtherKernelsAreFloat32Gemms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Kernels.decide(GemmKernel.SKYLAKEX, Precision.BF16));
    assertTrue(e.getMessage().contains("math.kernel = skylakex"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Kernels.decide(GemmKernel.PORTABLE, Precision.BF16));
    assertEquals(Kernels.decide(GemmKernel.PORTABLE), Kernels.decide(GemmKernel.PORTABLE, Precision.FP32));
  }
}
