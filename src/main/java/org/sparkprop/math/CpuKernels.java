package org.sparkprop.math;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which of OpenBLAS's x86-64 kernels a CPU can run, from its feature flags, and why a job's kernel
 * is the one it is. sgemm's speed follows the vector width of a kernel family (AVX-512 kernels ran
 * 1.4-1.8 times the AVX2 ones on the benchmark networks; the three AVX-512 core types share their
 * sgemm code), so a kernel of a narrower family than the CPU runs leaves speed unused: the usual
 * cause is an {@code OPENBLAS_CORETYPE} inherited from the environment.
 */
public final class CpuKernels {
  private static final List<String> AVX512 = List.of("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd");

  private CpuKernels() {
  }

  /**
   * The OpenBLAS core types a CPU with these flags can be pinned to, narrowest family first
   * (forcing one whose instructions the CPU lacks would die of an illegal instruction). Empty off
   * x86-64, where OpenBLAS's own choice is the only one this project pins by name.
   */
  public static List<String> runnable(Set<String> flags, String arch) {
    List<String> k = new ArrayList<>();
    if (!arch.equals("amd64") && !arch.equals("x86_64")) return k;
    if (flags.contains("avx")) k.add("Sandybridge");
    if (flags.contains("avx2") && flags.contains("fma")) {
      k.add("Haswell");
      k.add("Zen");
    }
    boolean avx512 = flags.containsAll(AVX512);
    if (avx512) k.add("SkylakeX");
    if (avx512 && flags.contains("avx512_bf16")) k.add("Cooperlake");
    if (avx512 && flags.contains("avx512_bf16") && flags.contains("amx_bf16") && flags.contains("amx_tile")) {
      k.add("SapphireRapids");
    }
    return k;
  }

  /**
   * The vector family of an OpenBLAS core type, for comparing sgemm speeds: 3 for the AVX-512
   * ones, 2 for AVX2, 1 for AVX, 0 for older x86 ones, -1 for a name this class does not rank
   * (ARM64's, the pure-Java kernel).
   */
  public static int family(String coreType) {
    switch (coreType.toLowerCase(Locale.ROOT)) {
      case "skylakex":
      case "cooperlake":
      case "sapphirerapids":
        return 3;
      case "haswell":
      case "zen":
        return 2;
      case "sandybridge":
        return 1;
      case "nehalem":
      case "prescott":
        return 0;
      default:
        return -1;
    }
  }

  /**
   * Why the job computes with {@code kernel}, in one sentence for the log and summary.json, with
   * advice when this CPU runs a faster family than the job got.
   *
   * @param setting what the job asked for ({@code math.kernel})
   * @param kernel what the driver decided ({@link Kernels#decide})
   * @param envCoreType {@code OPENBLAS_CORETYPE} of the driver's environment, or null
   * @param fallback why OpenBLAS could not load, or null
   * @param flags the driver's CPU flags; {@code arch} its {@code os.arch}
   */
  public static String reason(GemmKernel setting, String kernel, String envCoreType, String fallback,
                              Set<String> flags, String arch) {
    String why;
    if (Bf16Support.isBf16Kernel(kernel)) {
      return "math.precision = bf16: oneDNN's bf16 products with float32 sums, on this CPU's instruction set";
    } else if (setting == GemmKernel.PORTABLE) {
      return "math.kernel = portable: the pure-Java kernel, the same bits on every host and architecture";
    } else if (setting != GemmKernel.AUTO) {
      why = "math.kernel = " + setting.configName() + ", set by the job";
    } else if (GemmKernel.PORTABLE_NAME.equals(kernel)) {
      return "math.kernel = auto and OpenBLAS cannot load here (" + fallback + "): the pure-Java kernel,"
          + " 15-30 times slower";
    } else if (envCoreType != null && !envCoreType.isBlank()) {
      why = "math.kernel = auto: OpenBLAS's kernel under OPENBLAS_CORETYPE=" + envCoreType + " from the environment";
    } else {
      why = "math.kernel = auto: OpenBLAS's own choice for this CPU";
    }
    List<String> runs = runnable(flags, arch);
    if (runs.isEmpty() || family(kernel) < 0) return why;
    String widest = runs.get(runs.size() - 1);
    if (family(widest) <= family(kernel)) return why + ", the widest kernel family this CPU runs";
    String remedy = setting == GemmKernel.AUTO
        ? "unset OPENBLAS_CORETYPE to let OpenBLAS pick it"
        : "set math.kernel = " + widest.toLowerCase(Locale.ROOT) + " or auto";
    return why + "; this CPU also runs " + widest + "'s wider kernels (about 1.4-1.8 times the sgemm speed of"
        + " AVX2's): " + remedy;
  }

  /** The driver's own case of {@link #reason}: its environment, CPU flags and architecture. */
  public static String reasonHere(GemmKernel setting, String kernel) {
    return reason(setting, kernel, System.getenv("OPENBLAS_CORETYPE"), Kernels.fallbackReason(), cpuFlags(),
        System.getProperty("os.arch"));
  }

  /** The CPU's feature flags from /proc/cpuinfo (Linux); empty where the platform does not list them. */
  public static Set<String> cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags") || line.startsWith("Features")) {
          // A copy, not Set.of: that throws on a repeated flag.
          return Set.copyOf(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or no access: no flags known, and reason() then gives no advice.
    }
    return Set.of();
  }
}
