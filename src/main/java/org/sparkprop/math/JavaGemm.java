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
    float[] bb = b;
    int bOff = bOffset;
    int ldbb = ldb;
    if (transB) {
      // Dot products over k do not vectorise (the JIT keeps float sums in order); transposing B
      // once into scratch turns every case into the contiguous axpy loop below.
      bb = scratch(k * n);
      for (int j = 0; j < n; j++) {
        int bj = bOffset + j * ldb;
        for (int p = 0; p < k; p++) bb[p * n + j] = b[bj + p];
      }
      bOff = 0;
      ldbb = n;
    }
    // C[i, :] += alpha * A'[i, p] * B'[p, :]: the inner loop walks B' and C contiguously.
    for (int i = 0; i < m; i++) {
      int ci = cOffset + i * ldc;
      for (int p = 0; p < k; p++) {
        float aip = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
        if (aip == 0f) continue;
        int bp = bOff + p * ldbb;
        for (int j = 0; j < n; j++) c[ci + j] += aip * bb[bp + j];
      }
    }
  }

  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

  private static float[] scratch(int size) {
    float[] s = SCRATCH.get();
    if (s.length < size) {
      s = new float[size];
      SCRATCH.set(s);
    }
    return s;
  }

  @Override
  public String name() {
    return "pure Java (fallback)";
  }
}
