package org.sparkprop.train;

import java.util.ArrayList;
import java.util.List;

/**
 * A request from outside the training loop to end the run at the next round boundary: set by
 * another thread (a signal handler, a cancelled job), read by the loop before every round. Only the
 * first request counts; its reason is what the run reports.
 */
public final class StopRequest {
  private volatile String reason; // null while nobody asked
  private final List<Runnable> actions = new ArrayList<>();

  /** Asks the loop to stop, and runs the actions; returns false when a stop had already been asked for. */
  public boolean request(String why) {
    List<Runnable> toRun;
    synchronized (this) {
      if (reason != null) return false;
      reason = why;
      toRun = List.copyOf(actions);
    }
    for (Runnable action : toRun) action.run();
    return true;
  }

  /**
   * Runs {@code action} when a stop is requested (at once if it already was): for work that has no
   * round boundary to wait for, such as cancelling a job that writes predictions.
   */
  public void whenRequested(Runnable action) {
    synchronized (this) {
      if (reason == null) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  public boolean requested() {
    return reason != null;
  }

  /** Why the stop was asked for, e.g. {@code SIGTERM}; null while none was. */
  public String reason() {
    return reason;
  }
}
