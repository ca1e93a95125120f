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
