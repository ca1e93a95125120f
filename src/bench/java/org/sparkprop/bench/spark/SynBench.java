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
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.bench.Machine;
import org.sparkprop.spark.PackedDataset;
import org.sparkprop.spark.SparkGradientSource;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * The {@code syn} and {@code memory} workloads: training throughput (rows per second of the round
 * loop) on the synthetic teacher data at several global batch sizes, and the cached size of the
 * packed data against its float32 size.
 */
public final class SynBench {
  private SynBench() {
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
    return throughput(sc, data, widths, batches, maxRounds, fanIn, Kernels.decide(GemmKernel.AUTO), true);
  }

  /**
   * @param maxRounds rounds measured per batch size (0: one epoch)
   * @param kernel    the job's GEMM kernel ({@link Kernels#decide}), e.g. a bf16 one for {@code math.precision = bf16}
   * @param handoff   whether to also time local mode's in-JVM handoff against serialised rounds (120 more rounds a batch)
   */
  public static Map<String, Object> throughput(JavaSparkContext sc, Data data, int[] widths, int[] batches,
                                               long maxRounds, int fanIn, String kernel, boolean handoff) {
    NetworkSpec spec = BenchSpark.mlp(widths);
    double loadStart = Machine.loadAverage();
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int batch : batches) {
      SparkGradientSource source = new SparkGradientSource(sc, data.packed(), spec, batch, 11, TrainingRecipe.CHUNK_ROWS,
          fanIn, kernel);
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
      TrainingResult r = trainer.run(TrainingState.initial(init, trainer.newOptimizer(init.length).snapshot()));
      long driverCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - driverCpu0;
      TaskCpu.drain(sc.sc());
      sc.sc().removeSparkListener(cpu);
      sc.sc().removeSparkListener(anatomy);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batch", batch);
      m.put("kernel", kernel);
      m.put("rounds", r.rounds());
      m.put("rows", r.rowsProcessed());
      m.put("seconds", Bench.round(r.loopSeconds(), 2));
      m.put("rowsPerSecond", Math.round(r.samplesPerSecond()));
      m.put("roundMedianMs", Bench.round(rec.total.medianMs(), 2));
      m.put("taskCpuSeconds", Bench.round(cpu.totalCpuSeconds(), 2));
      m.put("rowsPerTaskCpuSecond", Math.round(r.rowsProcessed() / cpu.totalCpuSeconds()));
      m.put("driverLoopThreadCpuSeconds", Bench.round(driverCpu / 1e9, 2));
      m.put("splitMeanMs", roundValues(r.meanSplitMs()));
      m.put("splitMedianMs", rec.splitMedianMs());
      m.put("fixedShareOfMedianRound", Bench.round(1 - rec.compute.median() / rec.total.median(), 3));
      m.put("jobAnatomy", anatomy.medians());
      m.put("trainLoss", Bench.round(r.trainLoss(), 4));
      if (handoff && source.inJvm()) m.put("handoff", handoffVsSerialised(sc, data, spec, batch, fanIn, init));
      runs.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
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
