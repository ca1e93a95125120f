package org.sparkprop.bench.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparkprop.math.Kernels;
import org.sparkprop.bench.Machine;

/**
 * The {@code mllib} workload: runs {@link MllibRun} in a child JVM on the same class path, with
 * MLlib's native BLAS (the system {@code libblas.so.3}, through dev.ludovic.netlib) told which CPU
 * kernels to use: {@code OPENBLAS_CORETYPE} is set to the core OpenBLAS 0.3.31 (Sparkprop's own)
 * detects here, since older system builds misdetect newer CPUs and fall back to slow kernels, and
 * {@code OPENBLAS_NUM_THREADS=1} because Spark already runs one task per core.
 */
public final class MllibBench {
  private MllibBench() {
  }

  public static Map<String, Object> run(String master, long rows, int[] widths, int maxIter, int partitions,
                                        String heap, String coretype, int blasThreads) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    StringBuilder hidden = new StringBuilder();
    for (int i = 1; i < widths.length - 1; i++) hidden.append(i == 1 ? "" : ",").append(widths[i]);
    args.add(master);
    args.add(Long.toString(rows));
    args.add(Integer.toString(widths[0]));
    args.add(Integer.toString(widths[widths.length - 1]));
    args.add(hidden.toString());
    args.add(Integer.toString(maxIter));
    args.add(Integer.toString(partitions));
    args.add("1");
    Map<String, String> env = blasEnvironment(coretype, blasThreads);
    double loadStart = Machine.loadAverage();
    Map<String, Object> m = ChildJvm.run("mllib", MllibRun.class, heap, env, args);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
  }

  /**
   * The environment of an MLlib child JVM: {@code OPENBLAS_CORETYPE} (null: the core detected
   * here; empty: unset) and {@code OPENBLAS_NUM_THREADS} (0: unset). A null value removes the
   * variable from the child's environment.
   */
  static Map<String, String> blasEnvironment(String coretype, int blasThreads) {
    Map<String, String> env = new java.util.HashMap<>();
    String core = coretype != null ? coretype : detectedCore();
    env.put("OPENBLAS_CORETYPE", core != null && !core.isEmpty() ? core : null);
    if (blasThreads > 0) env.put("OPENBLAS_NUM_THREADS", Integer.toString(blasThreads));
    return env;
  }

  /**
   * The core name OpenBLAS 0.3.31 picks for this CPU (e.g. "Zen", "SkylakeX"), a valid
   * {@code OPENBLAS_CORETYPE} value for the system OpenBLAS as well; null if unknown.
   */
  static String detectedCore() {
    String d = Kernels.description(); // "... , Zen kernels)"
    int end = d.indexOf(" kernels)");
    if (end < 0) return null;
    int start = d.lastIndexOf(", ", end);
    return start < 0 ? null : d.substring(start + 2, end);
  }
}
