package org.sparkprop.spark.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.math.Kernels;
import org.sparkprop.perf.Machine;

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
    List<String> cmd = new ArrayList<>();
    cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The module options Spark needs, and any -D given to the parent; not its heap or agents.
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-XX:+IgnoreUnrecognized")
          || (arg.startsWith("-D") && !arg.startsWith("-Dsun.java.command"))) {
        cmd.add(arg);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MllibRun.class.getName());
    StringBuilder hidden = new StringBuilder();
    for (int i = 1; i < widths.length - 1; i++) hidden.append(i == 1 ? "" : ",").append(widths[i]);
    cmd.add(master);
    cmd.add(Long.toString(rows));
    cmd.add(Integer.toString(widths[0]));
    cmd.add(Integer.toString(widths[widths.length - 1]));
    cmd.add(hidden.toString());
    cmd.add(Integer.toString(maxIter));
    cmd.add(Integer.toString(partitions));
    cmd.add("1");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    String core = coretype != null ? coretype : detectedCore();
    if (core != null && !core.isEmpty()) pb.environment().put("OPENBLAS_CORETYPE", core);
    else pb.environment().remove("OPENBLAS_CORETYPE");
    if (blasThreads > 0) pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(blasThreads));
    double loadStart = Machine.loadAverage();
    Process p = pb.start();
    String result = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(MllibRun.RESULT_PREFIX)) result = line.substring(MllibRun.RESULT_PREFIX.length());
        else System.err.println("mllib: " + line);
      }
    }
    int exit = p.waitFor();
    if (exit != 0 || result == null) {
      throw new IllegalStateException("the MLlib child JVM exited with " + exit + " and no result; its output is above");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = new LinkedHashMap<>(new ObjectMapper().readValue(result, Map.class));
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
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
