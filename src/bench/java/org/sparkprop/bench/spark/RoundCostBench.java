package org.sparkprop.bench.spark;

import org.sparkprop.config.TrainingRecipe;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.bench.Machine;
import org.sparkprop.bench.Samples;
import org.sparkprop.spark.PackedDataset;
import org.sparkprop.spark.SparkGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * The {@code round} workload: the fixed cost of one round of the training loop (broadcast, task
 * launch, gradient of a near-empty batch, merge, optimizer step) next to {@link SparkFloor}, on the
 * same cached partitions, in alternating blocks of rounds so that all see the same load. The floor
 * is measured twice: through {@code mapPartitions(...).collect()}, the usual API, and through
 * {@code runJob} with a named function, the route the loop itself takes ("lean floor").
 */
public final class RoundCostBench {
  private RoundCostBench() {
  }

  /**
   * @param widths      the network (its parameter count is P)
   * @param partitions  partitions of the cached data (one per core is the default of the train command)
   * @param blocks      measured blocks of each kind, after one warm-up block of each
   * @param blockRounds rounds per block
   */
  public static Map<String, Object> measure(JavaSparkContext sc, int[] widths, int partitions, int blocks,
                                            int blockRounds, int fanIn) {
    NetworkSpec spec = BenchSpark.mlp(widths);
    int p = spec.parameterCount();
    // Enough rows that every partition holds some; the batch takes one row per partition.
    PackedDataset data = PackedDataset.generate(sc, new SyntheticTeacher(4096, widths[0], widths[widths.length - 1], 3),
        partitions, StorageLevel.MEMORY_ONLY());
    double loadStart = Machine.loadAverage();
    try {
      int batch = partitions;
      SparkGradientSource source = new SparkGradientSource(sc, data, spec, batch, 5, TrainingRecipe.CHUNK_ROWS, fanIn);
      float[] init = Initializer.GLOROT.initialise(spec, 5);
      SparkFloor floor = new SparkFloor(sc, data.blocks(), p);
      RoundRecorder loop = new RoundRecorder();
      Samples floorRounds = new Samples();
      Samples leanRounds = new Samples();
      TaskTimes tasks = new TaskTimes();
      for (int b = -1; b < blocks; b++) {
        RoundRecorder rec = b < 0 ? new RoundRecorder() : loop;
        TrainingLoop trainer = new TrainingLoop(source, BenchSpark.sgd(blockRounds), null, null).addListener(rec);
        if (b >= 0) sc.sc().addSparkListener(tasks);
        trainer.run(TrainingState.initial(init, trainer.newOptimizer(p).snapshot()));
        TaskCpu.drain(sc.sc());
        sc.sc().removeSparkListener(tasks);
        for (int r = 0; r < blockRounds; r++) {
          long t = floor.round();
          if (b >= 0) floorRounds.add(t);
        }
        for (int r = 0; r < blockRounds; r++) {
          long t = floor.leanRound();
          if (b >= 0) leanRounds.add(t);
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("network", BenchSpark.widths(spec));
      m.put("parameters", p);
      m.put("partitions", data.partitions());
      m.put("batch", batch);
      m.put("rounds", loop.total.size());
      m.put("roundMedianMs", Bench.round(loop.total.medianMs(), 2));
      m.put("roundP90Ms", Bench.round(loop.total.p90Ms(), 2));
      m.put("floorMedianMs", Bench.round(floorRounds.medianMs(), 2));
      m.put("floorP90Ms", Bench.round(floorRounds.p90Ms(), 2));
      m.put("leanFloorMedianMs", Bench.round(leanRounds.medianMs(), 2));
      m.put("leanFloorP90Ms", Bench.round(leanRounds.p90Ms(), 2));
      m.put("ratioToLeanFloor", Bench.round(loop.total.median() / leanRounds.median(), 3));
      m.put("ratioToFloor", Bench.round(loop.total.median() / floorRounds.median(), 3));
      m.put("overFloorMs", Bench.round(loop.total.medianMs() - floorRounds.medianMs(), 2));
      m.put("splitMedianMs", loop.splitMedianMs());
      m.put("loopTaskMedians", tasks.medians());
      m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
      return m;
    } finally {
      data.unpersist();
    }
  }
}
