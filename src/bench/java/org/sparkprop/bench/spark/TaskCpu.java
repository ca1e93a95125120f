package org.sparkprop.bench.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.sparkprop.spark.compat.SparkLine;

/**
 * CPU time of tasks, per job, as Spark's task metrics report it (thread CPU time of the task, native
 * BLAS calls on that thread included). On a shared machine wall time says how busy the neighbours
 * were; rows per task-CPU-second compares two trainers' work per row whatever the load.
 */
final class TaskCpu extends SparkListener {
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> cpuNanosOfJob = new ConcurrentHashMap<>();
  private final AtomicLong totalCpuNanos = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    for (Object stage : SparkLine.asJava(start.stageIds())) {
      jobOfStage.put((Integer) stage, start.jobId());
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m == null) return;
    long cpu = m.executorCpuTime() + m.executorDeserializeCpuTime();
    totalCpuNanos.addAndGet(cpu);
    tasks.incrementAndGet();
    Integer job = jobOfStage.get(end.stageId());
    if (job != null) cpuNanosOfJob.computeIfAbsent(job, j -> new AtomicLong()).addAndGet(cpu);
  }

  /** Waits until Spark has delivered every event posted so far to the listeners. */
  static void drain(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
    }
  }

  double totalCpuSeconds() {
    return totalCpuNanos.get() / 1e9;
  }

  long tasks() {
    return tasks.get();
  }

  double jobCpuSeconds(int jobId) {
    AtomicLong v = cpuNanosOfJob.get(jobId);
    return v == null ? 0 : v.get() / 1e9;
  }
}
