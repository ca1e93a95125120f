package org.sparkprop.bench.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.bench.Machine;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.PackedDataset;
import org.sparkprop.spark.SparkGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * The driver's CPU time per round of the training loop (near-empty batch, one partition per
 * executor), by thread ({@link DriverCpu}), beside the round's wall time and the executors' task CPU
 * time as Spark reports it. Only the loop's rounds run between the two snapshots (no floor jobs),
 * after a warm-up block, so the CPU per round divided by the tasks per round is the driver's serial
 * work per task, whatever the neighbours do to the wall time.
 */
final class DriverCpuRounds {
  private DriverCpuRounds() {
  }

  static Map<String, Object> measure(JavaSparkContext sc, int[] widths, int partitions, int rounds, int fanIn) {
    NetworkSpec spec = BenchSpark.mlp(widths);
    int p = spec.parameterCount();
    PackedDataset data = PackedDataset.generate(sc, new SyntheticTeacher(4096, widths[0], widths[widths.length - 1], 3),
        partitions, StorageLevel.MEMORY_ONLY());
    double loadStart = Machine.loadAverage();
    try {
      SparkGradientSource source = new SparkGradientSource(sc, data, spec, partitions, 5, TrainingRecipe.CHUNK_ROWS, fanIn);
      float[] init = Initializer.GLOROT.initialise(spec, 5);
      for (int pass = 0; pass < 2; pass++) { // a warm-up pass (class loading, JIT), then the measured one
        RoundRecorder rec = new RoundRecorder();
        TaskCpu tasks = new TaskCpu();
        TrainingLoop trainer = new TrainingLoop(source, BenchSpark.sgd(rounds), null, null).addListener(rec);
        TaskCpu.drain(sc.sc());
        sc.sc().addSparkListener(tasks);
        DriverCpu.Snapshot before = DriverCpu.take();
        long t0 = System.nanoTime();
        trainer.run(TrainingState.initial(init, trainer.newOptimizer(p).snapshot()));
        long wall = System.nanoTime() - t0;
        DriverCpu.Snapshot after = DriverCpu.take();
        TaskCpu.drain(sc.sc());
        sc.sc().removeSparkListener(tasks);
        if (pass == 0) continue;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", BenchSpark.widths(spec));
        m.put("parameters", p);
        m.put("partitions", data.partitions());
        m.put("rounds", rec.total.size());
        m.put("tasksPerRound", Bench.round((double) tasks.tasks() / rec.total.size(), 2));
        m.put("roundMeanMs", Bench.round(wall / 1e6 / rec.total.size(), 2));
        m.put("roundMedianMs", Bench.round(rec.total.medianMs(), 2));
        m.putAll(DriverCpu.between(before, after, rec.total.size()));
        m.put("executorTaskCpuMsPerTask", Bench.round(tasks.totalCpuSeconds() * 1e3 / Math.max(1, tasks.tasks()), 3));
        m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
        return m;
      }
      throw new AssertionError("unreachable");
    } finally {
      data.unpersist();
    }
  }
}
