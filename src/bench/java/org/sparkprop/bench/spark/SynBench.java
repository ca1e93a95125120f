package org.sparkprop.bench.spark;

import org.sparkprop.config.TrainingRecipe;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.bench.Machine;
import org.sparkprop.spark.Execution;
import org.sparkprop.spark.PackedDataset;
import org.sparkprop.spark.SparkGradientSource;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.InProcessGradientSource;
import org.sparkprop.train.PartitionWorkers;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * The {@code syn} and {@code memory} workloads: training throughput (rows per second of the round
 * loop) on the synthetic teacher data at several global batch sizes, and the cached size of the
 * packed data against its float32 size.
 *
 * <p>Rounds run by the route a user's {@code train} takes under {@code train.execution = auto}
 * ({@link Route#AUTO}): in local mode, on the local master's cores as driver threads over the cached
 * blocks themselves, no Spark job a round ({@link Execution}); elsewhere as Spark jobs. The Spark-job
 * route ({@link Route#SPARK_JOBS}, {@code train.execution = spark}) is measured beside it.
 */
public final class SynBench {
  private SynBench() {
  }

  /** Which of the trainer's two ways of running a round a measurement takes. */
  public enum Route {
    /** What {@code train.execution = auto} runs: driver threads over the held blocks in local mode, else Spark jobs. */
    AUTO,
    /** What {@code train.execution = spark} runs: one Spark job a round. */
    SPARK_JOBS;

    /** Whether the rounds run on driver threads under {@code sc}'s master. */
    boolean onDriverThreads(JavaSparkContext sc) {
      return this == AUTO && sc.isLocal();
    }

    /** The JSON lines' words for it. */
    String describe(JavaSparkContext sc) {
      if (onDriverThreads(sc)) {
        return "train.execution = auto (local mode): rounds on " + Execution.localCores(sc.master())
            + " driver threads over the cached blocks held by reference, no Spark job a round";
      }
      return (this == AUTO ? "train.execution = auto (not local mode)" : "train.execution = spark")
          + ": one Spark job a round (broadcast, tasks, tree-aggregated gradients)";
    }
  }

  /** Synthetic data packed and cached once, shared by the syn and memory workloads. */
  public record Data(PackedDataset packed, double generateSeconds) {
  }

  public static Data generate(JavaSparkContext sc, long rows, int features, int classes, int partitions) {
    long t0 = System.nanoTime();
    PackedDataset packed = PackedDataset.generate(sc, new SyntheticTeacher(rows, features, classes, 7), partitions,
        StorageLevel.MEMORY_AND_DISK());
    return new Data(packed, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * @param maxRounds rounds measured per batch size (0: one epoch)
   */
  public static Map<String, Object> throughput(JavaSparkContext sc, Data data, int[] widths, int[] batches,
                                               long maxRounds, int fanIn) {
    String kernel = Kernels.decide(GemmKernel.AUTO);
    Map<String, Object> m = throughput(sc, data, widths, batches, maxRounds, fanIn, kernel, false, Route.AUTO);
    if (Route.AUTO.onDriverThreads(sc)) {
      // The Spark-job route beside it (and its in-JVM handoff against serialised rounds), same data and rounds.
      Map<String, Object> jobs = throughput(sc, data, widths, batches, maxRounds, fanIn, kernel, true, Route.SPARK_JOBS);
      m.put("sparkJobRoute", jobs.get("route"));
      m.put("sparkJobRuns", jobs.get("runs"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> auto = (List<Map<String, Object>>) m.get("runs");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> viaJobs = (List<Map<String, Object>>) jobs.get("runs");
      Map<String, Object> ratios = new LinkedHashMap<>();
      for (int i = 0; i < auto.size(); i++) {
        ratios.put(String.valueOf(auto.get(i).get("batch")), Bench.round(((Number) auto.get(i).get("rowsPerSecond"))
            .doubleValue() / ((Number) viaJobs.get(i).get("rowsPerSecond")).doubleValue(), 3));
      }
      m.put("autoOverSparkJobsByBatch", ratios);
      m.put("loadAverage", new double[] {((double[]) m.get("loadAverage"))[0], ((double[]) jobs.get("loadAverage"))[1]});
    }
    return m;
  }

  /**
   * @param maxRounds rounds measured per batch size (0: one epoch)
   * @param kernel    the job's GEMM kernel ({@link Kernels#decide}), e.g. a bf16 one for {@code math.precision = bf16}
   * @param handoff   whether to also time local mode's in-JVM handoff against serialised rounds (120 more rounds a batch;
   *                  Spark-job route only)
   * @param route     how the rounds run
   */
  public static Map<String, Object> throughput(JavaSparkContext sc, Data data, int[] widths, int[] batches,
                                               long maxRounds, int fanIn, String kernel, boolean handoff, Route route) {
    NetworkSpec spec = BenchSpark.mlp(widths);
    double loadStart = Machine.loadAverage();
    List<Map<String, Object>> runs = new ArrayList<>();
    boolean onThreads = route.onDriverThreads(sc);
    // As the trainer's auto route holds them: the cached blocks themselves (one Spark job), and one worker per local core.
    List<List<PackedBlock>> held = onThreads ? data.packed().heldInJvm() : null;
    PartitionWorkers workers = onThreads ? PartitionWorkers.of(Execution.localCores(sc.master())) : null;
    for (int batch : batches) {
      SparkGradientSource jobs = onThreads ? null : new SparkGradientSource(sc, data.packed(), spec, batch, 11,
          TrainingRecipe.CHUNK_ROWS, fanIn, kernel);
      GradientSource source = onThreads ? new InProcessGradientSource(held, data.packed().rows(),
          data.packed().targetWidth(), spec, batch, 11, TrainingRecipe.CHUNK_ROWS, fanIn, kernel, workers) : jobs;
      float[] init = Initializer.HE.initialise(spec, 11);
      long epochRounds = source.batches().batchesPerEpoch();
      long rounds = maxRounds > 0 ? Math.min(maxRounds, epochRounds) : epochRounds;
      // Warm-up: JIT compilation, first broadcasts, workspace allocation.
      TrainingLoop warm = new TrainingLoop(source, BenchSpark.sgd(3), null, null);
      warm.run(TrainingState.initial(init, warm.newOptimizer(init.length).snapshot()));
      RoundRecorder rec = new RoundRecorder();
      TrainingLoop trainer = new TrainingLoop(source, BenchSpark.sgd(rounds), null, null).addListener(rec);
      TaskCpu cpu = new TaskCpu();
      TaskCpu.drain(sc.sc());
      sc.sc().addSparkListener(cpu);
      JobAnatomy anatomy = new JobAnatomy();
      sc.sc().addSparkListener(anatomy);
      long driverCpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long processCpu0 = processCpuNanos();
      TrainingResult r = trainer.run(TrainingState.initial(init, trainer.newOptimizer(init.length).snapshot()));
      long processCpu = processCpuNanos() - processCpu0;
      long driverCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - driverCpu0;
      TaskCpu.drain(sc.sc());
      sc.sc().removeSparkListener(cpu);
      sc.sc().removeSparkListener(anatomy);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batch", batch);
      m.put("route", onThreads ? "driverThreads" : "sparkJobs");
      m.put("kernel", kernel);
      m.put("rounds", r.rounds());
      m.put("rows", r.rowsProcessed());
      m.put("seconds", Bench.round(r.loopSeconds(), 2));
      m.put("rowsPerSecond", Math.round(r.samplesPerSecond()));
      m.put("roundMedianMs", Bench.round(rec.total.medianMs(), 2));
      // Driver threads run no Spark task: the process's CPU time (workers, loop, GC, JIT, Spark's idle threads) stands in.
      double cpuSeconds = onThreads ? processCpu / 1e9 : cpu.totalCpuSeconds();
      m.put("cpuSecondsOf", onThreads ? "process" : "Spark tasks");
      m.put("taskCpuSeconds", Bench.round(cpuSeconds, 2));
      m.put("rowsPerTaskCpuSecond", Math.round(r.rowsProcessed() / cpuSeconds));
      m.put("processCpuSeconds", Bench.round(processCpu / 1e9, 2));
      m.put("driverLoopThreadCpuSeconds", Bench.round(driverCpu / 1e9, 2));
      m.put("splitMeanMs", roundValues(r.meanSplitMs()));
      m.put("splitMedianMs", rec.splitMedianMs());
      m.put("fixedShareOfMedianRound", Bench.round(1 - rec.compute.median() / rec.total.median(), 3));
      m.put("jobAnatomy", anatomy.medians());
      m.put("trainLoss", Bench.round(r.trainLoss(), 4));
      if (handoff && jobs != null && jobs.inJvm()) m.put("handoff", handoffVsSerialised(sc, data, spec, batch, fanIn, init));
      runs.add(m);
    }
    if (workers != null) workers.close();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("route", route.describe(sc));
    m.put("data", data.packed().description());
    m.put("rows", data.packed().rows());
    m.put("network", BenchSpark.widths(spec));
    m.put("partitions", data.packed().partitions());
    m.put("generateSeconds", Bench.round(data.generateSeconds(), 2));
    m.put("runs", runs);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
  }

  /**
   * Local mode's in-JVM handoff of weights and gradients against the same rounds sent through
   * Spark (broadcast, serialised task results), in alternating blocks so both see the same load:
   * median round and split of each, and their ratio.
   */
  static Map<String, Object> handoffVsSerialised(JavaSparkContext sc, Data data, NetworkSpec spec, int batch, int fanIn,
                                                 float[] init) {
    RoundRecorder inJvm = new RoundRecorder();
    RoundRecorder serialised = new RoundRecorder();
    int blocks = 6;
    int blockRounds = 10;
    for (int b = 0; b < blocks; b++) {
      for (boolean viaSpark : new boolean[] {b % 2 == 0, b % 2 != 0}) {
        SparkGradientSource s = new SparkGradientSource(sc, data.packed(), spec, batch, 11, TrainingRecipe.CHUNK_ROWS, fanIn);
        if (viaSpark) s.serialisedEvenInLocalMode();
        TrainingLoop loop = new TrainingLoop(s, BenchSpark.sgd(blockRounds), null, null)
            .addListener(viaSpark ? serialised : inJvm);
        loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot()));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("roundsEach", blocks * blockRounds);
    m.put("inJvmRoundMedianMs", Bench.round(inJvm.total.medianMs(), 2));
    m.put("serialisedRoundMedianMs", Bench.round(serialised.total.medianMs(), 2));
    m.put("inJvmToSerialised", Bench.round(inJvm.total.median() / serialised.total.median(), 3));
    m.put("inJvmSplitMedianMs", inJvm.splitMedianMs());
    m.put("serialisedSplitMedianMs", serialised.splitMedianMs());
    m.put("inJvmFixedShare", Bench.round(1 - inJvm.compute.median() / inJvm.total.median(), 3));
    m.put("serialisedFixedShare", Bench.round(1 - serialised.compute.median() / serialised.total.median(), 3));
    return m;
  }

  /** This JVM's CPU time so far, in nanoseconds, or 0 where the platform does not say. */
  static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuTime()) : 0;
  }

  public static Map<String, Object> memory(Data data) {
    PackedDataset p = data.packed();
    long cached = p.cachedBytes();
    double perRow = (double) cached / p.rows();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", p.description());
    m.put("rows", p.rows());
    m.put("features", p.features());
    m.put("cachedBytes", cached);
    m.put("bytesPerRow", Bench.round(perRow, 2));
    m.put("float32BytesPerRow", 4 * p.features());
    // The label is one more float per row: 4 x (features + 1) is the payload itself.
    m.put("ratioToFeatures", Bench.round(perRow / (4.0 * p.features()), 4));
    m.put("ratioToPayload", Bench.round(perRow / (4.0 * (p.features() + p.targetWidth())), 4));
    return m;
  }

  private static Map<String, Double> roundValues(Map<String, Double> in) {
    Map<String, Double> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, Bench.round(v, 2)));
    return out;
  }
}
