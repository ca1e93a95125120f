package org.sparkprop.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.sparkprop.math.Gemm;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.Kernels;
import org.sparkprop.math.Precision;

/**
 * fp32 against bf16 products ({@code math.precision}) on one core, as a Spark task calls them:
 * every product of one training step of a network (forward z = a W^T, weight gradient dz^T a,
 * input gradient dz W) through {@link Gemm#sgemm} on float[] operands, so staging and, for bf16,
 * the float32 to bf16 rounding are inside the time. fp32 is the job's {@code math.kernel = auto}
 * kernel (OpenBLAS), bf16 oneDNN's matmul ({@code OneDnnBf16Gemm}). The two alternate, shape by
 * shape, for several passes; medians per shape; the step figure is the sum of the shapes' medians.
 * Also forward+backward through the network code in each precision, the same way.
 */
public final class PrecisionBench {
  private PrecisionBench() {
  }

  /** One product of a training step. */
  private record Shape(String name, boolean transA, boolean transB, int m, int n, int k, float beta) {
    double flops() {
      return 2.0 * m * n * k;
    }
  }

  private static List<Shape> step(String net, int[] widths, int rows) {
    List<Shape> s = new ArrayList<>();
    for (int l = 0; l < widths.length - 1; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      s.add(new Shape(net + ".fc" + (l + 1) + ".fwd", false, true, rows, out, in, 1f));
      s.add(new Shape(net + ".fc" + (l + 1) + ".dW", true, false, out, in, rows, 1f));
      if (l > 0) s.add(new Shape(net + ".fc" + (l + 1) + ".dX", false, false, rows, in, out, 0f));
    }
    return s;
  }

  /** Operands of one shape, random, as float[] (the trainer's layout). */
  private static final class Operands {
    final float[] a;
    final float[] b;
    final float[] c;
    final int lda;
    final int ldb;

    Operands(Shape s, SplittableRandom r) {
      a = new float[s.m() * s.k()];
      b = new float[s.k() * s.n()];
      c = new float[s.m() * s.n()];
      for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian() * 0.1f;
      for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian() * 0.1f;
      lda = s.transA() ? s.m() : s.k();
      ldb = s.transB() ? s.k() : s.n();
    }

    void run(Gemm g, Shape s) {
      g.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda, b, 0, ldb, s.beta(), c, 0, s.n());
    }
  }

  /** Nanoseconds per call of {@code g} on {@code s}, over about {@code seconds}. */
  private static double time(Gemm g, Shape s, Operands o, double seconds) {
    o.run(g, s);
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    int calls = 0;
    long now;
    do {
      o.run(g, s);
      calls++;
      now = System.nanoTime();
    } while (now < end || calls < 3);
    return (now - t0) / (double) calls;
  }

  /**
   * @param seconds measuring time per shape, precision and pass
   * @param passes  alternating passes
   */
  public static Map<String, Object> run(double seconds, int passes) {
    Gemm fp32 = Kernels.forJob(Kernels.decide(GemmKernel.AUTO, Precision.FP32), "the bench JVM");
    String bf16Kernel = Kernels.decide(GemmKernel.AUTO, Precision.BF16);
    Gemm bf16 = Kernels.forJob(bf16Kernel, "the bench JVM");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("fp32", fp32.name());
    out.put("bf16", bf16.name());
    Object[][] nets = {{"syn", new int[] {256, 512, 256, 10}, 4096}, {"fmnist", new int[] {784, 256, 128, 10}, 512}};
    SplittableRandom r = new SplittableRandom(18);
    List<Map<String, Object>> shapes = new ArrayList<>();
    Map<String, Object> steps = new LinkedHashMap<>();
    for (Object[] net : nets) {
      String name = (String) net[0];
      int[] widths = (int[]) net[1];
      int rows = (Integer) net[2];
      List<Shape> all = step(name, widths, rows);
      double fp32Step = 0;
      double bf16Step = 0;
      double flops = 0;
      for (Shape s : all) {
        Operands o = new Operands(s, r);
        Samples f = new Samples();
        Samples h = new Samples();
        for (int p = 0; p < passes; p++) {
          f.add(Math.round(time(fp32, s, o, seconds)));
          h.add(Math.round(time(bf16, s, o, seconds)));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", s.name() + " " + (s.transA() ? "T" : "N") + (s.transB() ? "T" : "N") + " m=" + s.m() + " n=" + s.n()
            + " k=" + s.k());
        m.put("fp32Gflops", KernelBench.round(s.flops() / f.median(), 1));
        m.put("bf16Gflops", KernelBench.round(s.flops() / h.median(), 1));
        m.put("ratio", KernelBench.round(f.median() / h.median(), 2));
        shapes.add(m);
        fp32Step += f.median();
        bf16Step += h.median();
        flops += s.flops();
      }
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("rows", rows);
      st.put("fp32Ms", KernelBench.round(fp32Step / 1e6, 3));
      st.put("bf16Ms", KernelBench.round(bf16Step / 1e6, 3));
      st.put("fp32Gflops", KernelBench.round(flops / fp32Step, 1));
      st.put("bf16Gflops", KernelBench.round(flops / bf16Step, 1));
      st.put("ratio", KernelBench.round(fp32Step / bf16Step, 2));
      st.put("networkRatio", networkRatio(widths, rows, fp32, bf16, seconds * 3, passes));
      steps.put(name, st);
    }
    out.put("shapes", shapes);
    out.put("steps", steps);
    return out;
  }

  /** Forward+backward through the network code, fp32 time over bf16 time (median of alternating passes). */
  private static double networkRatio(int[] widths, int rows, Gemm fp32, Gemm bf16, double seconds, int passes) {
    try (KernelWorkload f = new KernelWorkload(widths, rows, fp32); KernelWorkload h = new KernelWorkload(widths, rows, bf16)) {
      Samples ratios = new Samples();
      for (int p = 0; p < passes; p++) {
        double tf = timeNetwork(f, seconds);
        double th = timeNetwork(h, seconds);
        ratios.add(Math.round(1e6 * tf / th));
      }
      return KernelBench.round(ratios.median() / 1e6, 2);
    }
  }

  private static double timeNetwork(KernelWorkload w, double seconds) {
    w.runNetwork();
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    int calls = 0;
    long now;
    do {
      w.runNetwork();
      calls++;
      now = System.nanoTime();
    } while (now < end || calls < 3);
    return (now - t0) / (double) calls;
  }
}
