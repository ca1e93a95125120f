package org.sparkprop.bench.jmh;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.sparkprop.math.Gemm;
import org.sparkprop.math.JavaGemm;
import org.sparkprop.math.OpenBlasGemm;

/**
 * Single-threaded sgemm throughput for the products of one training step of the two reference
 * networks, called as {@code org.sparkprop.nn.DenseNetwork} calls them. The secondary result
 * {@code :gflop} is GFLOP/s, counting 2 m n k per call.
 *
 * <p>Per layer with input a (batch, in) and weights W (out, in) stored inside the one flat
 * parameter vector, (m, n, k) being the shape of C = op(A) op(B) times (k):
 * <ul>
 *   <li>{@code fwd}: z += a W^T, NT, (batch, out, in), beta 1 (z holds the bias);
 *   <li>{@code dW}: dW += dz^T a, TN, (out, in, batch), beta 1, C inside the gradient vector;
 *   <li>{@code dX}: da = dz W, NN, (batch, in, out), beta 0; the first layer has none.
 * </ul>
 * Shape names: {@code A} is batch 256 through 784-256-128-10, {@code B} is batch 1024 through
 * 256-512-256-10; {@code fc1} is the layer next to the input.
 *
 * <p>Implementations: {@code java} ({@link JavaGemm}); {@code openblas} ({@link OpenBlasGemm},
 * the float[] path the trainer uses, staging operands through native scratch); {@code jni-array}
 * (cblas_sgemm's own float[]/heap-buffer overloads, which copy each whole array, here the whole
 * parameter vector, in and back out through JNI: the route OpenBlasGemm avoids); {@code offheap}
 * (operands already in native memory, no copies: the most an off-heap layout could gain).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
// Defaults for a run without options: one fork, short iterations (about 9 s per shape and impl).
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SgemmBenchmark {

  private static final int[] NET_A = {784, 256, 128, 10};
  private static final int BATCH_A = 256;
  private static final int[] NET_B = {256, 512, 256, 10};
  private static final int BATCH_B = 1024;

  @Param({"A.fc1.fwd", "A.fc1.dW", "A.fc2.fwd", "A.fc2.dW", "A.fc2.dX", "A.fc3.fwd", "A.fc3.dW",
      "A.fc3.dX", "B.fc1.fwd", "B.fc1.dW", "B.fc2.fwd", "B.fc2.dW", "B.fc2.dX", "B.fc3.fwd",
      "B.fc3.dW", "B.fc3.dX"})
  public String shape;

  @Param({"java", "openblas", "jni-array", "offheap"})
  public String impl;

  private boolean transA;
  private boolean transB;
  private int m;
  private int n;
  private int k;
  private int lda;
  private int ldb;
  private int ldc;
  private float beta;
  private double gflopPerCall;

  // Operands as float[] with offsets, exactly as DenseNetwork passes them.
  private Gemm gemm;
  private float[] a;
  private int aOff;
  private float[] b;
  private int bOff;
  private float[] c;
  private int cOff;

  // The same operands in native memory, for "offheap"; views point at the offsets.
  private FloatPointer aStore;
  private FloatPointer bStore;
  private FloatPointer cStore;
  private FloatPointer aView;
  private FloatPointer bView;
  private FloatPointer cView;

  /** Counts GFLOP done; JMH divides by the iteration time, giving GFLOP/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
      gflop = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    String[] parts = shape.split("\\.");
    int[] widths = parts[0].equals("A") ? NET_A : NET_B;
    int batch = parts[0].equals("A") ? BATCH_A : BATCH_B;
    int layer = Integer.parseInt(parts[1].substring(2)) - 1;
    int in = widths[layer];
    int out = widths[layer + 1];
    int params = 0; // flat vector: per layer W (out, in) then b (out), as ParameterLayout
    int wOff = 0;
    for (int l = 0; l + 1 < widths.length; l++) {
      if (l == layer) wOff = params;
      params += widths[l] * widths[l + 1] + widths[l + 1];
    }
    SplittableRandom rnd = new SplittableRandom(1);
    float[] weights = random(rnd, params); // (params): W of this layer at wOff, (out, in)
    switch (parts[2]) {
      case "fwd": // z (batch, out) += a (batch, in) * W^T
        set(false, true, batch, out, in, 1f);
        a = random(rnd, batch * in);
        b = weights;
        bOff = wOff;
        c = random(rnd, batch * out);
        break;
      case "dW": // grad W (out, in) += dz^T (out, batch) * a (batch, in)
        set(true, false, out, in, batch, 1f);
        a = random(rnd, batch * out);
        b = random(rnd, batch * in);
        c = random(rnd, params);
        cOff = wOff;
        break;
      case "dX": // da (batch, in) = dz (batch, out) * W (out, in)
        if (layer == 0) throw new IllegalArgumentException("the first layer has no dX: " + shape);
        set(false, false, batch, in, out, 0f);
        a = random(rnd, batch * out);
        b = weights;
        bOff = wOff;
        c = new float[batch * in];
        break;
      default:
        throw new IllegalArgumentException("unknown shape " + shape);
    }
    lda = transA ? m : k;
    ldb = transB ? k : n;
    ldc = n;
    gflopPerCall = 2.0 * m * n * k / 1e9;

    switch (impl) {
      case "java":
        gemm = new JavaGemm();
        break;
      case "openblas":
      case "jni-array":
        gemm = new OpenBlasGemm(); // also loads the library and pins it to one thread
        break;
      case "offheap":
        gemm = new OpenBlasGemm();
        aStore = new FloatPointer(a);
        bStore = new FloatPointer(b);
        cStore = new FloatPointer(c);
        aView = aStore.getPointer(aOff);
        bView = bStore.getPointer(bOff);
        cView = cStore.getPointer(cOff);
        break;
      default:
        throw new IllegalArgumentException("unknown impl " + impl);
    }
  }

  private void set(boolean ta, boolean tb, int m, int n, int k, float beta) {
    this.transA = ta;
    this.transB = tb;
    this.m = m;
    this.n = n;
    this.k = k;
    this.beta = beta;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (FloatPointer p : new FloatPointer[] {aStore, bStore, cStore}) {
      if (p != null) p.close();
    }
  }

  @Benchmark
  public void sgemm(Flops flops) {
    switch (impl) {
      case "jni-array":
        // Heap buffers positioned at the offsets (what a naive binding would do; see OpenBlasGemm).
        openblas.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans, m, n, k, 1f,
            java.nio.FloatBuffer.wrap(a, aOff, a.length - aOff), lda,
            java.nio.FloatBuffer.wrap(b, bOff, b.length - bOff), ldb, beta,
            java.nio.FloatBuffer.wrap(c, cOff, c.length - cOff), ldc);
        break;
      case "offheap":
        openblas.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans, m, n, k, 1f, aView, lda, bView, ldb, beta, cView, ldc);
        break;
      default:
        gemm.sgemm(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
    flops.gflop += gflopPerCall;
  }

  private static float[] random(SplittableRandom rnd, int length) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1) * 0.01f;
    return x;
  }
}
