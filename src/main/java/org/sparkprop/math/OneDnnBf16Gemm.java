package org.sparkprop.math;

import static org.sparkprop.math.Staging.copyIn;
import static org.sparkprop.math.Staging.copyOut;
import static org.sparkprop.math.Staging.packedLength;
import static org.sparkprop.math.Staging.stage;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;

/**
 * {@link Gemm} whose products round both factors to bfloat16 and sum in float32: oneDNN's matmul
 * on float32 operands with {@code fpmath_mode = bf16}, which converts inside the kernel (AMX tiles
 * or AVX-512 BF16 dot products). Inputs and outputs stay float32 arrays, as for every other GEMM;
 * only the products lose precision (8 significant bits per factor), not the sums.
 *
 * <p>One instruction set per process, pinned before the first primitive exists
 * ({@link #pinned}): oneDNN picks its kernels by instruction set, and kernels of other sets block,
 * and so sum, differently. oneDNN decides, per shape, whether the bf16 path pays; where it does not
 * (e.g. k = 10 here) it runs float32 code. Either way the bits are a function of the shape and the
 * instruction set only.
 *
 * <p>One thread per call: the presets' oneDNN is built on OpenMP, which reads
 * {@code OMP_NUM_THREADS} once, when it loads, and oneDNN's work split (which may split a long k,
 * and so the sums) follows the thread count; the job runs only where the variable is 1
 * ({@link Bf16Support}).
 *
 * <p>Operands are staged through per-thread native scratch as {@link OpenBlasGemm} stages them.
 * Each thread keeps its stream and a small cache of primitives, one per shape it has seen, bound
 * to its scratch: a call in steady state allocates nothing.
 */
public final class OneDnnBf16Gemm implements Gemm {

  /** The oneDNN version of the presets, e.g. "3.11". */
  public static final String VERSION;

  private static final engine ENGINE;

  // Primitives one thread keeps: a network has at most three shapes per layer.
  private static final int CACHE = 64;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static volatile String pinnedIsa;

  static {
    // UnsatisfiedLinkError where the natives are absent (not x86-64 Linux): Bf16Support reports it.
    Loader.load(dnnl.class);
    org.bytedeco.dnnl.dnnl_version_t v = dnnl.dnnl_version();
    VERSION = v.major() + "." + v.minor() + "." + v.patch();
    ENGINE = new engine(engine.kind.cpu, 0);
  }

  private final String isa;

  private OneDnnBf16Gemm(String isa) {
    this.isa = isa;
  }

  /**
   * The instruction set oneDNN runs here, e.g. "avx10_1_512_amx"; loads the library. The first call
   * fixes it for the process: oneDNN takes a cap on its instruction set ({@code cap}, null for
   * none) only before it first reports or uses one, so a JVM that computes for a job caps it at the
   * job's and finds here whether its CPU reaches that far.
   */
  static synchronized String effectiveIsa(String cap) {
    if (pinnedIsa == null) {
      if (cap != null) {
        // Fails only once oneDNN has fixed its set, which the first call here does, so never.
        dnnl.dnnl_set_max_cpu_isa(dnnl.cpu_isa.valueOf(cap).value);
      }
      pinnedIsa = dnnl.get_effective_cpu_isa().toString();
    }
    return pinnedIsa;
  }

  /**
   * This process's bf16 GEMM on {@code isa}, which must be the set it runs ({@link #effectiveIsa});
   * the caller has checked ({@link Bf16Support#refusal}) that the host reaches it.
   *
   * @throws IllegalStateException if the process runs another set (it computed for another job)
   */
  static OneDnnBf16Gemm pinned(String isa) {
    String runs = effectiveIsa(isa);
    if (!runs.equals(isa)) {
      throw new IllegalStateException("this process's oneDNN runs the instruction set " + runs + ", not " + isa
          + ": a process runs one bf16 kernel, fixed when it first computes");
    }
    return new OneDnnBf16Gemm(isa);
  }

  /** The instruction set this process's oneDNN runs, or null before it was first asked. */
  static String pinnedIsa() {
    return pinnedIsa;
  }

