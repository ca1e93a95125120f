package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads of damaged files, each of which must either succeed (damage a format cannot see, such as
 * a changed pixel) or end in the format's own exception naming the file, allocate no more than a
 * bound derived from the file's length, and finish. Problems are collected rather than thrown at
 * the first, so that one run shows every kind of hole, each with the first case that found it.
 */
public final class UntrustedReads {
  /** A read of one damaged file (or directory). */
  @FunctionalInterface
  public interface Read {
    void run() throws Exception;
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final String format;
  private final Predicate<Throwable> refusal;
  private final long fixedBytes;
  private final long bytesPerFileByte;
  private final Map<String, String> problems = new LinkedHashMap<>();
  private final Map<String, Integer> refusedByKind = new LinkedHashMap<>();
  private final Map<String, Integer> casesByKind = new LinkedHashMap<>();
  private final Map<String, Integer> outcomes = new LinkedHashMap<>();
  private volatile String current = "(none yet)";

  /**
   * @param refusal          the format's own exception (message checked separately)
   * @param fixedBytes       allocation any read may make whatever the file (streams' buffers, a
   *                         JSON parser's tables)
   * @param bytesPerFileByte allocation a read may make per byte of the file (a parsed tree, the
   *                         arrays it fills, copies between them)
   */
  public UntrustedReads(String format, Predicate<Throwable> refusal, long fixedBytes, long bytesPerFileByte) {
    this.format = format;
    this.refusal = refusal;
    this.fixedBytes = fixedBytes;
    this.bytesPerFileByte = bytesPerFileByte;
  }

  /**
   * Runs one case. {@code kind} groups cases for the report (e.g. "truncation"); {@code mustName}
   * is the name of the file or directory that a refusal's message must contain.
   */
  public void check(String kind, int caseNumber, long fileBytes, String mustName, Read read) {
    current = kind + " #" + caseNumber;
    casesByKind.merge(kind, 1, Integer::sum);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Throwable thrown = null;
    try {
      read.run();
    } catch (Throwable t) {
      thrown = t;
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    long bound = fixedBytes + bytesPerFileByte * fileBytes;
    if (allocated > bound) {
      problem("allocation", kind, caseNumber, "allocated " + allocated + " bytes reading a " + fileBytes
          + "-byte file, above the bound of " + bound + (thrown == null ? "" : " (then threw " + thrown + ")"));
    }
    outcomes.merge(thrown == null ? "read" : thrown.getClass().getSimpleName(), 1, Integer::sum);
    if (thrown == null) {
      return;
    }
    if (!refusal.test(thrown)) {
      StackTraceElement top = thrown.getStackTrace().length == 0 ? null : thrown.getStackTrace()[0];
      problem(thrown.getClass().getName() + " at " + top, kind, caseNumber, String.valueOf(thrown));
    } else if (thrown.getMessage() == null || !thrown.getMessage().contains(mustName)) {
      problem("message without the file", kind, caseNumber, thrown.getMessage());
    } else {
      refusedByKind.merge(kind, 1, Integer::sum);
    }
  }

  public String current() {
    return current;
  }

  /** Cases refused with the format's exception, per kind of damage. */
  public Map<String, Integer> refusedByKind() {
    return refusedByKind;
  }

  /** How the cases ended: "read", or the simple name of the exception. */
  public Map<String, Integer> outcomes() {
    return outcomes;
  }

  public Map<String, Integer> casesByKind() {
    return casesByKind;
  }

  /** Fails listing every kind of problem found, with the first case of each. */
  public void assertNoProblems() {
    if (problems.isEmpty()) {
      return;
    }
    List<String> lines = new ArrayList<>();
    problems.forEach((what, first) -> lines.add(what + ": first " + first));
    fail(format + ": " + problems.size() + " kinds of problem in " + casesByKind + " (outcomes " + outcomes + "):\n  "
        + String.join("\n  ", lines));
  }

  private void problem(String what, String kind, int caseNumber, String detail) {
    problems.putIfAbsent(what, kind + " #" + caseNumber + ": " + detail);
  }
}
