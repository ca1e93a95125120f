package org.sparkprop.bench.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.sparkprop.bench.Samples;

/**
 * Where a task's time goes, from Spark's own task metrics (the same split as the Spark UI's task
 * table): deserialising the task, running it, serialising its result, and the scheduler delay (the
 * rest of the task's life on the driver's clock: launch, result message, driver-side handling).
 */
final class TaskTimes extends SparkListener {
  private final Samples deserialize = new Samples();
  private final Samples run = new Samples();
  private final Samples resultSerialize = new Samples();
  private final Samples schedulerDelay = new Samples();
  private final Samples resultBytes = new Samples();

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    TaskInfo info = end.taskInfo();
    if (m == null || info == null) return;
    deserialize.add(m.executorDeserializeTime());
    run.add(m.executorRunTime());
    resultSerialize.add(m.resultSerializationTime());
    long gettingResult = info.gettingResult() ? info.finishTime() - info.gettingResultTime() : 0;
    long duration = info.finishTime() - info.launchTime();
    schedulerDelay.add(Math.max(0, duration - m.executorDeserializeTime() - m.executorRunTime()
        - m.resultSerializationTime() - gettingResult));
    resultBytes.add(m.resultSize());
  }

  synchronized Map<String, Object> medians() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("tasks", run.size());
    t.put("deserializeMs", deserialize.median());
    t.put("runMs", run.median());
    t.put("resultSerializeMs", resultSerialize.median());
    t.put("schedulerDelayMs", schedulerDelay.median());
    t.put("resultBytes", (long) resultBytes.median());
    return t;
  }
}
