package org.sparkprop.math;

import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the process-wide {@link Gemm}: OpenBLAS when its native library loads, otherwise the
 * pure-Java {@link JavaGemm}. The system property {@value #PROPERTY} forces one path:
 * {@code openblas} (fail if it cannot load) or {@code java}; unset or {@code auto} picks.
 *
 * <p>The choice is made once, on first use, in every JVM (driver and each executor), so a
 * property meant for executors must reach them, e.g. through
 * {@code spark.executor.extraJavaOptions=-Dsparkprop.blas=java}.
 *
 * <p>A job runs one kernel everywhere ({@link GemmKernel}): the driver {@link #decide}s it, and every
 * task asks for that one ({@link #forJob}), which refuses to compute with another. OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} once, when its library loads, so a JVM can run only the kernel it
 * loaded: a job pins its executors' before they start ({@code spark.executorEnv.OPENBLAS_CORETYPE}).
 * A job of {@code math.precision = bf16} runs oneDNN's bf16 products instead, checked the same way
 * ({@link Bf16Support}).
 */
public final class Kernels {

  /** System property that forces a GEMM path: {@code openblas}, {@code java} or {@code auto}. */
  public static final String PROPERTY = "sparkprop.blas";

  private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);

  private Kernels() {
  }

  /** The process-wide GEMM; thread-safe, shared by all tasks of this JVM. */
  public static Gemm gemm() {
    return choice().gemm();
  }

  /** Which code path {@link #gemm()} runs, for logs and reports, e.g. "OpenBLAS 0.3.31 (...)". */
  public static String description() {
    Choice c = choice();
    return c.fallbackReason() == null
        ? c.gemm().name()
        : c.gemm().name() + "; OpenBLAS unavailable: " + c.fallbackReason();
  }

  /** Why OpenBLAS could not load in this JVM (the pure-Java GEMM then runs), or null. */
  public static String fallbackReason() {
    return choice().fallbackReason();
  }

  /**
   * The kernel this JVM's {@link #gemm()} runs: OpenBLAS's core name (e.g. "Haswell") or
   * {@link GemmKernel#PORTABLE_NAME} for the pure-Java GEMM. Loads the native library if needed.
   */
  public static String loadedKernel() {
    Gemm g = gemm();
    return g instanceof OpenBlasGemm o ? o.coreName() : GemmKernel.PORTABLE_NAME;
  }

  /**
   * The job's kernel, decided on the driver: {@code auto} is the kernel this JVM loads (the
   * pure-Java one where OpenBLAS cannot load), {@code portable} the pure-Java one, any other the
   * OpenBLAS core type it names (not checked here: the driver's CPU need not be the executors').
   */
  public static String decide(GemmKernel setting) {
    switch (setting) {
      case AUTO:
        return loadedKernel();
      case PORTABLE:
        return GemmKernel.PORTABLE_NAME;
      default:
        return setting.coreType();
    }
  }

  /**
   * The job's kernel for a precision: {@link #decide(GemmKernel)} for float32; for bf16 the oneDNN
   * kernel of this JVM's CPU ({@link Bf16Support#decide}), which only {@code math.kernel = auto} asks
   * for: the other settings name float32 GEMMs (OpenBLAS's kernels, the pure-Java one).
   *
   * @throws IllegalArgumentException for bf16 with a kernel other than auto
   * @throws KernelMismatchException  for bf16 on a JVM whose CPU cannot form bf16 products
   */
  public static String decide(GemmKernel setting, Precision precision) {
    if (precision == Precision.FP32) return decide(setting);
    if (setting != GemmKernel.AUTO) {
      throw new IllegalArgumentException("math.precision = bf16 computes with oneDNN's bf16 products, not with a"
          + " float32 kernel: math.kernel = " + setting.configName() + " names one. Set math.kernel = auto with"
          + " math.precision = bf16, or math.precision = fp32 to keep math.kernel = " + setting.configName());
    }
    return Bf16Support.decide("the driver (it decides the job's kernel)");
  }

  /** Whether a decided kernel is an OpenBLAS core type (and so pinned by {@code OPENBLAS_CORETYPE}). */
  public static boolean isNative(String kernel) {
    return !GemmKernel.PORTABLE_NAME.equals(kernel) && !Bf16Support.isBf16Kernel(kernel);
  }

  private static final Gemm PORTABLE = new JavaGemm();

  /**
   * The GEMM of the job's {@code kernel} in this JVM: the pure-Java one for {@code portable}, else
   * the process's OpenBLAS if it loaded exactly that kernel.
   *
   * @param where this JVM's host (and executor) for the message
   * @throws KernelMismatchException naming {@code where}, the kernel this JVM runs and the job's
   */
  public static Gemm forJob(String kernel, String where) {
    if (Bf16Support.isBf16Kernel(kernel)) return Bf16Support.forJob(kernel, where);
    if (!isNative(kernel)) return PORTABLE;
    String loaded = loadedKernel();
    if (!loaded.equalsIgnoreCase(kernel)) {
      throw KernelMismatchException.onHost(where, loaded, kernel, GemmKernel.PORTABLE_NAME.equals(loaded)
          ? "OpenBLAS is not available here: " + description()
          : "OpenBLAS reads OPENBLAS_CORETYPE when it loads, and loaded " + loaded + " here (the variable was "
              + (System.getenv("OPENBLAS_CORETYPE") == null ? "unset" : "\"" + System.getenv("OPENBLAS_CORETYPE") + "\"")
              + "; a CPU without the kernel's instructions also falls back)");
    }
    return gemm();
  }

  /**
   * The kernel a task that asked {@link #forJob} for {@code kernel} computes with, as it will
   * record it: the pure-Java one, or the kernel this JVM's OpenBLAS loaded.
   */
  public static String runningKernel(String kernel) {
    if (Bf16Support.isBf16Kernel(kernel)) return Bf16Support.running();
    return isNative(kernel) ? loadedKernel() : GemmKernel.PORTABLE_NAME;
  }

  private static volatile Choice chosen;
  private static RuntimeException failure; // guarded by Kernels.class

  /**
   * Chooses on first use, so that the native library is loaded only when a kernel is wanted, and
   * exactly once. Not a lazy holder class: a failed class initialisation would turn every later
   * call into a bare NoClassDefFoundError, while this repeats the original, explicit error.
   */
  private static Choice choice() {
    Choice c = chosen;
    if (c != null) return c;
    synchronized (Kernels.class) {
      if (chosen != null) return chosen;
      if (failure != null) throw new IllegalStateException(failure.getMessage(), failure);
      try {
        chosen = select(System.getProperty(PROPERTY), OpenBlasGemm::new);
        return chosen;
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
  }

  /** The chosen implementation and, if OpenBLAS was wanted but failed, why. */
  record Choice(Gemm gemm, String fallbackReason) {
  }

  /**
   * Picks an implementation for a property value; {@code loadNative} is how OpenBLAS is obtained
   * (a parameter so tests can simulate a platform without the native library).
   *
   * @throws IllegalArgumentException for an unknown property value
   * @throws IllegalStateException if {@code openblas} is forced and cannot be loaded
   */
  static Choice select(String mode, Supplier<? extends Gemm> loadNative) {
    String m = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
    switch (m) {
      case "java":
        LOG.info("GEMM: pure Java, forced by -D{}=java", PROPERTY);
        return new Choice(new JavaGemm(), null);
      case "openblas":
        try {
          return new Choice(loadNative.get(), null);
        } catch (LinkageError | RuntimeException e) {
          throw new IllegalStateException("-D" + PROPERTY + "=openblas but the OpenBLAS native library"
              + " cannot be loaded on " + platform() + ": " + reason(e)
              + " (unset the property or use -D" + PROPERTY + "=java to run the pure-Java path)", e);
        }
      case "":
      case "auto":
        try {
          return new Choice(loadNative.get(), null);
        } catch (LinkageError | RuntimeException e) {
          // LinkageError covers UnsatisfiedLinkError (no library for this platform),
          // ExceptionInInitializerError and NoClassDefFoundError (presets jar missing or a
          // previous failed load); a RuntimeException comes from JavaCPP's loader itself.
          String why = reason(e);
          LOG.warn("OpenBLAS native library cannot be loaded on {} ({}); using the pure-Java GEMM,"
              + " whose products are 30 to 100 times slower (SgemmBenchmark). Set -D{}=java to silence"
              + " this warning.",
              platform(), why, PROPERTY);
          LOG.debug("OpenBLAS load failure", e);
          return new Choice(new JavaGemm(), why);
        }
      default:
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + mode
            + " is not one of: openblas, java, auto");
    }
  }

  private static String reason(Throwable e) {
    // The root cause names the missing library or class; the wrappers above it say little.
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String msg = root.getMessage();
    return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  private static String platform() {
    return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
  }
}
