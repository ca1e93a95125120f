package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * oneDNN's bf16 products on this CPU: each product is that of the two factors rounded to bfloat16
 * (round to nearest even), summed in float32; the same inputs give the same bits. Skipped on a CPU
 * without AVX-512 BF16 or AMX (Bf16SupportTest covers the refusal there).
 */
class OneDnnBf16GemmTest {

  /** This JVM's bf16 GEMM, or the test is skipped where the CPU cannot form bf16 products. */
  static Gemm bf16OrSkip() {
    String kernel = null;
    try {
      kernel = Kernels.decide(GemmKernel.AUTO, Precision.BF16);
    } catch (KernelMismatchException e) {
      assumeTrue(false, e.getMessage());
    }
    // Not skipped when OMP_NUM_THREADS is not 1: the build gives it to its test JVMs.
    return Kernels.forJob(kernel, "the test JVM");
  }

  /** Round to nearest even at bfloat16's 8 significant bits (finite values). */
  static float bf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    return Float.intBitsToFloat(((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16) << 16);
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  @Test
  void productsAreThoseOfBf16FactorsSummedInFloat32ForEveryTransposeAtOffsetsAndStrides() {
    Gemm gemm = bf16OrSkip();
    assertTrue(Bf16Support.isBf16Kernel(Kernels.runningKernel(Kernels.decide(GemmKernel.AUTO, Precision.BF16))));
    SplittableRandom r = new SplittableRandom(7);
    int m = 40;
    int n = 48;
    int k = 96;
    for (boolean tA : new boolean[] {false, true}) {
      for (boolean tB : new boolean[] {false, true}) {
        int aRows = tA ? k : m;
        int aCols = tA ? m : k;
        int bRows = tB ? n : k;
        int bCols = tB ? k : n;
        int lda = aCols + 3;
        int ldb = bCols + 5;
        int ldc = n + 2;
        int aOff = 11;
        int bOff = 13;
        int cOff = 17;
        float[] a = random(r, aOff + aRows * lda);
        float[] b = random(r, bOff + bRows * ldb);
        float[] c = random(r, cOff + m * ldc);
        float[] before = c.clone();
        gemm.sgemm(tA, tB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, ldc);
        double worstRoundingGap = 0;
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double rounded = before[cOff + i * ldc + j];
            double exact = rounded;
            double magnitude = Math.abs(rounded);
            for (int p = 0; p < k; p++) {
              float x = a[aOff + (tA ? p * lda + i : i * lda + p)];
              float y = b[bOff + (tB ? j * ldb + p : p * ldb + j)];
              rounded += (double) bf16(x) * bf16(y);
              exact += (double) x * y;
              magnitude += Math.abs((double) x * y);
            }
            // float32 sums of k + 1 terms: at most (k + 1) unit roundoffs (2^-24) of the terms' magnitude.
            double sumError = (k + 1) * 0x1p-24 * magnitude;
            float got = c[cOff + i * ldc + j];
            assertEquals(rounded, got, sumError, "C[" + i + "," + j + "] transA " + tA + " transB " + tB);
            worstRoundingGap = Math.max(worstRoundingGap, Math.abs(rounded - exact) / magnitude);
          }
          for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
            assertEquals(before[cOff + i * ldc + j], c[cOff + i * ldc + j], "padding of C row " + i + " is not written");
          }
        }
        // The factors really were rounded: float32 products would sit within the sum error above.
        assertTrue(worstRoundingGap > 1e-4, "largest relative gap bf16 vs float32 products " + worstRoundingGap);
      }
    }
  }

  @Test
  void alphaAndBetaScaleAsInBlas() {
    Gemm gemm = bf16OrSkip();
    SplittableRandom r = new SplittableRandom(3);
    int m = 32;
    int n = 32;
    int k = 64;
    float[] a = random(r, m * k);
    float[] b = random(r, k * n);
    float[] c0 = random(r, m * n);
    float[] product = new float[m * n];
    gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, product, 0, n);
    float[] half = c0.clone();
    gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, half, 0, n);
    float[] twice = c0.clone();
    gemm.sgemm(false, false, m, n, k, 2f, a, 0, k, b, 0, n, 0.5f, twice, 0, n);
    for (int i = 0; i < m * n; i++) {
      // One float32 rounding per addition and scaling: a few ulps of the operands' size.
      float tol = 4 * Math.ulp(Math.abs(product[i]) + Math.abs(c0[i]) + 1f);
      assertEquals(product[i] + 0.5f * c0[i], half[i], tol, "beta 0.5 at " + i);
      assertEquals(2f * product[i] + 0.5f * c0[i], twice[i], 2 * tol, "alpha 2, beta 0.5 at " + i);
    }
  }

  @Test
  void theSameInputsGiveTheSameBitsAgainAndOnAnotherThread() throws Exception {
    Gemm gemm = bf16OrSkip();
    SplittableRandom r = new SplittableRandom(11);
    // The weight gradient of a 4,096-row chunk: the long k that a split across threads would re-associate.
    int m = 64;
    int n = 96;
    int k = 4096;
    float[] a = random(r, k * m);
    float[] b = random(r, k * n);
    float[] first = new float[m * n];
    gemm.sgemm(true, false, m, n, k, 1f, a, 0, m, b, 0, n, 0f, first, 0, n);
    float[] again = new float[m * n];
    gemm.sgemm(true, false, m, n, k, 1f, a, 0, m, b, 0, n, 0f, again, 0, n);
    float[] elsewhere = CompletableFuture.supplyAsync(() -> {
      float[] c = new float[m * n];
      gemm.sgemm(true, false, m, n, k, 1f, a, 0, m, b, 0, n, 0f, c, 0, n);
      return c;
    }).get();
    assertArrayEquals(first, again);
    assertArrayEquals(first, elsewhere);
  }
}
