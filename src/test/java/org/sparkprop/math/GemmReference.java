package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Naive double-precision GEMM and the comparison the GEMM tests share. */
final class GemmReference {

  /**
   * Relative tolerance against the sum of |terms| of each output element. A float32 dot product of
   * k terms can err by up to about k * 2^-24 of that sum (about 8e-6 for k = 130, the largest k in
   * the tests), whatever order or blocking a kernel uses to sum them, and the inputs are exact in
   * double, so the reference itself adds nothing: 1e-4 leaves a 10x margin yet still catches a
   * wrong index, which is off by a whole term.
   */
  static final double RTOL = 1e-4;

  private GemmReference() {
  }

  /** One GEMM call's arguments; the C array given is the input C, copied before each run. */
  record Case(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc) {

    float[] run(Gemm g) {
      float[] out = c.clone();
      g.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
      return out;
    }

    @Override
    public String toString() {
      return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
          + " alpha=" + alpha + " beta=" + beta + " off=" + aOff + "/" + bOff + "/" + cOff
          + " ld=" + lda + "/" + ldb + "/" + ldc;
    }
  }

  /**
   * Builds a case with random operands inside larger arrays: {@code pad} extra columns per row
   * (ld = cols + pad) and the given offsets, with random junk around the matrices so that reads
   * outside them change the result and writes outside C are detected.
   */
  static Case randomCase(SplittableRandom rnd, boolean transA, boolean transB, int m, int n, int k,
                         float alpha, float beta, int off, int pad) {
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    int lda = Math.max(1, aCols + pad);
    int ldb = Math.max(1, bCols + pad);
    int ldc = Math.max(1, n + pad);
    float[] a = random(rnd, off + aRows * lda + 3); // (aRows, aCols) at off, stride lda
    float[] b = random(rnd, off + 1 + bRows * ldb + 3); // (bRows, bCols) at off + 1, stride ldb
    float[] c = random(rnd, off + 2 + m * ldc + 3); // (m, n) at off + 2, stride ldc
    return new Case(transA, transB, m, n, k, alpha, a, off, lda, b, off + 1, ldb, beta, c, off + 2, ldc);
  }

  /** Values in [-1, 1) with 12 significant bits, so products and sums are exact in double. */
  static float[] random(SplittableRandom rnd, int length) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) x[i] = (rnd.nextInt(4096) - 2048) / 2048f;
    return x;
  }

  /** Checks {@code actual} against the double reference; elements outside C must be unchanged. */
  static void check(Case t, float[] actual, String impl) {
    boolean[] inC = new boolean[t.c().length];
    for (int i = 0; i < t.m(); i++) {
      for (int j = 0; j < t.n(); j++) {
        int ci = t.cOff() + i * t.ldc() + j;
        inC[ci] = true;
        double sum = 0;
        double mag = 0;
        for (int p = 0; p < t.k(); p++) {
          double av = t.transA() ? t.a()[t.aOff() + p * t.lda() + i] : t.a()[t.aOff() + i * t.lda() + p];
          double bv = t.transB() ? t.b()[t.bOff() + j * t.ldb() + p] : t.b()[t.bOff() + p * t.ldb() + j];
          double term = t.alpha() * av * bv;
          sum += term;
          mag += Math.abs(term);
        }
        if (t.beta() != 0f) { // BLAS: with beta = 0, C is not read (NaN in it does not propagate)
          double cterm = (double) t.beta() * t.c()[ci];
          sum += cterm;
          mag += Math.abs(cterm);
        }
        double err = Math.abs(actual[ci] - sum);
        if (!(err <= RTOL * mag + Float.MIN_NORMAL)) {
          fail(impl + " " + t + ": C[" + i + "," + j + "] = " + actual[ci] + ", expected " + sum
              + " (error " + err + " > " + RTOL + " x " + mag + ")");
        }
      }
    }
    for (int x = 0; x < inC.length; x++) {
      if (!inC[x] && Float.floatToRawIntBits(actual[x]) != Float.floatToRawIntBits(t.c()[x])) {
        fail(impl + " " + t + ": wrote element " + x + " outside C (" + t.c()[x] + " -> " + actual[x] + ")");
      }
    }
  }
}
