package org.sparkprop.testing;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The JVMs the cluster tier starts. Each is stopped by the fixture that started it; a shutdown
 * hook kills any still running when the test JVM exits (a test that failed half-way, a Ctrl-C),
 * so no master, worker, executor or driver outlives the build.
 */
public final class ChildProcesses {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "sparkprop-child-reaper"));
  }

  private ChildProcesses() {
  }

  /** Starts {@code builder}'s command and registers the process. */
  public static Process start(ProcessBuilder builder) throws IOException {
    Process p = builder.start();
    LIVE.add(p);
    return p;
  }

  /**
   * Kills {@code p} and every process it started (a worker's executors), and waits for them.
   * The descendants are listed before the parent dies (afterwards they are re-parented and no
   * longer found); the parent is killed first so that a worker cannot relaunch an executor.
   */
  public static void stop(Process p) {
    stopTree(p.toHandle());
    LIVE.remove(p);
  }

  /** Kills a process tree by handle: SIGKILL, the parent first, then each descendant. */
  public static void stopTree(ProcessHandle root) {
    List<ProcessHandle> children = root.descendants().toList();
    root.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    awaitExit(root);
    children.forEach(ChildProcesses::awaitExit);
  }

  private static void awaitExit(ProcessHandle h) {
    try {
      h.onExit().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("process " + h.pid() + " did not exit within 20 s of SIGKILL: " + e);
    }
  }

  private static void stopAll() {
    for (Process p : LIVE) {
      stopTree(p.toHandle());
    }
    LIVE.clear();
  }
}
