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

  /** A short human-readable name of the code path, e.g. "OpenBLAS 0.3.31 (native)". */
  String name();
}
