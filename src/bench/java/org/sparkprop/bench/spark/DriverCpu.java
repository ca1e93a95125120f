package org.sparkprop.bench.spark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the driver JVM's threads between two snapshots, by thread role. Wall time on a shared
 * machine grows with every process queued for the cores; a thread's CPU time grows only with the work
 * it does. The driver threads a round waits for one after another (the critical path) are: the
 * training loop's own thread (broadcast, merge, optimizer step), the DAG scheduler's event loop (stage
 * and task set creation, task completion), the RPC dispatcher (the scheduler backend: task launch and
 * serialisation, status updates), the task-result getters (result deserialisation) and the network
 * threads (RPC and block transfer: task launch messages, results, broadcast pieces). Listener threads
 * and the in-JVM master and workers of a {@code local-cluster} run beside the round, not in it.
 */
final class DriverCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One moment's CPU nanoseconds per live thread, its name, and the whole process's CPU time. */
  record Snapshot(Map<Long, Long> cpuNanos, Map<Long, String> names, long processCpuNanos, long loopThread) {
  }

  private DriverCpu() {
  }

  /** The CPU time so far of every live thread; the calling thread is the training loop's. */
  static Snapshot take() {
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) THREADS.setThreadCpuTimeEnabled(true);
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) continue; // ended since the list was taken
      long t = THREADS.getThreadCpuTime(info.getThreadId());
      if (t < 0) continue;
      cpu.put(info.getThreadId(), t);
      names.put(info.getThreadId(), info.getThreadName());
    }
    long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
    return new Snapshot(cpu, names, process, Thread.currentThread().getId());
  }

  /**
   * Milliseconds of CPU per role between two snapshots (a thread born in between counts from zero;
   * one that ended in between is lost, which the round's threads, long-lived pools, are not), and
   * the sum over the roles on the critical path.
   */
  static Map<String, Object> between(Snapshot before, Snapshot after, double perRounds) {
    Map<String, Double> byRole = new TreeMap<>();
    Map<String, Double> byName = new TreeMap<>();
    for (Map.Entry<Long, Long> e : after.cpuNanos().entrySet()) {
      long used = e.getValue() - before.cpuNanos().getOrDefault(e.getKey(), 0L);
      if (used <= 0) continue;
      String name = after.names().get(e.getKey());
      String role = e.getKey() == after.loopThread() ? "loop" : roleOf(name);
      byRole.merge(role, used / 1e6, Double::sum);
      byName.merge(withoutNumbers(name), used / 1e6, Double::sum);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    double critical = 0;
    Map<String, Object> roles = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : byRole.entrySet()) {
      roles.put(e.getKey(), Bench.round(e.getValue() / perRounds, 3));
      if (onCriticalPath(e.getKey())) critical += e.getValue();
    }
    out.put("criticalPathCpuMsPerRound", Bench.round(critical / perRounds, 3));
    // Of which on threads that are one of their kind (the DAG scheduler, the scheduler backend's and
    // the block manager master's endpoints, the loop): serial whatever the driver's cores; the
    // network and result-getter pools spread over them.
    double single = byRole.getOrDefault("dagScheduler", 0.0) + byRole.getOrDefault("dispatcher", 0.0)
        + byRole.getOrDefault("loop", 0.0);
    out.put("singleThreadCpuMsPerRound", Bench.round(single / perRounds, 3));
    out.put("cpuMsPerRoundByRole", roles);
    Map<String, Object> threads = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : byName.entrySet()) {
      if (e.getValue() / perRounds >= 0.01) threads.put(e.getKey(), Bench.round(e.getValue() / perRounds, 3));
    }
    out.put("cpuMsPerRoundByThread", threads);
    if (before.processCpuNanos() >= 0 && after.processCpuNanos() >= 0) {
      out.put("processCpuMsPerRound", Bench.round((after.processCpuNanos() - before.processCpuNanos()) / 1e6 / perRounds, 3));
    }
    return out;
  }

  /** The role of a driver thread, from the names Spark gives its threads. */
  static String roleOf(String name) {
    if (name.startsWith("dag-scheduler-event-loop")) return "dagScheduler";
    if (name.startsWith("task-result-getter")) return "resultGetter";
    if (name.startsWith("dispatcher-")) return "dispatcher";
    if (name.startsWith("rpc-") || name.startsWith("shuffle-") || name.startsWith("netty-") || name.startsWith("block-")) {
      return "network";
    }
    if (name.startsWith("spark-listener-group")) return "listeners";
    return "other";
  }

  static boolean onCriticalPath(String role) {
    return switch (role) {
      case "loop", "dagScheduler", "resultGetter", "dispatcher", "network" -> true;
      default -> false;
    };
  }

  /** A pool's threads under one name: "task-result-getter-3" and "rpc-server-4-1" lose their numbers. */
  static String withoutNumbers(String name) {
    return name.replaceAll("(-\\d+)+$", "").replaceAll("\\d+$", "#");
  }
}