  /** The instruction set this GEMM runs. */
  public String isa() {
    return isa;
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
    Scratch s = SCRATCH.get();
    int ldaS = stage(s.a(packedLength(aRows, aCols, lda)), a, aOffset, lda, aRows, aCols);
    int ldbS = stage(s.b(packedLength(bRows, bCols, ldb)), b, bOffset, ldb, bRows, bCols);
    FloatBuffer cs = s.c(m * n);
    // The primitive forms C = A B, plus C when it accumulates (a sum post-op); alpha and a beta
    // other than 1 are applied around it, in float32.
    boolean scaled = alpha != 1f;
    boolean accumulate = !scaled && beta != 0f;
    if (accumulate) {
      copyIn(cs, c, cOffset, ldc, m, n);
      if (beta != 1f) {
        for (int i = 0; i < m * n; i++) cs.put(i, cs.get(i) * beta);
      }
    }
    Primitive p = s.primitive(transA, transB, m, n, k, ldaS, ldbS, accumulate);
    p.run(s);
    if (!scaled) {
      copyOut(cs, c, cOffset, ldc, m, n);
      return;
    }
    for (int i = 0; i < m; i++) {
      int ci = cOffset + i * ldc;
      for (int j = 0; j < n; j++) {
        float product = alpha * cs.get(i * n + j);
        c[ci + j] = beta == 0f ? product : product + beta * c[ci + j];
      }
    }
  }

  @Override
  public String name() {
    return "oneDNN " + VERSION + " bf16 matmul (float32 sums, native, 1 thread per call, " + isa + ")";
  }

  /** One matmul for one shape, with its argument memories bound to the thread's scratch. */
  private static final class Primitive {
    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final int lda;
    final int ldb;
    final boolean accumulate;
    final matmul matmul;
    final memory src;
    final memory weights;
    final memory dst;
    final IntMemoryMap args;

    Primitive(Scratch s, boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, boolean accumulate) {
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.n = n;
      this.k = k;
      this.lda = lda;
      this.ldb = ldb;
      this.accumulate = accumulate;
      // Row-major operands as strided views: a transpose is the swapped strides, no copy.
      memory.desc srcDesc = new memory.desc(new long[] {m, k}, memory.data_type.f32,
          transA ? new long[] {1, lda} : new long[] {lda, 1});
      memory.desc weightsDesc = new memory.desc(new long[] {k, n}, memory.data_type.f32,
          transB ? new long[] {1, ldb} : new long[] {ldb, 1});
      memory.desc dstDesc = new memory.desc(new long[] {m, n}, memory.data_type.f32, new long[] {n, 1});
      primitive_attr attr = new primitive_attr();
      attr.set_fpmath_mode(dnnl.fpmath_mode.bf16.value);
      if (accumulate) {
        post_ops ops = new post_ops();
        ops.append_sum();
        attr.set_post_ops(ops);
      }
      matmul.primitive_desc pd = new matmul.primitive_desc(ENGINE, srcDesc, weightsDesc, dstDesc, attr, false);
      this.matmul = new matmul(pd);
      this.src = new memory(srcDesc, ENGINE, s.aMem);
      this.weights = new memory(weightsDesc, ENGINE, s.bMem);
      this.dst = new memory(dstDesc, ENGINE, s.cMem);
      this.args = new IntMemoryMap();
      args.put(dnnl.DNNL_ARG_SRC, src);
      args.put(dnnl.DNNL_ARG_WEIGHTS, weights);
      args.put(dnnl.DNNL_ARG_DST, dst);
    }

    boolean is(boolean tA, boolean tB, int mm, int nn, int kk, int la, int lb, boolean acc) {
      return transA == tA && transB == tB && m == mm && n == nn && k == kk && lda == la && ldb == lb
          && accumulate == acc;
    }

    void run(Scratch s) {
      // The scratch may have grown since the memories were made: point them at it each call.
      src.set_data_handle(s.aMem);
      weights.set_data_handle(s.bMem);
      dst.set_data_handle(s.cMem);
      matmul.execute(s.stream, args);
      s.stream._wait();
    }
  }

  /** Per-thread stream and primitive cache, beside the native operand buffers. */
  private static final class Scratch extends NativeOperands {
    final stream stream = new stream(ENGINE);
    private final Primitive[] cache = new Primitive[CACHE];
    private int cached;
    private int nextEvicted;

    Primitive primitive(boolean tA, boolean tB, int m, int n, int k, int lda, int ldb, boolean acc) {
      for (int i = 0; i < cached; i++) {
        if (cache[i].is(tA, tB, m, n, k, lda, ldb, acc)) return cache[i];
      }
      Primitive p = new Primitive(this, tA, tB, m, n, k, lda, ldb, acc);
      if (cached < CACHE) {
        cache[cached++] = p;
      } else {
        // More shapes than a network has (chunks of varying rows): replace in turn.
        cache[nextEvicted] = p;
        nextEvicted = (nextEvicted + 1) % CACHE;
      }
      return p;
    }
  }
}
