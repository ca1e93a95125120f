package org.sparkprop.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.bench.spark.ChildJvm;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.JavaGemm;
import org.sparkprop.math.Kernels;

/**
 * The child JVM of the {@code kernels} workload: measures the network's forward+backward (and, on
 * OpenBLAS, the bare products of the same shapes) with the one kernel this JVM runs. OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} once, when its library loads, so each kernel needs a JVM of its own; the
 * parent sets that variable and reads back the figures.
 *
 * <p>Arguments: {@code portable|native SECONDS WIDTHS:BATCH...}, e.g. {@code native 2 256,512,256,10:1024}.
 */
public final class KernelProbe {
  private KernelProbe() {
  }

  public static void main(String[] args) throws Exception {
    boolean portable = args[0].equals(GemmKernel.PORTABLE_NAME);
    double seconds = Double.parseDouble(args[1]);
    List<Map<String, Object>> shapes = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String[] shape = args[i].split(":");
      int[] widths = java.util.Arrays.stream(shape[0].split(",")).mapToInt(Integer::parseInt).toArray();
      int batch = Integer.parseInt(shape[1]);
      shapes.add(portable ? portable(widths, batch, seconds) : KernelBench.measure(widths, batch, seconds));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loaded", portable ? GemmKernel.PORTABLE_NAME : Kernels.loadedKernel());
    m.put("shapes", shapes);
    ChildJvm.printResult(m);
  }

  /** The pure-Java GEMM runs only through the network code: there are no bare native products to time. */
  private static Map<String, Object> portable(int[] widths, int batch, double seconds) {
    try (KernelWorkload work = new KernelWorkload(widths, batch, new JavaGemm())) {
      work.runNetwork(); // JIT warm-up
      Samples network = new Samples();
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end || network.size() < 3) {
        long t0 = System.nanoTime();
        work.runNetwork();
        network.add(System.nanoTime() - t0);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shape", work.describe());
      m.put("calls", network.size());
      m.put("networkMs", KernelBench.round(network.medianMs(), 3));
      m.put("networkGflopsRun", KernelBench.round(work.executedFlops() / network.median(), 1));
      return m;
    }
  }
}
