package org.sparkprop.math;

/**
 * The two degenerate products of one-row forward and backward passes, in single Java passes over
 * the matrix operand: {@code k == 1}, C += alpha x (column of A') (row of B'), an outer product
 * (the weight gradient of one row); and {@code m == 1} with A not transposed, a row vector times
 * op(B) (one row's forward pass and its input gradient). Arguments as {@link Gemm#sgemm}, already
 * checked by the caller. The summation order is fixed by the shapes, so results are reproducible.
 */
final class SkinnyGemm {
  private SkinnyGemm() {
  }

  static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOffset, int lda,
                    float[] b, int bOffset, int ldb,
                    float beta, float[] c, int cOffset, int ldc) {
    for (int i = 0; i < m; i++) scaleRow(c, cOffset + i * ldc, n, beta);
    if (k == 1) {
      for (int i = 0; i < m; i++) {
        float ai = alpha * (transA ? a[aOffset + i] : a[aOffset + i * lda]);
        int ci = cOffset + i * ldc;
        if (!transB) {
          for (int j = 0; j < n; j++) c[ci + j] += ai * b[bOffset + j];
        } else {
          for (int j = 0; j < n; j++) c[ci + j] += ai * b[bOffset + j * ldb];
        }
      }
      return;
    }
    // m == 1, A not transposed: C (1, n) += alpha x a (1, k) op(B) (k, n).
    if (!transB) {
      for (int p = 0; p < k; p++) {
        float ap = alpha * a[aOffset + p];
        int bp = bOffset + p * ldb;
        for (int j = 0; j < n; j++) c[cOffset + j] += ap * b[bp + j];
      }
    } else {
      for (int j = 0; j < n; j++) c[cOffset + j] += alpha * dot(a, aOffset, b, bOffset + j * ldb, k);
    }
  }

  private static void scaleRow(float[] c, int from, int n, float beta) {
    if (beta == 1f) return;
    if (beta == 0f) {
      java.util.Arrays.fill(c, from, from + n, 0f); // BLAS semantics: NaN in C is not propagated
    } else {
      for (int j = 0; j < n; j++) c[from + j] *= beta;
    }
  }

  /** Four independent partial sums: a single one is a chain of dependent additions. */
  private static float dot(float[] x, int xOffset, float[] y, int yOffset, int length) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int p = 0;
    for (int n = length - 3; p < n; p += 4) {
      s0 += x[xOffset + p] * y[yOffset + p];
      s1 += x[xOffset + p + 1] * y[yOffset + p + 1];
      s2 += x[xOffset + p + 2] * y[yOffset + p + 2];
      s3 += x[xOffset + p + 3] * y[yOffset + p + 3];
    }
    for (; p < length; p++) s0 += x[xOffset + p] * y[yOffset + p];
    return (s0 + s1) + (s2 + s3);
  }
}
