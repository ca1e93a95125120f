package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkprop.math.GemmReference.Case;

/** Both GEMM implementations against a double-precision reference. */
class GemmTest {

  private static final Gemm JAVA = new JavaGemm();
  private static final Gemm OPENBLAS = new OpenBlasGemm();

  static Stream<Arguments> implementations() {
    return Stream.of(Arguments.of("java", JAVA), Arguments.of("openblas", OPENBLAS));
  }

  /** All transposes x shapes x alpha x beta x (packed at 0 | offset and padded). */
  static List<Case> cases() {
    SplittableRandom rnd = new SplittableRandom(42);
    int[][] shapes = { // {m, n, k}
        {1, 1, 1}, {3, 5, 7}, {17, 9, 33}, {64, 31, 130}, {10, 128, 2},
        // one-row shapes, which OpenBlasGemm computes in Java (SkinnyGemm): m = 1 and k = 1
        {1, 40, 37}, {23, 41, 1}, {1, 3, 131}};
    List<Case> out = new ArrayList<>();
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int[] s : shapes) {
          for (float alpha : new float[] {1f, -0.75f}) {
            for (float beta : new float[] {0f, 1f, 0.5f}) {
              out.add(GemmReference.randomCase(rnd, ta, tb, s[0], s[1], s[2], alpha, beta, 0, 0));
              out.add(GemmReference.randomCase(rnd, ta, tb, s[0], s[1], s[2], alpha, beta, 5, 3));
            }
          }
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void matchesReferenceForAllTransposesShapesAndScalars(String name, Gemm gemm) {
    List<Case> cases = cases();
    for (Case t : cases) GemmReference.check(t, t.run(gemm), name);
    assertEquals(4 * 8 * 2 * 3 * 2, cases.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void stridesMuchWiderThanRows(String name, Gemm gemm) {
    // ld = 4 x cols + 3: OpenBlasGemm packs such operands row by row instead of copying the span.
    SplittableRandom rnd = new SplittableRandom(7);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        int m = 13;
        int n = 6;
        int k = 9;
        int pad = 3 * Math.max(Math.max(m, n), k) + 3;
        Case t = GemmReference.randomCase(rnd, ta, tb, m, n, k, 0.5f, 0.5f, 2, pad);
        GemmReference.check(t, t.run(gemm), name);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void betaZeroOverwritesNaN(String name, Gemm gemm) {
    Case t = GemmReference.randomCase(new SplittableRandom(3), false, true, 4, 5, 6, 1f, 0f, 1, 2);
    for (int i = 0; i < 4; i++) Arrays.fill(t.c(), t.cOff() + i * t.ldc(), t.cOff() + i * t.ldc() + 5, Float.NaN);
    float[] out = t.run(gemm);
    GemmReference.check(t, out, name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void emptyProductScalesC(String name, Gemm gemm) {
    // k = 0 or alpha = 0 leaves C = beta * C; m = 0 leaves C alone.
    SplittableRandom rnd = new SplittableRandom(5);
    for (Case t : List.of(
        GemmReference.randomCase(rnd, false, false, 3, 4, 0, 1f, 0.5f, 2, 1),
        GemmReference.randomCase(rnd, false, false, 3, 4, 0, 1f, 0f, 2, 1),
        GemmReference.randomCase(rnd, true, false, 3, 4, 5, 0f, 0.5f, 2, 1),
        GemmReference.randomCase(rnd, false, false, 0, 4, 5, 1f, 0.5f, 2, 1))) {
      GemmReference.check(t, t.run(gemm), name);
    }
  }

  @Test
  void openBlasRejectsOperandsOutsideTheirArrays() {
    float[] a = new float[12]; // (3, 4)
    float[] b = new float[8]; // (4, 2)
    float[] c = new float[6]; // (3, 2)
    // The same call fits when packed; shifting A by one element or widening its stride must fail
    // before native code can read past the array.
    OPENBLAS.sgemm(false, false, 3, 2, 4, 1f, a, 0, 4, b, 0, 2, 0f, c, 0, 2);
    assertThrows(IndexOutOfBoundsException.class,
        () -> OPENBLAS.sgemm(false, false, 3, 2, 4, 1f, a, 1, 4, b, 0, 2, 0f, c, 0, 2));
    assertThrows(IndexOutOfBoundsException.class,
        () -> OPENBLAS.sgemm(false, false, 3, 2, 4, 1f, a, 0, 5, b, 0, 2, 0f, c, 0, 2));
    assertThrows(IndexOutOfBoundsException.class,
        () -> OPENBLAS.sgemm(false, false, 3, 2, 4, 1f, a, 0, 4, b, 0, 2, 0f, c, 1, 2));
    assertThrows(IllegalArgumentException.class, // lda smaller than the 4 columns of A
        () -> OPENBLAS.sgemm(false, false, 3, 2, 4, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
    assertThrows(IllegalArgumentException.class,
        () -> OPENBLAS.sgemm(false, false, -1, 2, 4, 1f, a, 0, 4, b, 0, 2, 0f, c, 0, 2));
  }

  @Test
  void openBlasRunsOneThreadPerCall() {
    // Several tasks call sgemm at once; an OpenBLAS thread pool per call would oversubscribe.
    assertEquals(1, org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads());
    String name = OPENBLAS.name();
    assertTrue(name.startsWith("OpenBLAS 0.3."), name);
    assertTrue(name.contains("1 thread per call"), name);
    assertFalse(JAVA.name().contains("OpenBLAS"));
  }

  /**
   * A dense layer's forward product with its bias: the same bits as the bias rows in C then sgemm with beta 1, for
   * every implementation (OpenBLAS writes the bias straight into its native C), shapes it forms natively and in Java.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void biasedProductHasTheBitsOfBiasRowsThenSgemmWithBetaOne(String name, Gemm gemm) {
    SplittableRandom rnd = new SplittableRandom(9);
    for (int[] s : new int[][] {{64, 31, 130}, {1024, 96, 64}, {1, 40, 37}, {23, 41, 1}, {5, 1, 3}}) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      int wOffset = 7;
      int biasOffset = wOffset + n * k + 2; // the bias after the weights, in one parameter array
      float[] params = new float[biasOffset + n + 3];
      float[] a = new float[m * k + 11]; // longer than the rows it holds, as a workspace is
      for (int i = 0; i < params.length; i++) params[i] = (float) rnd.nextGaussian();
      for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
      float[] expected = new float[m * n + 5];
      for (int r = 0; r < m; r++) System.arraycopy(params, biasOffset, expected, r * n, n);
      gemm.sgemm(false, true, m, n, k, 1f, a, 0, k, params, wOffset, k, 1f, expected, 0, n);
      float[] got = new float[m * n + 5];
      Arrays.fill(got, Float.NaN); // what was in z before must not matter
      Arrays.fill(got, m * n, got.length, 3f);
      float[] tail = Arrays.copyOfRange(got, m * n, got.length);
      gemm.biasedProduct(m, n, k, a, params, wOffset, params, biasOffset, got);
      for (int i = 0; i < m * n; i++) {
        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
            name + " " + m + "x" + n + "x" + k + " at " + i);
      }
      assertTrue(Arrays.equals(tail, Arrays.copyOfRange(got, m * n, got.length)), "z past m x n is not written");
    }
  }
}
