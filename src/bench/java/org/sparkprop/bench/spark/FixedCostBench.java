package org.sparkprop.bench.spark;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.bench.Machine;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.SparkGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * The {@code fixedcost} workload: a round's fixed cost (everything but the slowest task's compute)
 * at several global batch sizes on the syn data, for the rounds as they run now ("after") and for
 * the same rounds run the way they ran before (the job over the cached rows' own RDD, its lineage
 * in every task binary, broadcasts in Spark's 4 MB pieces: "before"), in alternating blocks of
 * rounds so both see the same load. For each: medians and means of the round and its split, the
 * fixed share, Spark's account of the job ({@link JobAnatomy}), the driver loop thread's CPU time
 * and the JVM's garbage collections per round.
 */
public final class FixedCostBench {
  private static final String BLOCK_SIZE = "spark.broadcast.blockSize";

  private FixedCostBench() {
  }

  /** Collections and milliseconds spent collecting, over every collector of this JVM so far. */
  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, b.getCollectionCount());
      millis += Math.max(0, b.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /** A variant's records over its blocks. */
  private static final class Variant {
    final RoundRecorder rounds = new RoundRecorder();
    final JobAnatomy anatomy = new JobAnatomy();
    long driverCpuNanos;
    long gcCount;
    long gcMillis;

    Map<String, Object> figures() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rounds", rounds.total.size());
      m.put("roundMedianMs", Bench.round(rounds.total.medianMs(), 2));
      m.put("roundMeanMs", Bench.round(rounds.total.mean() / 1e6, 2));
      m.put("splitMedianMs", rounds.splitMedianMs());
      m.put("fixedMedianMs", Bench.round(rounds.total.medianMs() - rounds.compute.medianMs(), 2));
      m.put("fixedShareOfMedianRound", Bench.round(1 - rounds.compute.median() / rounds.total.median(), 3));
      m.put("fixedShareOfMeanRound", Bench.round(1 - rounds.compute.mean() / rounds.total.mean(), 3));
      m.put("driverLoopCpuMsPerRound", Bench.round(driverCpuNanos / 1e6 / Math.max(1, rounds.total.size()), 3));
      m.put("gcCollectionsPer100Rounds", Bench.round(100.0 * gcCount / Math.max(1, rounds.total.size()), 2));
      m.put("gcMsPerRound", Bench.round((double) gcMillis / Math.max(1, rounds.total.size()), 3));
      m.put("jobAnatomy", anatomy.medians());
      return m;
    }
  }

  /**
   * @param blocks      measured blocks of each variant (after one warm-up block of each)
   * @param blockRounds rounds per block
   */
  public static Map<String, Object> measure(JavaSparkContext sc, SynBench.Data data, int[] widths, int[] batches,
                                            int blocks, int blockRounds, int fanIn) {
    NetworkSpec spec = BenchSpark.mlp(widths);
    float[] init = Initializer.HE.initialise(spec, 11);
    double loadStart = Machine.loadAverage();
    String blockSize = SparkEnv.get().conf().get(BLOCK_SIZE, "4m");
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int batch : batches) {
      Variant before = new Variant();
      Variant after = new Variant();
      for (int b = -1; b < blocks; b++) {
        for (boolean old : new boolean[] {b % 2 == 0, b % 2 != 0}) {
          SparkGradientSource s = new SparkGradientSource(sc, data.packed(), spec, batch, 11, TrainingRecipe.CHUNK_ROWS,
              fanIn);
          if (old) s.overTheRowsLineage();
          // Read by every new broadcast (the jobs' task binaries): the earlier route used Spark's 4 MB default.
          SparkEnv.get().conf().set(BLOCK_SIZE, old ? "4m" : blockSize);
          Variant v = b < 0 ? new Variant() : old ? before : after;
          TrainingLoop loop = new TrainingLoop(s, BenchSpark.sgd(blockRounds), null, null).addListener(v.rounds);
          TaskCpu.drain(sc.sc());
          sc.sc().addSparkListener(v.anatomy);
          long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
          long[] gc0 = gc();
          // Each block starts from the same weights at the same batches: both variants do the same work.
          loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot()));
          v.driverCpuNanos += ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
          long[] gc1 = gc();
          v.gcCount += gc1[0] - gc0[0];
          v.gcMillis += gc1[1] - gc0[1];
          TaskCpu.drain(sc.sc());
          sc.sc().removeSparkListener(v.anatomy);
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batch", batch);
      m.put("blocksOfEach", blocks);
      m.put("blockRounds", blockRounds);
      m.put("before", before.figures());
      m.put("after", after.figures());
      m.put("afterToBeforeRoundMedian", Bench.round(after.rounds.total.median() / before.rounds.total.median(), 3));
      m.put("afterToBeforeFixedMedian", Bench.round((after.rounds.total.median() - after.rounds.compute.median())
          / (before.rounds.total.median() - before.rounds.compute.median()), 3));
      runs.add(m);
    }
    SparkEnv.get().conf().set(BLOCK_SIZE, blockSize);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", data.packed().description());
    m.put("rows", data.packed().rows());
    m.put("network", BenchSpark.widths(spec));
    m.put("partitions", data.packed().partitions());
    m.put("before", "rounds' jobs over the cached rows' own RDD (lineage in every task binary, block locations asked per job),"
        + " broadcasts in 4 MB pieces");
    m.put("after", "as the trainer runs them now: over in-JVM rows, broadcasts in " + blockSize + " pieces");
    m.put("runs", runs);
    m.put("target", "fixed share of a round <= 10% at batch 8192 and <= 30% at batch 1024 (local[2], steady state)");
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
  }
}
