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
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.Kernels;
import org.sparkprop.spark.Execution;
import org.sparkprop.spark.SparkGradientSource;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.InProcessGradientSource;
import org.sparkprop.train.PartitionWorkers;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingState;

/**
 * The {@code fixedcost} workload: a round's fixed cost (everything but the slowest task's compute)
 * at several global batch sizes on the syn data, for three ways of running the same rounds, in
 * rotating blocks of rounds so all see the same load: Spark-job rounds as they run now under
 * {@code train.execution = spark} ("after"), the same rounds run the way they ran before (the job
 * over the cached rows' own RDD, its lineage in every task binary, broadcasts in Spark's 4 MB
 * pieces: "before"), and, in local mode, the rounds {@code auto} runs there: on the local master's
 * cores as driver threads over the cached blocks themselves, without a Spark job ("driverThreads").
 * For each: medians and means of the round and its split, the fixed share, Spark's account of the
 * job ({@link JobAnatomy}), the driver loop thread's CPU time and the JVM's garbage collections per
 * round.
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
      Map<String, Object> jobs = anatomy.medians();
      m.put("jobAnatomy", ((Number) jobs.get("jobs")).intValue() > 0 ? jobs : "no Spark job");
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
    boolean local = sc.isLocal();
    int threads = local ? Execution.localCores(sc.master()) : 1;
    // The cached blocks themselves, held once (one Spark job), as auto's local-mode rounds hold them.
    List<List<PackedBlock>> held = local ? data.packed().heldInJvm() : null;
    PartitionWorkers workers = PartitionWorkers.of(threads);
    String kernel = Kernels.decide(GemmKernel.AUTO);
    int sides = local ? 3 : 2;
    for (int batch : batches) {
      Variant before = new Variant();
      Variant after = new Variant();
      Variant onThreads = new Variant();
      for (int b = -1; b < blocks; b++) {
        for (int k = 0; k < sides; k++) {
          int side = Math.floorMod(b + k, sides); // 0 before, 1 after, 2 driver threads; each block starts with another
          boolean old = side == 0;
          GradientSource s;
          if (side == 2) {
            s = new InProcessGradientSource(held, data.packed().rows(), data.packed().targetWidth(), spec, batch, 11,
                TrainingRecipe.CHUNK_ROWS, fanIn, kernel, workers);
          } else {
            SparkGradientSource jobs = new SparkGradientSource(sc, data.packed(), spec, batch, 11,
                TrainingRecipe.CHUNK_ROWS, fanIn);
            if (old) jobs.overTheRowsLineage();
            s = jobs;
          }
          // Read by every new broadcast (the jobs' task binaries): the earlier route used Spark's 4 MB default.
          SparkEnv.get().conf().set(BLOCK_SIZE, old ? "4m" : blockSize);
          Variant v = b < 0 ? new Variant() : side == 0 ? before : side == 1 ? after : onThreads;
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
      if (local) {
        m.put("driverThreads", onThreads.figures());
        m.put("driverThreadsToAfterRoundMedian",
            Bench.round(onThreads.rounds.total.median() / after.rounds.total.median(), 3));
        m.put("driverThreadsToAfterFixedMedian", Bench.round((onThreads.rounds.total.median()
            - onThreads.rounds.compute.median()) / (after.rounds.total.median() - after.rounds.compute.median()), 3));
      }
      runs.add(m);
    }
    workers.close();
    SparkEnv.get().conf().set(BLOCK_SIZE, blockSize);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", data.packed().description());
    m.put("rows", data.packed().rows());
    m.put("network", BenchSpark.widths(spec));
    m.put("partitions", data.packed().partitions());
    m.put("before", "rounds' jobs over the cached rows' own RDD (lineage in every task binary, block locations asked per job),"
        + " broadcasts in 4 MB pieces");
    m.put("after", "Spark-job rounds as the trainer runs them under train.execution = spark: over in-JVM rows,"
        + " broadcasts in " + blockSize + " pieces");
    if (local) {
      m.put("driverThreads", "rounds as train.execution = auto runs them in local mode: on " + threads + " driver threads"
          + " over the cached blocks themselves, no Spark job a round");
    }
    m.put("runs", runs);
    m.put("target", "fixed share of a round <= 10% at batch 8192 and <= 30% at batch 1024 (local[2], steady state)");
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
  }
}
