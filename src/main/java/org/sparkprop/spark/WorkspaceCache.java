package org.sparkprop.spark;

import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * One forward/backward workspace per executor thread, reused across rounds: Spark runs tasks on
 * pooled threads, so a thread-local keeps the scratch of a busy executor at one workspace per core
 * instead of one allocation per task per round.
 */
final class WorkspaceCache {
  private static final ThreadLocal<Entry> CACHE = new ThreadLocal<>();

  private record Entry(NetworkSpec spec, int targetWidth, int capacity, Workspace workspace) {
  }

  private WorkspaceCache() {
  }

  static Workspace get(NetworkSpec spec, int targetWidth, int capacity) {
    Entry e = CACHE.get();
    if (e == null || e.capacity != capacity || e.targetWidth != targetWidth || !e.spec.equals(spec)) {
      e = new Entry(spec, targetWidth, capacity, new Workspace(spec, targetWidth, capacity));
      CACHE.set(e);
    }
    return e.workspace;
  }
}
