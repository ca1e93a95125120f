package org.sparkprop.spark;

import org.apache.spark.TaskContext;

/**
 * A fault hook for tests of task retries: when the driver sets the local property
 * {@value #FAIL_FIRST_ATTEMPT_EVERY} to K, the first attempt of every task whose
 * (round + partition) is a multiple of K throws, and Spark retries it. Unset in normal runs.
 */
public final class TestFaults {
  public static final String FAIL_FIRST_ATTEMPT_EVERY = "sparkprop.test.failFirstAttemptEvery";

  private TestFaults() {
  }

  static void maybeFail(long round) {
    TaskContext ctx = TaskContext.get();
    if (ctx == null) return;
    String every = ctx.getLocalProperty(FAIL_FIRST_ATTEMPT_EVERY);
    if (every == null || ctx.attemptNumber() > 0) return;
    long k = Long.parseLong(every);
    if ((round + ctx.partitionId()) % k == 0) {
      throw new IllegalStateException("injected test failure: round " + round + ", partition " + ctx.partitionId()
          + ", attempt " + ctx.attemptNumber());
    }
  }
}
