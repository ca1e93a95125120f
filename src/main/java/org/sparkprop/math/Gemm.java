package org.sparkprop.math;

/**
 * Single-precision general matrix multiply on row-major {@code float[]} matrices:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is X or its transpose.
 *
 * <p>Shapes: {@code op(A)} is (m, k), {@code op(B)} is (k, n), C is (m, n). Leading dimensions are
 * row strides: for a row-major matrix stored as (rows, cols), {@code ld = cols} when it is packed.
 * Implementations are stateless apart from native resources and may be called from many threads.
 * Every implementation runs single-threaded per call: parallelism comes from Spark tasks.
 */
public interface Gemm {

  void sgemm(boolean transA, boolean transB, int m, int n, int k,
             float alpha, float[] a, int aOffset, int lda,
             float[] b, int bOffset, int ldb,
             float beta, float[] c, int cOffset, int ldc);

  /**
   * A dense layer's forward product: {@code z} (m x n, packed from offset 0) = every row the bias
   * ({@code n} floats at {@code biasOffset}) plus {@code a} (m x k, packed from 0) times {@code w}^T,
   * {@code w} stored (n, k) packed at {@code wOffset}. The same bits as filling z's rows with the
   * bias and calling {@link #sgemm} with beta 1, which is what this default does; a native GEMM
   * writes the bias rows straight into its own copy of C instead, saving a pass over z.
   */
  default void biasedProduct(int m, int n, int k, float[] a, float[] w, int wOffset, float[] bias, int biasOffset,
                             float[] z) {
    for (int r = 0; r < m; r++) System.arraycopy(bias, biasOffset, z, r * n, n);
    sgemm(false, true, m, n, k, 1f, a, 0, k, w, wOffset, k, 1f, z, 0, n);
  }

  /** A short human-readable name of the code path, e.g. "OpenBLAS 0.3.31 (native)". */
  String name();
}
