package org.sparkprop.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkprop.bench.spark.ChildJvm;
import org.sparkprop.math.CpuKernels;
import org.sparkprop.math.GemmKernel;

/**
 * The {@code kernels} workload: GFLOP/s of every GEMM kernel this CPU can run, side by side, on the
 * shapes of the benchmark networks, one core each, so that the kernel a job's {@code math.kernel =
 * auto} gets (the one OpenBLAS picks for the CPU) can be checked against the fastest. Each kernel
 * runs in a child JVM with {@code OPENBLAS_CORETYPE} set (and the pure-Java kernel with the native
 * library unused); the children run in alternation, pass after pass, so that every kernel sees the
 * same changes of load on a shared machine, and the figure per kernel is its median over the passes.
 */
public final class KernelChoiceBench {
  /** The name under which OpenBLAS runs with {@code OPENBLAS_CORETYPE} unset: its own choice for the CPU. */
  static final String AUTO = "auto";

  private KernelChoiceBench() {
  }

  /**
   * The kernels worth measuring on a CPU with these feature flags: OpenBLAS's x86-64 core types whose
   * instructions the CPU has (forcing a core type the CPU lacks would die of an illegal instruction),
   * its own choice, and the pure-Java kernel. Elsewhere (e.g. aarch64) only the last two.
   */
  static List<String> candidates(Set<String> flags, String arch) {
    List<String> k = new ArrayList<>(List.of(AUTO, GemmKernel.PORTABLE_NAME));
    k.addAll(CpuKernels.runnable(flags, arch));
    return k;
  }

  /**
   * @param shapes {@code WIDTHS:BATCH} per shape, e.g. {@code 256,512,256,10:1024}
   * @param seconds measuring time per shape, kernel and pass
   * @param passes alternating passes over the kernels
   */
  public static Map<String, Object> run(List<String> shapes, double seconds, int passes) throws Exception {
    List<String> kernels = candidates(CpuKernels.cpuFlags(), System.getProperty("os.arch"));
    // loaded kernel -> shape index -> samples of the network's GFLOP/s, and of the bare products'.
    // Keyed by the kernel that loaded, so auto's runs pool with the forced runs of the same kernel:
    // the same code, and their spread is the machine's noise, not a difference between kernels.
    Map<String, List<List<Double>>> network = new LinkedHashMap<>();
    Map<String, List<List<Double>>> bare = new LinkedHashMap<>();
    String autoLoads = null;
    for (int pass = 0; pass < passes; pass++) {
      for (String kernel : kernels) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPENBLAS_NUM_THREADS", "1");
        // Unset for auto: a host's own OPENBLAS_CORETYPE would otherwise decide what "auto" measures.
        env.put("OPENBLAS_CORETYPE", kernel.equals(AUTO) || kernel.equals(GemmKernel.PORTABLE_NAME) ? null : kernel);
        List<String> args = new ArrayList<>();
        args.add(kernel.equals(GemmKernel.PORTABLE_NAME) ? GemmKernel.PORTABLE_NAME : "native");
        // The pure-Java kernel is 30-100 times slower: a shorter window still gives it several calls.
        args.add(Double.toString(seconds));
        args.addAll(shapes);
        System.err.printf("kernels: pass %d/%d, %s%n", pass + 1, passes, kernel);
        Map<String, Object> r = ChildJvm.run("kernels[" + kernel + "]", KernelProbe.class, "1g", env, args);
        String loaded = String.valueOf(r.get("loaded"));
        if (kernel.equals(AUTO)) autoLoads = loaded;
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> measured = (List<Map<String, Object>>) r.get("shapes");
        for (int s = 0; s < measured.size(); s++) {
          add(network, loaded, s, measured.get(s).get("networkGflopsRun"));
          add(bare, loaded, s, measured.get(s).get("sgemmGflopsRun"));
        }
      }
    }
    List<Map<String, Object>> perShape = new ArrayList<>();
    double autoWorst = Double.MAX_VALUE;
    for (int s = 0; s < shapes.size(); s++) {
      double best = 0;
      String fastest = null;
      for (String kernel : network.keySet()) {
        double g = median(network.get(kernel).get(s));
        if (g > best) {
          best = g;
          fastest = kernel;
        }
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String kernel : network.keySet()) {
        List<Double> samples = network.get(kernel).get(s);
        double g = median(samples);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kernel", kernel + (kernel.equals(autoLoads) ? " (auto)" : ""));
        row.put("networkGflops", KernelBench.round(g, 1));
        row.put("networkGflopsMinMax", List.of(KernelBench.round(samples.stream().mapToDouble(d -> d).min().orElse(0), 1),
            KernelBench.round(samples.stream().mapToDouble(d -> d).max().orElse(0), 1)));
        List<Double> b = bare.containsKey(kernel) ? bare.get(kernel).get(s) : List.of();
        if (!b.isEmpty()) row.put("sgemmGflops", KernelBench.round(median(b), 1));
        row.put("ratioToFastest", KernelBench.round(g / best, 3));
        rows.add(row);
        if (kernel.equals(autoLoads)) autoWorst = Math.min(autoWorst, g / best);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shape", shapes.get(s));
      m.put("fastest", fastest);
      m.put("kernels", rows);
      perShape.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("autoLoads", autoLoads);
    m.put("passes", passes);
    m.put("secondsPerShape", seconds);
    m.put("threads", 1);
    m.put("shapes", perShape);
    // 10%: the spread between passes of one kernel's medians at a load of ~10 on this 2-core machine
    // (the min/max columns show it); kernels of another instruction set differ by 1.5x or more.
    m.put("target", "auto's kernel >= 0.9 x the fastest kernel on every shape");
    m.put("met", autoWorst >= 0.9);
    return m;
  }

  private static void add(Map<String, List<List<Double>>> into, String kernel, int shape, Object value) {
    if (value == null) return;
    List<List<Double>> perShape = into.computeIfAbsent(kernel, k -> new ArrayList<>());
    while (perShape.size() <= shape) perShape.add(new ArrayList<>());
    perShape.get(shape).add(((Number) value).doubleValue());
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
