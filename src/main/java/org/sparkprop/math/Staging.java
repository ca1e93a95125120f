package org.sparkprop.math;

import java.nio.FloatBuffer;

/**
 * Argument checks and operand staging shared by the native GEMMs: they copy exactly the rows a call
 * reads into native scratch, and write back only the m x n block of C (see {@link OpenBlasGemm}).
 */
final class Staging {

  private Staging() {
  }

  /**
   * Rejects shapes that would let native code read or write outside the array. Java code would get
   * an ArrayIndexOutOfBoundsException; native code would corrupt the heap or crash the executor.
   */
  static void checkOperand(String name, long length, long offset, int ld, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative dimension for " + name + ": " + rows + " x " + cols);
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException("leading dimension of " + name + " is " + ld
          + ", less than its " + cols + " columns");
    }
    long span = span(rows, cols, ld);
    if (offset < 0 || offset + span > length) {
      throw new IndexOutOfBoundsException(name + " (" + rows + " x " + cols + ", ld " + ld
          + ") at offset " + offset + " needs " + span + " elements, storage has " + length);
    }
  }

  /**
   * What a native GEMM does before it stages anything: checks every operand's bounds, and forms in
   * Java the calls with no product (C = beta C) and the skinny ones, a vector times a matrix or an
   * outer product (one training row), whose flops are as many as the elements of the matrix
   * operand, so that staging it into native memory and back would cost more than the product (a
   * single Java pass is 2-4x faster; 1M parameters: ~10 ms of a one-row round, measured by the round
   * benchmark). {@link SkinnyGemm} gives the same bits on every host.
   *
   * @return true when C is done, false when the caller must form the product natively
   */
  static boolean doneInJava(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOffset, int lda,
                            float[] b, int bOffset, int ldb,
                            float beta, float[] c, int cOffset, int ldc) {
    checkOperand("A", a.length, aOffset, lda, transA ? k : m, transA ? m : k);
    checkOperand("B", b.length, bOffset, ldb, transB ? n : k, transB ? k : n);
    checkOperand("C", c.length, cOffset, ldc, m, n);
    if (m == 0 || n == 0) return true;
    if (k == 0 || alpha == 0f) {
      scaleInPlace(c, cOffset, ldc, m, n, beta);
      return true;
    }
    if (k == 1 || (m == 1 && !transA)) {
      SkinnyGemm.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
      return true;
    }
    return false;
  }

  /** Elements from the first to one past the last element of a strided (rows, cols) matrix. */
  private static long span(int rows, int cols, int ld) {
    return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
  }

  static void scaleInPlace(float[] c, int cOffset, int ldc, int m, int n, float beta) {
    if (beta == 1f) return;
    for (int i = 0; i < m; i++) {
      int ci = cOffset + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, ci, ci + n, 0f); // BLAS semantics: NaN in C is not propagated
      } else {
        for (int j = 0; j < n; j++) c[ci + j] *= beta;
      }
    }
  }


  /**
   * Scratch length for a (rows, cols) operand: the span, so that it is one bulk copy, unless the
   * rows are so sparse in their stride that packing them row by row copies less than half of it.
   */
  static int packedLength(int rows, int cols, int ld) {
    long span = span(rows, cols, ld); // fits an int: checkOperand found it inside an array
    long packed = (long) rows * cols;
    return (int) (packed * 2 < span ? packed : span);
  }

  /** Copies an operand into scratch, returning the leading dimension it has there. */
  static int stage(FloatBuffer dst, float[] src, int offset, int ld, int rows, int cols) {
    long span = span(rows, cols, ld);
    if ((long) rows * cols * 2 < span) {
      for (int i = 0; i < rows; i++) dst.put(i * cols, src, offset + i * ld, cols);
      return cols;
    }
    dst.put(0, src, offset, (int) span);
    return ld;
  }

  static void copyIn(FloatBuffer dst, float[] c, int cOffset, int ldc, int m, int n) {
    if (ldc == n) {
      dst.put(0, c, cOffset, m * n);
    } else {
      for (int i = 0; i < m; i++) dst.put(i * n, c, cOffset + i * ldc, n);
    }
  }

  static void copyOut(FloatBuffer src, float[] c, int cOffset, int ldc, int m, int n) {
    if (ldc == n) {
      src.get(0, c, cOffset, m * n);
    } else {
      for (int i = 0; i < m; i++) src.get(i * n, c, cOffset + i * ldc, n);
    }
  }
}
