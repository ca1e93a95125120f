package org.sparkprop.math;

import java.util.Locale;

/**
 * Whether a host can compute a job of {@code math.precision = bf16}, and the kernel such a job
 * records: {@code onednn-bf16/<instruction set>}, e.g. {@code onednn-bf16/avx10_1_512_amx}, the
 * oneDNN instruction set of the driver's CPU. Every JVM that computes pins its oneDNN to that set
 * or refuses, naming itself and what it lacks, as hosts of another OpenBLAS kernel are refused.
 *
 * <p>{@link #refusal} is the decision itself, a function of what the host reports, so that a host
 * without the instructions can be examined on any machine.
 */
public final class Bf16Support {

  /** How the kernel of a bf16 job starts. */
  public static final String KERNEL_PREFIX = "onednn-bf16/";

  /** The variable oneDNN's OpenMP reads, once, when it loads: its threads per call. */
  public static final String THREADS_VARIABLE = "OMP_NUM_THREADS";

  // oneDNN's instruction sets are bit masks, each a superset of those it extends (dnnl_cpu_isa_t).
  private static final long AVX512_BF16 = 0xe7;  // avx512_core_bf16
  private static final long BF16_ONLY_BITS = 0x80; // what avx512_core_bf16 adds to avx512_core_vnni
  private static final long AMX_BITS = 0xe00;      // what avx10_1_512_amx adds to avx10_1_512

  private Bf16Support() {
  }

  /** Whether {@code kernel} is a bf16 job's kernel. */
  public static boolean isBf16Kernel(String kernel) {
    return kernel != null && kernel.startsWith(KERNEL_PREFIX);
  }

  /** The kernel of a bf16 job on oneDNN instruction set {@code isa}. */
  public static String kernelOf(String isa) {
    return KERNEL_PREFIX + isa;
  }

  /** The oneDNN instruction set of a bf16 kernel. */
  public static String isaOf(String kernel) {
    return kernel.substring(KERNEL_PREFIX.length());
  }

  /**
   * Why {@code where} cannot compute a bf16 job, or null if it can.
   *
   * @param where        the JVM, for the message, e.g. "executor 3 on host h7"
   * @param hostIsa      the best oneDNN instruction set of its CPU (e.g. "avx512_core"); ignored
   *                     when oneDNN did not load
   * @param loadFailure  why oneDNN did not load here, or null if it did
   * @param jobIsa       the job's instruction set, or null when the driver is deciding it
   * @param ompThreads   this JVM's {@code OMP_NUM_THREADS} (null when unset)
   */
  public static String refusal(String where, String hostIsa, String loadFailure, String jobIsa, String ompThreads) {
    String head = where + " cannot compute with math.precision = bf16";
    if (loadFailure != null) {
      return head + ": oneDNN, which forms the bf16 products, does not load here (" + loadFailure
          + "; its natives are packaged for x86-64 Linux only). Use math.precision = fp32 on this host";
    }
    long host = mask(hostIsa);
    if ((host & AVX512_BF16) != AVX512_BF16) {
      return head + ": its CPU lacks AVX-512 BF16 and AMX (oneDNN's best instruction set here is " + hostIsa
          + "). Run bf16 jobs on CPUs with AVX-512 BF16 (Cooper Lake, Zen 4 or later) or AMX (Sapphire Rapids or"
          + " later), or use math.precision = fp32";
    }
    if (jobIsa != null && !jobIsa.equals(hostIsa)) {
      long job = mask(jobIsa);
      long missing = job & ~host;
      if (missing != 0) {
        String lacks = (missing & AMX_BITS) != 0 ? "AMX"
            : (missing & BF16_ONLY_BITS) != 0 ? "AVX-512 BF16" : "instructions of " + jobIsa;
        return head + " in this job's kernel " + kernelOf(jobIsa) + ": its CPU lacks " + lacks + " (oneDNN's best"
            + " instruction set here is " + hostIsa + "), and kernels of other instruction sets sum in other orders."
            + " Run the job on hosts with " + lacks + " like the driver's, or start it from a driver whose CPU all"
            + " hosts match";
      }
    }
    if (!"1".equals(ompThreads == null ? null : ompThreads.trim())) {
      return head + ": " + THREADS_VARIABLE + " is " + (ompThreads == null ? "unset" : "\"" + ompThreads + "\"")
          + ", and oneDNN's OpenMP reads it once, when it loads; oneDNN splits a product over its threads, which may"
          + " change the order of its sums (and oversubscribes the cores Spark's tasks already fill)."
          + " A bf16 job needs " + THREADS_VARIABLE + "=1 in every JVM that computes: jobs started by Sparkprop give"
          + " it to their executors (spark.executorEnv." + THREADS_VARIABLE + "); set it in the environment of a"
          + " driver that runs tasks itself (local mode) or of executors that already run";
    }
    return null;
  }

  /** The oneDNN instruction set named {@code isa} as its bit mask; 0 for a name oneDNN lacks. */
  static long mask(String isa) {
    if (isa == null) return 0;
    try {
      return org.bytedeco.dnnl.global.dnnl.cpu_isa.valueOf(isa.toLowerCase(Locale.ROOT)).value;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  // ---- this JVM ----

  /** The instruction set this JVM's oneDNN runs, or why oneDNN does not load here. */
  private record Host(String isa, String loadFailure) {
  }

  /** This JVM's oneDNN, capped at {@code cap} if it had not fixed its instruction set yet. */
  private static Host host(String cap) {
    try {
      return new Host(OneDnnBf16Gemm.effectiveIsa(cap), null);
    } catch (LinkageError | RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      return new Host(null, root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
    }
  }

  /**
   * The kernel of a bf16 job decided on this JVM (the driver): its CPU's instruction set.
   *
   * @throws KernelMismatchException if this JVM cannot compute in bf16
   */
  public static String decide(String where) {
    Host h = host(null);
    String why = refusal(where, h.isa(), h.loadFailure(), null, System.getenv(THREADS_VARIABLE));
    // The driver may compute nothing (its executors do): only what it lacks decides here, not its threads.
    if (why != null && (h.loadFailure() != null || (mask(h.isa()) & AVX512_BF16) != AVX512_BF16)) {
      throw KernelMismatchException.refused(why);
    }
    return kernelOf(h.isa());
  }

  /** The bf16 kernel this JVM computes with: the instruction set its oneDNN runs ("none" before it was asked). */
  public static String running() {
    String isa = OneDnnBf16Gemm.pinnedIsa(); // after forJob, which fixed it
    return isa == null ? kernelOf("none") : kernelOf(isa);
  }

  /**
   * This JVM's GEMM for a bf16 job of {@code kernel}, pinned to its instruction set.
   *
   * @throws KernelMismatchException naming {@code where} and what it lacks
   */
  public static Gemm forJob(String kernel, String where) {
    Host h = host(isaOf(kernel));
    String why = refusal(where, h.isa(), h.loadFailure(), isaOf(kernel), System.getenv(THREADS_VARIABLE));
    if (why != null) throw KernelMismatchException.refused(why);
    try {
      return OneDnnBf16Gemm.pinned(isaOf(kernel));
    } catch (IllegalStateException e) {
      throw KernelMismatchException.refused(where + " cannot compute this job's kernel " + kernel + ": " + e.getMessage());
    }
  }
}
