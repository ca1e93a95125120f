package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class KernelsTest {

  // Stands in for a platform without the native library; never called when "java" is forced.
  private static final Supplier<Gemm> NO_NATIVE = () -> {
    throw new UnsatisfiedLinkError("no jniopenblas in java.library.path");
  };

  @Test
  void forcingJavaGivesJavaGemm() {
    assertInstanceOf(JavaGemm.class, Kernels.select("java", OpenBlasGemm::new).gemm());
    assertInstanceOf(JavaGemm.class, Kernels.select(" JAVA ", NO_NATIVE).gemm());
  }

  @Test
  void forcingOpenBlasGivesOpenBlas() {
    assertInstanceOf(OpenBlasGemm.class, Kernels.select("openblas", OpenBlasGemm::new).gemm());
  }

  @Test
  void forcingOpenBlasWhenItCannotLoadFailsClearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Kernels.select("openblas", NO_NATIVE));
    assertTrue(e.getMessage().contains("-Dsparkprop.blas=openblas"), e.getMessage());
    assertTrue(e.getMessage().contains("no jniopenblas"), e.getMessage());
    assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
  }

  @Test
  void automaticChoiceFallsBackToJavaWhenLoadingFails() {
    for (Supplier<Gemm> failing : java.util.List.<Supplier<Gemm>>of(
        NO_NATIVE,
        () -> {
          throw new NoClassDefFoundError("org/bytedeco/openblas/global/openblas");
        },
        () -> {
          throw new ExceptionInInitializerError(new RuntimeException("boom"));
        })) {
      Kernels.Choice c = Kernels.select(null, failing);
      assertInstanceOf(JavaGemm.class, c.gemm());
      assertTrue(c.fallbackReason() != null && !c.fallbackReason().isEmpty());
    }
    Kernels.Choice auto = Kernels.select("auto", OpenBlasGemm::new);
    assertInstanceOf(OpenBlasGemm.class, auto.gemm());
    assertNull(auto.fallbackReason());
  }

  @Test
  void unknownValueIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Kernels.select("mkl", OpenBlasGemm::new));
  }

  @Test
  void processWideInstanceIsOpenBlasOnThisPlatform() {
    // The build and CI machines are linux-x86_64, for which the native library is packaged.
    assumeTrue(System.getProperty(Kernels.PROPERTY) == null);
    assertSame(Kernels.gemm(), Kernels.gemm());
    assertInstanceOf(OpenBlasGemm.class, Kernels.gemm());
    assertEquals(Kernels.gemm().name(), Kernels.description());
    assertTrue(Kernels.description().startsWith("OpenBLAS"), Kernels.description());
  }

  @Test
  void aJobsKernelIsDecidedOnceAutoBeingWhatThisJvmLoads() {
    assertEquals(Kernels.loadedKernel(), Kernels.decide(GemmKernel.AUTO));
    assertEquals("portable", Kernels.decide(GemmKernel.PORTABLE));
    assertEquals("SkylakeX", Kernels.decide(GemmKernel.SKYLAKEX));
    assertTrue(!Kernels.isNative("portable") && Kernels.isNative("Haswell"));
  }

  @Test
  void thePortableKernelIsThePureJavaGemmWhateverThisJvmLoaded() {
    assertInstanceOf(JavaGemm.class, Kernels.forJob("portable", "here"));
    assertEquals("portable", Kernels.runningKernel("portable"));
  }

  @Test
  void aJvmComputesOnlyWithTheKernelItLoadedAndRefusesAnotherNamingBoth() {
    String loaded = Kernels.loadedKernel();
    assertSame(Kernels.gemm(), Kernels.forJob(loaded, "here"));
    String other = loaded.equalsIgnoreCase("Haswell") ? "SkylakeX" : "Haswell";
    KernelMismatchException e = assertThrows(KernelMismatchException.class,
        () -> Kernels.forJob(other, "executor 7 on host h1"));
    assertTrue(e.getMessage().startsWith("executor 7 on host h1 runs the GEMM kernel " + loaded
        + ", not this job's kernel " + other), e.getMessage());
    assertTrue(e.getMessage().contains("math.kernel = portable"), e.getMessage());
  }

  @Test
  void everyNamedKernelHasAnOpenBlasCoreTypeAndTheTwoChoicesHaveNone() {
    for (GemmKernel k : GemmKernel.values()) {
      boolean choice = k == GemmKernel.AUTO || k == GemmKernel.PORTABLE;
      assertEquals(choice, k.coreType() == null, k.name());
      if (!choice) assertEquals(k.name(), k.coreType().toUpperCase(java.util.Locale.ROOT));
    }
  }

  @Test
  void namesSayWhichKernelRunsAndARefusedResultNamesBothKernels() {
    assertEquals("pure Java (fallback)", new JavaGemm().name());
    assertEquals("skylakex", GemmKernel.SKYLAKEX.configName());
    assertEquals("portable", GemmKernel.PORTABLE.configName());
    KernelMismatchException e = KernelMismatchException.inResult("partition 3", "host-b", "SkylakeX", "Haswell");
    assertTrue(e.getMessage().startsWith("refusing to merge the gradient of partition 3: it was computed on host-b with"
        + " the GEMM kernel SkylakeX, not this job's kernel Haswell. A job runs one kernel on every host"), e.getMessage());
    assertTrue(e.getMessage().endsWith("or run the job on hosts that can run Haswell"), e.getMessage());
  }
}
