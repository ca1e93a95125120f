package org.sparkprop.bench.spark;

import org.sparkprop.config.TrainingRecipe;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * The {@code scale} workload: epoch time as the number of rows grows (it should grow linearly:
 * the same rounds, each the same cost, and as many more rounds as rows), and round time over many
 * rounds (it should stay flat: every round's broadcast is destroyed, nothing accumulates).
 */
public final class ScaleBench {
  private ScaleBench() {
  }

  public static Map<String, Object> epochs(JavaSparkContext sc, long[] sizes, int[] widths, int batch, int partitions,
                                           int fanIn, long warmupRounds) {
    NetworkSpec spec = BenchSpark.mlp(widths);
    double loadStart = Machine.loadAverage();
    List<Map<String, Object>> runs = new ArrayList<>();
    // The driver's Spark code paths (scheduler, task launch, result handling) run a few times per
    // round, so the JIT needs thousands of rounds to compile them: round time falls ~3x over the
    // first 10,000 rounds (see flatRounds). Warm up first, or the first size measured pays for it.
    double warmupSeconds = warmUp(sc, spec, widths, partitions, warmupRounds, fanIn);
    double referenceNanosPerRow = Double.NaN;
    double referenceRoundNanos = Double.NaN;
    for (long n : sizes) {
      long g0 = System.nanoTime();
      PackedDataset data = PackedDataset.generate(sc, new SyntheticTeacher(n, widths[0], widths[widths.length - 1], 13),
          partitions, StorageLevel.MEMORY_AND_DISK());
      double generate = (System.nanoTime() - g0) / 1e9;
      try {
        SparkGradientSource source = new SparkGradientSource(sc, data, spec, batch, 17, TrainingRecipe.CHUNK_ROWS, fanIn);
        float[] init = Initializer.HE.initialise(spec, 17);
        // Warm-up long enough for the JIT and the first broadcasts, whatever the size measured next.
        TrainingLoop warm = new TrainingLoop(source, BenchSpark.sgd(20), null, null);
        warm.run(TrainingState.initial(init, warm.newOptimizer(init.length).snapshot()));
        RoundRecorder rec = new RoundRecorder();
        TrainingLoop trainer = new TrainingLoop(source, BenchSpark.sgd(source.batches().batchesPerEpoch()), null, null)
            .addListener(rec);
        TrainingResult r = trainer.run(TrainingState.initial(init, trainer.newOptimizer(init.length).snapshot()));
        double nanosPerRow = r.loopSeconds() * 1e9 / n;
        if (Double.isNaN(referenceNanosPerRow)) referenceNanosPerRow = nanosPerRow;
        double medianRoundNanos = rec.total.median();
        if (Double.isNaN(referenceRoundNanos)) referenceRoundNanos = medianRoundNanos;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", n);
        m.put("rounds", r.rounds());
        m.put("epochSeconds", Bench.round(r.loopSeconds(), 2));
        m.put("microsPerRow", Bench.round(nanosPerRow / 1e3, 3));
        m.put("perRowVsSmallest", Bench.round(nanosPerRow / referenceNanosPerRow, 3));
        // Linear in N means as many more rounds as rows, each costing the same: the median round
        // compares that per-round cost across sizes without the few slow rounds a shared machine adds.
        m.put("roundMedianMs", Bench.round(medianRoundNanos / 1e6, 2));
        m.put("roundMedianVsSmallest", Bench.round(medianRoundNanos / referenceRoundNanos, 3));
        // Compute is the tasks' own time in GradientAccumulator.add, summed over the partitions: if it grows
        // per row with N, the cost is inside the task (row reads); if "other" grows, it is outside.
        m.put("roundSplitMedianMs", rec.splitMedianMs());
        m.put("loadAverageAfter", Machine.loadAverage());
        m.put("cachedBytes", data.cachedBytes());
        m.put("generateSeconds", Bench.round(generate, 2));
        runs.add(m);
      } finally {
        data.unpersist();
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("network", BenchSpark.widths(spec));
    m.put("batch", batch);
    m.put("partitions", partitions);
    m.put("warmupRounds", warmupRounds);
    m.put("warmupSeconds", Bench.round(warmupSeconds, 1));
    m.put("epochs", runs);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
  }

  private static double warmUp(JavaSparkContext sc, NetworkSpec spec, int[] widths, int partitions, long rounds,
                               int fanIn) {
    if (rounds <= 0) return 0;
    long t0 = System.nanoTime();
    PackedDataset data = PackedDataset.generate(sc, new SyntheticTeacher(10_000, widths[0], widths[widths.length - 1], 29),
        partitions, StorageLevel.MEMORY_ONLY());
    try {
      SparkGradientSource source = new SparkGradientSource(sc, data, spec, 256, 31, TrainingRecipe.CHUNK_ROWS, fanIn);
      float[] init = Initializer.HE.initialise(spec, 31);
      TrainingLoop warm = new TrainingLoop(source, BenchSpark.sgd(rounds), null, null);
      warm.run(TrainingState.initial(init, warm.newOptimizer(init.length).snapshot()));
    } finally {
      data.unpersist();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Runs {@code rounds} rounds and compares the median round time of rounds 101-200, and of the
   * 100 rounds from the middle on, with that of the last 100, and the driver's heap after a full GC at round 100 and at the end.
   */
  public static Map<String, Object> flatRounds(JavaSparkContext sc, long rows, int[] widths, int batch, int partitions,
                                               long rounds, int fanIn) {
    NetworkSpec spec = BenchSpark.mlp(widths);
    double loadStart = Machine.loadAverage();
    PackedDataset data = PackedDataset.generate(sc, new SyntheticTeacher(rows, widths[0], widths[widths.length - 1], 19),
        partitions, StorageLevel.MEMORY_AND_DISK());
    try {
      SparkGradientSource source = new SparkGradientSource(sc, data, spec, batch, 23, TrainingRecipe.CHUNK_ROWS, fanIn);
      float[] init = Initializer.HE.initialise(spec, 23);
      Samples early = new Samples();
      Samples late = new Samples();
      Samples middle = new Samples();
      long[] heap = new long[2];
      TrainingListener probe = new TrainingListener() {
        @Override
        public void onRound(RoundEvent e) {
          long r = e.round(); // 1-based count of completed rounds
          if (r > 100 && r <= 200) early.add(e.time().totalNanos());
          if (r > rounds / 2 && r <= rounds / 2 + 100) middle.add(e.time().totalNanos());
          if (r > rounds - 100) late.add(e.time().totalNanos());
          if (r == 100) heap[0] = heapAfterGc();
        }
      };
      TrainingLoop trainer = new TrainingLoop(source, BenchSpark.sgd(rounds), null, null).addListener(probe);
      long t0 = System.nanoTime();
      trainer.run(TrainingState.initial(init, trainer.newOptimizer(init.length).snapshot()));
      double seconds = (System.nanoTime() - t0) / 1e9;
      heap[1] = heapAfterGc();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("network", BenchSpark.widths(spec));
      m.put("rows", rows);
      m.put("batch", batch);
      m.put("rounds", rounds);
      m.put("seconds", Bench.round(seconds, 1));
      m.put("rounds101to200MedianMs", Bench.round(early.medianMs(), 2));
      m.put("last100MedianMs", Bench.round(late.medianMs(), 2));
      m.put("lateVsEarly", Bench.round(late.median() / early.median(), 3));
      m.put("middle100MedianMs", Bench.round(middle.medianMs(), 2));
      // Once the JIT has compiled the driver's code paths, the test of "nothing accumulates".
      m.put("lateVsMiddle", Bench.round(late.median() / middle.median(), 3));
      m.put("driverHeapAfterGcMiB", new double[] {Bench.round(heap[0] / 1048576.0, 1), Bench.round(heap[1] / 1048576.0, 1)});
      m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
      return m;
    } finally {
      data.unpersist();
    }
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
