package org.sparkprop.train;

/**
 * A request from outside the training loop to end the run at the next round boundary: set by
 * another thread (a signal handler, a cancelled job), read by the loop before every round. Only the
 * first request counts; its reason is what the run reports.
 */
public final class StopRequest {
  private volatile String reason; // null while nobody asked

  /** Asks the loop to stop; returns false when a stop had already been asked for. */
  public synchronized boolean request(String why) {
    if (reason != null) return false;
    reason = why;
    return true;
  }

  public boolean requested() {
    return reason != null;
  }

  /** Why the stop was asked for, e.g. {@code SIGTERM}; null while none was. */
  public String reason() {
    return reason;
  }
}
