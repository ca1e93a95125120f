package org.sparkprop.bench.spark;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * One run of the {@code disk} workload in a JVM of its own (started by {@link DiskBench}):
 * synthetic rows generated on the executors, kept where {@code spark.storageLevel} says, and a
 * fixed number of rounds trained; reports rows/s, where the rows came from, the weights' digest and
 * the JVM's peak heap and resident memory.
 *
 * <p>Arguments: master rows features storageLevel rounds batch hiddenWidth.
 */
public final class DiskRun {
  private DiskRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    TrainConfig cfg = TrainConfig.load(null, List.of("data.format=synthetic", "data.synthetic.rows=" + args[1],
        "data.synthetic.features=" + args[2], "data.synthetic.classes=10", "data.validationFraction=0",
        "data.testFraction=0", "model.hidden=" + args[6], "train.optimizer=sgd", "train.learningRate=0.05",
        "train.epochs=1000", "train.maxRounds=" + args[4], "train.batchSize=" + args[5], "train.execution=spark",
        "train.logEveryRounds=100000", "spark.storageLevel=" + args[3], "spark.master=\"" + master + "\""));
    JavaSparkContext sc = BenchSpark.start(master);
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      long l0 = System.nanoTime();
      DataSets data = DataSets.load(cfg, sc, DataSets.partitioning(cfg), System.out);
      double loadSeconds = (System.nanoTime() - l0) / 1e9;
      NetworkSpec spec = SparkTrainer.network(TrainingRecipe.of(cfg), data.train());
      TrainingResult result = SparkTrainer.prepare(sc, cfg, spec, data.train(), null, false, data.preprocessing(), false)
          .run().result();
      out.put("storageLevel", args[3]);
      out.put("rowsFrom", data.train().placement().source());
      out.put("why", data.train().placement().why());
      out.put("network", spec.describe());
      out.put("blas", Kernels.description());
      out.put("rows", data.train().rows());
      out.put("packedMiB", Bench.round(data.train().packedBytes() / 1048576.0, 1));
      out.put("partitions", data.train().partitions());
      out.put("sparkCachedMiB", Bench.round(data.train().cachedBytes() / 1048576.0, 1));
      out.put("loadSeconds", Bench.round(loadSeconds, 2));
      out.put("rounds", result.rounds());
      out.put("rowsPerSecond", Bench.round(result.samplesPerSecond(), 0));
      out.put("loopSeconds", Bench.round(result.loopSeconds(), 2));
      out.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
      out.put("peakHeapMiB", peakHeapBytes() >> 20);
      out.put("peakRssMiB", peakRssKib() >> 10);
      out.put("weightsSha256", WeightsDigest.sha256(result.params()));
      data.unpersist();
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }

  /** The sum of the heap pools' peak usage (an upper bound of the heap's peak). */
  static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }

  /** The JVM's peak resident set (VmHWM), in KiB; -1 where /proc does not say. */
  static long peakRssKib() throws java.io.IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) return -1;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    return -1;
  }
}
