package org.sparkprop.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a figure was measured on: cores, CPU model and how loaded the machine was. Benchmarks on a
 * shared machine are only comparable within one run and at a similar load, so every result
 * carries the load average at its start and end.
 */
public final class Machine {
  private Machine() {
  }

  /** One-minute load average, or -1 where the platform does not report it. */
  public static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The CPU model from /proc/cpuinfo (Linux), else the architecture name. */
  public static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: fall through to what the JVM knows.
    }
    return System.getProperty("os.arch");
  }

  /** Whether the CPU advertises AVX-512 (it changes which BLAS kernels run, and their peak). */
  public static String vectorExtensions() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          if (line.contains(" avx512f")) return "avx512";
          if (line.contains(" avx2")) return "avx2";
          if (line.contains(" avx")) return "avx";
          return "sse";
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return "unknown";
  }

  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", cores());
    m.put("cpu", cpuModel());
    m.put("vector", vectorExtensions());
    m.put("memoryGiB", Math.round(totalMemoryBytes() / (1024.0 * 1024 * 1024)));
    m.put("java", System.getProperty("java.version"));
    return m;
  }

  private static long totalMemoryBytes() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize();
    return -1;
  }
}
