package org.sparkprop.math;

/**
 * Pure-Java fallback for platforms without the native library. Loops are ordered so that the
 * innermost loop walks contiguous memory of B and C (i-p-j order), which the JIT vectorises.
 */
public final class JavaGemm implements Gemm {

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOffset, int lda,
                    float[] b, int bOffset, int ldb,
                    float beta, float[] c, int cOffset, int ldc) {
    for (int i = 0; i < m; i++) {
      int ci = cOffset + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, ci, ci + n, 0f);
      } else if (beta != 1f) {
        for (int j = 0; j < n; j++) c[ci + j] *= beta;
      }
    }
    if (!transB) {
      // C[i, :] += alpha * A'[i, p] * B[p, :] ; contiguous inner loop over j.
      for (int i = 0; i < m; i++) {
        int ci = cOffset + i * ldc;
        for (int p = 0; p < k; p++) {
          float aip = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
          if (aip == 0f) continue;
          int bp = bOffset + p * ldb;
          for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
        }
      }
    } else {
      // B is (n, k) in memory: C[i, j] = dot(A'[i, :], B[j, :]); contiguous inner loop over p
      // when A is not transposed.
      for (int i = 0; i < m; i++) {
        int ci = cOffset + i * ldc;
        for (int j = 0; j < n; j++) {
          int bj = bOffset + j * ldb;
          float sum = 0f;
          if (!transA) {
            int ai = aOffset + i * lda;
            for (int p = 0; p < k; p++) sum += a[ai + p] * b[bj + p];
          } else {
            for (int p = 0; p < k; p++) sum += a[aOffset + p * lda + i] * b[bj + p];
          }
          c[ci + j] += alpha * sum;
        }
      }
    }
  }

  @Override
  public String name() {
    return "pure Java (fallback)";
  }
}
