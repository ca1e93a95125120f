package org.sparkprop.bench.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.sparkprop.bench.Samples;
import org.sparkprop.spark.compat.SparkLine;

/**
 * Where a round's Spark job spends its time outside the tasks' own work, on the driver's clock
 * (milliseconds, as Spark's listener events carry it): from the job's submission to its first task
 * launch (stage creation, task binary), the spread of the tasks' launches, each task's deserialise,
 * run and result-serialise times and the delay around them, and from the last task's end to the
 * job's end (result handling, the DAG scheduler). Medians over the jobs seen.
 */
final class JobAnatomy extends SparkListener {
  private final Map<Integer, Integer> jobOfStage = new HashMap<>();
  private final Map<Integer, Long> jobStart = new HashMap<>();
  private final Map<Integer, List<long[]>> tasksOfJob = new HashMap<>(); // {launch, finish}
  private final Samples submitToLaunch = new Samples();
  private final Samples launchSpread = new Samples();
  private final Samples lastFinishToEnd = new Samples();
  private final Samples deserialize = new Samples();
  private final Samples run = new Samples();
  private final Samples resultSerialize = new Samples();
  private final Samples gettingResult = new Samples();
  private final Samples delay = new Samples();
  private final Samples jobMs = new Samples();

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    for (Object stage : SparkLine.asJava(start.stageIds())) jobOfStage.put((Integer) stage, start.jobId());
    jobStart.put(start.jobId(), start.time());
    tasksOfJob.put(start.jobId(), new ArrayList<>());
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    TaskInfo info = end.taskInfo();
    if (m == null || info == null) return;
    Integer job = jobOfStage.get(end.stageId());
    if (job != null && tasksOfJob.containsKey(job)) tasksOfJob.get(job).add(new long[] {info.launchTime(), info.finishTime()});
    deserialize.add(m.executorDeserializeTime());
    run.add(m.executorRunTime());
    resultSerialize.add(m.resultSerializationTime());
    long getting = info.gettingResult() ? info.finishTime() - info.gettingResultTime() : 0;
    gettingResult.add(getting);
    delay.add(Math.max(0, info.finishTime() - info.launchTime() - m.executorDeserializeTime() - m.executorRunTime()
        - m.resultSerializationTime() - getting));
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd end) {
    Long started = jobStart.remove(end.jobId());
    List<long[]> tasks = tasksOfJob.remove(end.jobId());
    if (started == null || tasks == null || tasks.isEmpty()) return;
    long firstLaunch = Long.MAX_VALUE;
    long lastLaunch = 0;
    long lastFinish = 0;
    for (long[] t : tasks) {
      firstLaunch = Math.min(firstLaunch, t[0]);
      lastLaunch = Math.max(lastLaunch, t[0]);
      lastFinish = Math.max(lastFinish, t[1]);
    }
    submitToLaunch.add(firstLaunch - started);
    launchSpread.add(lastLaunch - firstLaunch);
    lastFinishToEnd.add(end.time() - lastFinish);
    jobMs.add(end.time() - started);
  }

  /** Medians in milliseconds. */
  synchronized Map<String, Object> medians() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("jobs", jobMs.size());
    t.put("jobMs", jobMs.median());
    t.put("submitToFirstLaunchMs", submitToLaunch.median());
    t.put("launchSpreadMs", launchSpread.median());
    t.put("taskDeserializeMs", deserialize.median());
    t.put("taskRunMs", run.median());
    t.put("taskResultSerializeMs", resultSerialize.median());
    t.put("taskGettingResultMs", gettingResult.median());
    t.put("taskOtherDelayMs", delay.median());
    t.put("lastTaskEndToJobEndMs", lastFinishToEnd.median());
    return t;
  }
}
