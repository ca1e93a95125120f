package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkEnv;
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
 * One JVM of the {@code pagecache} workload (started by {@link PageCacheBench}, in a memory group or
 * not): synthetic rows put on the local disk ({@code spark.storageLevel = disk}), then, on the same
 * row files, a few rounds to warm up and a fixed number of rows trained at each batch size, from
 * the same initial weights. For each batch it reports rows/s, the bytes this process read from the
 * disk ({@code /proc/self/io} read_bytes) and its major page faults during the round loop, the
 * weights' digest, and, in a memory group, the group's anonymous memory and page cache after the loop.
 *
 * <p>Arguments: master rows features hiddenWidth batches(comma-separated) rowsPerBatch minRounds.
 */
public final class PageCacheRun {
  private PageCacheRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    List<Integer> batches = new ArrayList<>();
    for (String b : args[4].split(",")) batches.add(Integer.parseInt(b.trim()));
    long rowsPerBatch = Long.parseLong(args[5]);
    int minRounds = Integer.parseInt(args[6]);
    JavaSparkContext sc = BenchSpark.start(master);
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<Path> group = MemoryCgroup.ofThisProcess();
    try {
      TrainConfig loadCfg = config(args, master, batches.get(0), 1);
      long l0 = System.nanoTime();
      DataSets data = DataSets.load(loadCfg, sc, DataSets.partitioning(loadCfg), System.out);
      double loadSeconds = (System.nanoTime() - l0) / 1e9;
      NetworkSpec spec = SparkTrainer.network(TrainingRecipe.of(loadCfg), data.train());
      out.put("rowsFrom", data.train().placement().source());
      out.put("network", spec.describe());
      out.put("blas", Kernels.description());
      out.put("rows", data.train().rows());
      out.put("rowBytes", data.train().rowBytes());
      out.put("packedBytes", data.train().packedBytes());
      out.put("partitions", data.train().partitions());
      out.put("taskSlots", sc.defaultParallelism());
      out.put("localDir", SparkEnv.get().blockManager().diskBlockManager().localDirs()[0].getAbsolutePath());
      out.put("loadSeconds", Bench.round(loadSeconds, 2));
      out.put("memoryGroup", group.map(Path::toString).orElse(null));
      // JIT and the first touches of every file, alike in every JVM: not measured.
      train(sc, config(args, master, batches.get(0), 5), spec, data);
      List<Map<String, Object>> runs = new ArrayList<>();
      for (int batch : batches) {
        long rounds = Math.max(minRounds, (rowsPerBatch + batch - 1) / batch);
        long read0 = readBytes();
        long faults0 = majorFaults();
        TrainingResult result = train(sc, config(args, master, batch, rounds), spec, data);
        long read = readBytes() - read0;
        long faults = majorFaults() - faults0;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batch", batch);
        r.put("rounds", result.rounds());
        r.put("rowsPerSecond", Bench.round(result.samplesPerSecond(), 0));
        r.put("roundSeconds", Bench.round(result.loopSeconds() / result.rounds(), 5));
        r.put("bytesReadPerRound", read / result.rounds());
        r.put("majorFaultsPerRound", Bench.round((double) faults / result.rounds(), 1));
        r.put("bytesPerMajorFault", faults > 0 ? read / faults : 0);
        if (group.isPresent()) {
          Map<String, Long> stat = MemoryCgroup.stat(group.get());
          r.put("groupAnonMiB", stat.getOrDefault("rss", 0L) >> 20);
          r.put("groupCacheMiB", stat.getOrDefault("cache", 0L) >> 20);
          r.put("groupCacheBytes", stat.getOrDefault("cache", 0L));
        }
        r.put("weightsSha256", WeightsDigest.sha256(result.params()));
        runs.add(r);
      }
      out.put("batches", runs);
      out.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
      out.put("peakHeapMiB", DiskRun.peakHeapBytes() >> 20);
      out.put("peakRssMiB", DiskRun.peakRssKib() >> 10);
      data.unpersist();
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }

  private static TrainConfig config(String[] args, String master, int batch, long rounds) {
    return TrainConfig.load(null, List.of("data.format=synthetic", "data.synthetic.rows=" + args[1],
        "data.synthetic.features=" + args[2], "data.synthetic.classes=10", "data.validationFraction=0",
        "data.testFraction=0", "model.hidden=" + args[3], "train.optimizer=sgd", "train.learningRate=0.05",
        "train.epochs=1000", "train.maxRounds=" + rounds, "train.batchSize=" + batch, "train.execution=spark",
        "train.logEveryRounds=100000", "spark.storageLevel=disk", "spark.master=\"" + master + "\""));
  }

  private static TrainingResult train(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, DataSets data) throws IOException {
    return SparkTrainer.prepare(sc, cfg, spec, data.train(), null, false, data.preprocessing(), false).run().result();
  }

  /** Bytes this process (all its threads) caused to be read from storage: page faults on mapped files included. */
  static long readBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("read_bytes:")) return Long.parseLong(line.substring(11).trim());
    }
    return -1;
  }

  /** This process's major page faults (faults that waited for a read), from /proc/self/stat. */
  static long majorFaults() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[9]); // field 12 (majflt), counted from the state, field 3
  }
}
