package org.sparkprop.math;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.sparkprop.math.Staging.copyIn;
import static org.sparkprop.math.Staging.copyOut;
import static org.sparkprop.math.Staging.packedLength;
import static org.sparkprop.math.Staging.stage;

import java.nio.FloatBuffer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * {@link Gemm} backed by OpenBLAS's {@code cblas_sgemm}, loaded through the JavaCPP presets.
 *
 * <p>Loading this class loads the native library and pins OpenBLAS to one thread per call for the
 * whole process: Spark already runs one task per core, and a multi-threaded OpenBLAS would both
 * oversubscribe the cores and serialise concurrent callers behind its internal lock. A failure to
 * load surfaces as a {@link LinkageError} from the constructor; {@link Kernels} turns that into
 * the pure-Java fallback.
 *
 * <p>Operands are staged through per-thread native scratch memory instead of JavaCPP's
 * {@code float[]} overloads. Those overloads copy the <em>whole</em> array into a native buffer and
 * back out again for every argument (JNI Get/ReleaseFloatArrayElements), so a matrix at an offset
 * inside a large array costs a copy of the entire array, and the copy-back rewrites every element
 * of A, B and C, undoing concurrent writes by other threads to other parts of the same arrays.
 * Staging copies exactly the rows the call reads and writes back only the m x n block of C.
 * (Heap-buffer views are no way out: {@code FloatBuffer.wrap(a, off, len).slice()} crashes the JVM
 * in JavaCPP 1.5.13 with "free(): invalid pointer", and a non-sliced wrap still copies all of it.)
 *
 * <p>Thread-safe. Each calling thread keeps scratch buffers as large as the largest operands it
 * has passed; they are freed when the thread ends and its buffers are collected.
 */
public final class OpenBlasGemm implements Gemm {

  /** The OpenBLAS version string from the presets' header, e.g. "OpenBLAS 0.3.31". */
  public static final String VERSION = openblas.OPENBLAS_VERSION.trim();

  private static final ThreadLocal<NativeOperands> SCRATCH = ThreadLocal.withInitial(NativeOperands::new);

  private static volatile String coreName;
  private static final String UNKNOWN_CORE = "unknown";

  // After the fields above: the self-check already uses the scratch buffers.
  static {
    // Before the library loads: MLlib's netlib bindings must not bind the system's wrappers to it.
    String presetsLoad = System.getProperty("org.bytedeco.openblas.load");
    if (presetsLoad == null || presetsLoad.startsWith("openblas")) {
      for (String set : SystemBlasGuard.applyHere()) {
        org.slf4j.LoggerFactory.getLogger(OpenBlasGemm.class).debug("MLlib's native BLAS/LAPACK: {} (the system's"
            + " OpenBLAS by its path, beside this library of the same shared-object name)", set);
      }
    }
    // Touching the openblas class loads libopenblas (UnsatisfiedLinkError if it cannot).
    openblas.blas_set_num_threads(1);
    if (openblas.blas_get_vendor() == 0) {
      // The presets could not find a thread-count setter: the library is not the expected one.
      throw new UnsatisfiedLinkError("native BLAS loaded but openblas_set_num_threads was not found"
          + " (org.bytedeco.openblas.load=" + System.getProperty("org.bytedeco.openblas.load") + ")");
    }
    selfCheck();
  }

