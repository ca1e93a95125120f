package org.sparkprop.math;

/**
 * A GEMM kernel other than the job's: a JVM that cannot compute with the job's kernel computes
 * nothing, and the driver merges no result computed with another, since either would change the
 * bits. The message names the host, its kernel and the job's.
 */
public final class KernelMismatchException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private static final String ADVICE = ". A job runs one kernel on every host, so that its bits do not depend on where a"
      + " task runs: set math.kernel to one every host can run (math.kernel = portable runs everywhere), or run the"
      + " job on hosts that can run ";

  private KernelMismatchException(String message) {
    super(message);
  }

  /** {@code where} runs {@code runs} and so cannot compute for a job of kernel {@code job}, because {@code why}. */
  public static KernelMismatchException onHost(String where, String runs, String job, String why) {
    return new KernelMismatchException(where + " runs the GEMM kernel " + runs + ", not this job's kernel " + job
        + " (" + why + ")" + ADVICE + job);
  }

  /** A JVM that cannot compute the job's kernel at all, e.g. a bf16 job's; {@code message} names it and why. */
  public static KernelMismatchException refused(String message) {
    return new KernelMismatchException(message);
  }

  /** A task result, computed on {@code host} with {@code its}, offered to a job of kernel {@code job}. */
  public static KernelMismatchException inResult(String which, String host, String its, String job) {
    return new KernelMismatchException("refusing to merge the gradient of " + which + ": it was computed on " + host
        + " with the GEMM kernel " + its + ", not this job's kernel " + job + ADVICE + job);
  }
}