  /**
   * Loads the native library on first use.
   *
   * @throws LinkageError if OpenBLAS or its JNI bindings cannot be loaded on this platform
   */
  public OpenBlasGemm() {
    // Class initialisation does the work; an instance carries no state of its own.
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOffset, int lda,
                    float[] b, int bOffset, int ldb,
                    float beta, float[] c, int cOffset, int ldc) {
    if (Staging.doneInJava(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)) {
      return;
    }
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    NativeOperands s = SCRATCH.get();
    int ldaS = stage(s.a(packedLength(aRows, aCols, lda)), a, aOffset, lda, aRows, aCols);
    int ldbS = stage(s.b(packedLength(bRows, bCols, ldb)), b, bOffset, ldb, bRows, bCols);
    // C is always packed in scratch (ldc' = n) so that writing it back touches only the m x n
    // block: elements between rows of a strided C may belong to another caller.
    FloatBuffer cs = s.c(m * n);
    if (beta != 0f) {
      copyIn(cs, c, cOffset, ldc, m, n);
    }
    openblas.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans, m, n, k,
        alpha, s.aBuf, ldaS, s.bBuf, ldbS, beta, cs, n);
    copyOut(cs, c, cOffset, ldc, m, n);
  }

  /**
   * As the default, with the bias rows written straight into the native copy of C: the same C
   * enters the same product, so the bits are the default's, without filling z first and copying it
   * in (a pass over m x n floats fewer, 2 MB a 1,024-row chunk of the syn network's first layer).
   */
  @Override
  public void biasedProduct(int m, int n, int k, float[] a, float[] w, int wOffset, float[] bias, int biasOffset,
                            float[] z) {
    if (m <= 1 || n == 0 || k <= 1) {
      // Shapes the sgemm above forms in Java (or not at all): the default path, as before.
      Gemm.super.biasedProduct(m, n, k, a, w, wOffset, bias, biasOffset, z);
      return;
    }
    Staging.checkOperand("A", a.length, 0, k, m, k);
    Staging.checkOperand("B", w.length, wOffset, k, n, k);
    Staging.checkOperand("bias", bias.length, biasOffset, n, 1, n);
    Staging.checkOperand("C", z.length, 0, n, m, n);
    NativeOperands s = SCRATCH.get();
    int ldaS = stage(s.a(packedLength(m, k, k)), a, 0, k, m, k);
    int ldbS = stage(s.b(packedLength(n, k, k)), w, wOffset, k, n, k);
    FloatBuffer cs = s.c(m * n);
    for (int r = 0; r < m; r++) cs.put(r * n, bias, biasOffset, n);
    openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1f, s.aBuf, ldaS, s.bBuf, ldbS, 1f, cs, n);
    copyOut(cs, z, 0, n, m, n);
  }

  @Override
  public String name() {
    String core = coreName();
    if (core.equals(UNKNOWN_CORE)) core = "";
    // The presets can be pointed at another BLAS (org.bytedeco.openblas.load=mkl_rt); say so.
    String library = openblas.blas_get_vendor() == 3 ? "Intel MKL (via the OpenBLAS presets)" : VERSION;
    return library + " (native, 1 thread per call" + (core.isEmpty() ? "" : ", " + core + " kernels")
        + ")";
  }

  // ---- load-time checks ----

  /**
   * One 2 x 2 product at load: a native library built for the wrong CPU or a broken ABI shows up
   * here, where Kernels can still fall back, instead of as wrong gradients later.
   */
  private static void selfCheck() {
    float[] a = {1, 2, 3, 4}; // (2, 2)
    float[] b = {5, 6, 7, 8}; // (2, 2)
    float[] c = {1, 1, 1, 1}; // (2, 2)
    new OpenBlasGemm().sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
    if (c[0] != 19f || c[1] != 22f || c[2] != 43f || c[3] != 50f) {
      throw new UnsatisfiedLinkError("OpenBLAS self-check failed: [[1,2],[3,4]] x [[5,6],[7,8]]"
          + " gave " + java.util.Arrays.toString(c));
    }
  }

  /**
   * The kernel family OpenBLAS picked for this CPU (e.g. "Zen", "Haswell"): a generic fallback
   * explains a slow executor. openblas_get_corename is only bound by the "full" presets class,
   * which loads one more JNI library, so it is asked only when a description is wanted.
   */
  /** The core type whose kernels OpenBLAS loaded, e.g. "Haswell"; "unknown" if it cannot say. */
  String coreName() {
    String core = coreName;
    if (core == null) {
      core = detectCoreName();
      if (core.isEmpty()) core = UNKNOWN_CORE;
      coreName = core;
    }
    return core;
  }

  private static String detectCoreName() {
    try {
      return openblas_full.openblas_get_corename().getString();
    } catch (LinkageError | RuntimeException e) {
      return "";
    }
  }
}
