package org.sparkprop.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.math.Kernels;
import org.sparkprop.bench.spark.BenchSpark;
import org.sparkprop.bench.spark.ClusterBench;
import org.sparkprop.bench.spark.DiskBench;
import org.sparkprop.bench.spark.PageCacheBench;
import org.sparkprop.bench.spark.IngestBench;
import org.sparkprop.bench.spark.FmnistBench;
import org.sparkprop.bench.spark.LocalStepsBench;
import org.sparkprop.bench.spark.MllibBench;
import org.sparkprop.bench.spark.FixedCostBench;
import org.sparkprop.bench.spark.RoundCostBench;
import org.sparkprop.bench.spark.ScaleBench;
import org.sparkprop.bench.spark.SmallBench;
import org.sparkprop.bench.spark.SynBench;
import org.sparkprop.bench.spark.TorchBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench WORKLOAD...}: runs the named benchmark workloads and prints one JSON line each. Every
 * figure that is compared with another is measured in the same run, because the machines are shared
 * and noisy; every line carries the machine's load average.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Run benchmark workloads and print one JSON line each.",
        "Workloads: kernel, kernels, round, syn, memory, mllib, scale, fmnist, cluster, small, disk, all (= every one of them);",
        "localsteps (Fashion-MNIST with train.localSteps = K on a local-cluster master), ingest (CSV and Parquet"
            + " into cached rows, Sparkprop against Spark's reader), precision (fp32 against bf16 products, on CPUs"
            + " with AVX-512 BF16 or AMX), fixedcost (a round's fixed cost on the syn data, the rounds as they run"
            + " now against their earlier route), pagecache (rows on disk larger than the page cache: a cgroup v1"
            + " memory limit, the disk's random reads and a model) and torch (the syn data at one batch: Sparkprop fp32"
            + " and bf16 against PyTorch fp32 and bf16 autocast, from a Python environment made under target/) run only"
            + " when named.",
        "Benchmarks are not tests: nothing here is asserted; targets are reported as met or not."})
public final class BenchCommand implements Callable<Integer> {
  /** Workloads that run only when named: long, or needing what not every machine has. */
  private static final List<String> NAMED_ONLY = List.of("localsteps", "ingest", "precision", "fixedcost", "pagecache", "torch");
  private static final List<String> ALL = List.of("kernel", "kernels", "round", "syn", "memory", "mllib", "scale", "fmnist", "cluster",
      "small", "disk");
  private static final int[] SYN_NET = {256, 512, 256, 10};
  private static final int[] NET_265K = {256, 512, 256, 10};
  private static final int[] NET_1M = {256, 1024, 720, 10};

  /** {@code submit-scripts/local.sh bench ...} runs this on the test class path (benchmarks are not in the shipped jars). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Parameters(paramLabel = "WORKLOAD", arity = "1..*",
      description = "kernel, kernels, round, syn, memory, mllib, scale, fmnist, cluster, small, disk, localsteps, ingest,"
          + " precision, fixedcost, pagecache, torch or all")
  List<String> workloads;

  @Option(names = "--disk-heap", description = "Heap (MiB) of the disk workload's on-disk run; its data is 2.5x this"
      + " and its in-memory run gets 6x this heap (default: ${DEFAULT-VALUE}; --quick 256).")
  int diskHeapMiB = 1024;

  @Option(names = "--disk-rows", description = "Rows (x 256 features) of the disk workload (default: 2.5x --disk-heap"
      + " of float32 rows, so the data is 2.5 times the on-disk run's heap).")
  Long diskRows;

  @Option(names = "--disk-big-heap", description = "Heap (MiB) of the disk workload's in-memory run (default: 6x --disk-heap).")
  Integer diskBigHeapMiB;

  @Option(names = "--pagecache-rows", description = "Rows (x 256 features) of the pagecache workload (default 1,500,000;"
      + " --quick 150,000).")
  Long pageCacheRows;

  @Option(names = "--pagecache-heap", description = "Heap (MiB) of the pagecache workload's JVMs (default 1024; --quick 768).")
  Integer pageCacheHeapMiB;

  @Option(names = "--pagecache-batches", split = ",",
      description = "Batch sizes of the pagecache workload (default 256,1024,4096,16384; --quick 256,1024).")
  List<Integer> pageCacheBatches;

  @Option(names = "--pagecache-rows-per-batch",
      description = "Rows trained at each batch size (default 40,000, and at least 5 rounds; --quick 8,000).")
  Long pageCacheRowsPerBatch;

  @Option(names = "--pagecache-data-over-cache",
      description = "How many times the page cache the limited JVM keeps the row files are (default: ${DEFAULT-VALUE}).")
  double pageCacheDataOverCache = 2.5;

  @Option(names = "--page-cache-limit", description = "The limited JVM's memory group limit (MiB), instead of its heap's"
      + " measured use + the data / --pagecache-data-over-cache.")
  Integer pageCacheLimitMiB;

  @Option(names = "--ingest-rows", description = "Rows of the ingest workload's files (default 1,000,000; --quick 20,000).")
  Long ingestRows;

  @Option(names = "--ingest-features", description = "Features of the ingest workload's files (default: ${DEFAULT-VALUE}).")
  int ingestFeatures = 64;

  @Option(names = "--ingest-dir", description = "Where the ingest workload writes its CSV and Parquet files, kept for the next"
      + " run (default: ${DEFAULT-VALUE}).")
  Path ingestDir = Path.of("/tmp", "sparkprop-ingest");

  @Option(names = "--ingest-formats", split = ",", description = "Formats of the ingest workload (default: ${DEFAULT-VALUE}).")
  List<String> ingestFormats = List.of("csv", "parquet");

  @Option(names = "--ingest-repeats", description = "Measurements of each reader and format; the fastest count (default 2; --quick 1).")
  Integer ingestRepeats;

  @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master = "local[2]";

  @Option(names = "--partitions", description = "Partitions of the cached data (0: Spark's default parallelism, one per core).")
  int partitions;

  @Option(names = "--quick", description = "Small sizes: checks that every workload runs, in a minute or two; figures are not meaningful.")
  boolean quick;

  @Option(names = "--output", description = "Also append the JSON lines to this file.")
  Path output;

  @Option(names = "--syn-rows", description = "Rows of the syn workload (default 1,000,000; --quick 50,000).")
  Long synRows;

  @Option(names = "--syn-batches", split = ",", description = "Global batch sizes of the syn workload (default: ${DEFAULT-VALUE}).")
  int[] synBatches = {1024, 8192};

  @Option(names = "--syn-rounds", description = "Rounds measured per batch size (0: one epoch; default: ${DEFAULT-VALUE}).")
  long synRounds;

  @Option(names = "--torch-batch", description = "torch: the global batch of every trainer (default: ${DEFAULT-VALUE}).")
  int torchBatch = 8192;

  @Option(names = "--torch-rounds", description = "torch: rounds measured per trainer and pass (default 60; --quick 4).")
  Integer torchRounds;

  @Option(names = "--torch-passes", description = "torch: passes over the trainers, in alternating order (default 2; --quick 1).")
  Integer torchPasses;

  @Option(names = "--torch-python", description = "torch: a Python with torch and numpy to run the PyTorch peer (default: the"
      + " bench environment target/bench-venv, made by submit-scripts/bench-python-env.sh when missing).")
  Path torchPython;

  @Option(names = "--fixed-blocks", description = "fixedcost: measured blocks of each variant (default 6; --quick 2).")
  Integer fixedBlocks;

  @Option(names = "--fixed-block-rounds", description = "fixedcost: rounds per block (default: ${DEFAULT-VALUE}).")
  int fixedBlockRounds = 10;

  @Option(names = "--round-blocks", description = "Measured blocks of the round workload (default 6; --quick 2).")
  Integer roundBlocks;

  @Option(names = "--round-block-rounds", description = "Rounds per block, alternating loop and floor (default: ${DEFAULT-VALUE}).")
  int roundBlockRounds = 25;

  @Option(names = "--scale-rows", split = ",", description = "Row counts of the scale workload (default 100000,1000000,10000000).")
  long[] scaleRows;

  @Option(names = "--scale-features", description = "Features of the scale workload (default: ${DEFAULT-VALUE}; 10^7 rows x 32 floats = 1.3 GB).")
  int scaleFeatures = 32;

  @Option(names = "--flat-rounds", description = "Rounds of the flatness run of the scale workload (default 10,000; --quick 400).")
  Long flatRounds;

  @Option(names = "--mllib-rows", description = "Rows for MLlib (default: the syn rows).")
  Long mllibRows;

  @Option(names = "--mllib-iterations", description = "MLlib gd iterations = passes (default: ${DEFAULT-VALUE}; the first also stacks the data).")
  int mllibIterations = 3;

  @Option(names = "--mllib-heap", description = "Heap of MLlib's JVM (default: ${DEFAULT-VALUE}).")
  String mllibHeap = "8g";

  @Option(names = "--mllib-coretype",
      description = "OPENBLAS_CORETYPE for MLlib's system OpenBLAS (default: the core OpenBLAS 0.3.31 detects here; 'none' leaves it unset).")
  String mllibCoretype;

  @Option(names = "--mllib-blas-threads", description = "OPENBLAS_NUM_THREADS for MLlib (default: ${DEFAULT-VALUE}; 0 leaves it unset).")
  int mllibBlasThreads = 1;

  @Option(names = "--kernel-seconds", description = "Measuring time per kernel shape (default: ${DEFAULT-VALUE}).")
  double kernelSeconds = 6;

  @Option(names = "--kernels-seconds", description = "kernels: measuring time per kernel, shape and pass (default 2; --quick 0.3);"
      + " precision: per precision, shape and pass (default 1).")
  Double kernelsSeconds;

  @Option(names = "--kernels-passes", description = "kernels: alternating passes over the kernels (default 3; --quick 1).")
  Integer kernelsPasses;

  @Option(names = "--fmnist-dir", description = "Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
  Path fmnistDir = Path.of("/usr/share/datasets/fashion-mnist");

  @Option(names = "--fmnist-target", description = "Test accuracy both trainers race to (default: ${DEFAULT-VALUE}).")
  double fmnistTarget = 0.85;

  @Option(names = "--fmnist-batch", description = "Sparkprop's global batch on Fashion-MNIST (default: ${DEFAULT-VALUE}).")
  int fmnistBatch = 1024;

  @Option(names = "--fmnist-learning-rate", description = "Sparkprop's Adam learning rate on Fashion-MNIST (default: ${DEFAULT-VALUE}).")
  double fmnistLearningRate = 0.003;

  @Option(names = "--fmnist-max-epochs", description = "Sparkprop gives up after this many epochs (default 10; --quick 1).")
  Integer fmnistMaxEpochs;

  @Option(names = "--fmnist-mllib-iterations", split = ",",
      description = "L-BFGS iteration counts, one MLlib run each; they bracket MLlib's time to the target (default 50,100; --quick 2).")
  int[] fmnistMllibIterations;

  @Option(names = "--local-steps", split = ",",
      description = "localsteps: the train.localSteps values, the first the baseline (default: ${DEFAULT-VALUE}).")
  int[] localSteps = {1, 4, 16};

  @Option(names = "--local-steps-master",
      description = "localsteps: the master (default: ${DEFAULT-VALUE}: two one-core workers, an executor JVM each).")
  String localStepsMaster = "local-cluster[2,1,2048]";

  @Option(names = "--local-steps-epochs", description = "localsteps: epochs of every run (default 5; --quick 1).")
  Integer localStepsEpochs;

  @Option(names = "--round-fixed-ms", split = ",",
      description = "localsteps: the cost model's fixed cost per round, a + b x executors ms (default: ${DEFAULT-VALUE}).")
  // The refit on the driver's critical-path CPU per task at 235k parameters (BENCHMARKS.md, cluster), every
  // driver thread's share counted as serial: an upper bound a real cluster's driver does not exceed.
  double[] roundFixedMs = {48, 11.1};

  @Option(names = "--small-dir", description = "The digits CSV files of the small workload (default: ${DEFAULT-VALUE}).")
  Path smallDir = Path.of("data", "public");

  @Option(names = "--small-epochs", description = "Epochs of the small workload's training runs (default 200; --quick 5).")
  Integer smallEpochs;

  @Option(names = "--small-cv-epochs", description = "Epochs of each CrossValidator fit (default 20; --quick 2).")
  Integer smallCvEpochs;

  @Option(names = "--small-repeats", description = "Alternating pairs (Spark jobs, default) of the small workload's train"
      + " command (default 3; --quick 1; 0 skips them, measuring the cross-validation alone).")
  Integer smallRepeats;

  @Option(names = "--small-cv-repeats", description = "Alternating pairs of its cross-validations (default 2; --quick 1).")
  Integer smallCvRepeats;

  @Option(names = "--small-large-rows",
      description = "Training rows of the small workload's large-data check of execution = auto (default 1,000,000; --quick 500,000).")
  Long smallLargeRows;

  @Option(names = "--small-large-rounds", description = "Rounds of each run of that check (default 300; --quick 10).")
  Long smallLargeRounds;

  @Option(names = "--cluster-executors", split = ",",
      description = "Executor JVMs of the cluster workload (default: ${DEFAULT-VALUE}; the first two fit the model, the rest check it).")
  int[] clusterExecutors = {1, 2, 4};

  @Option(names = "--spark-home",
      description = "Spark home for local-cluster executors, made of links to this class path's jars if missing (default: ${DEFAULT-VALUE}).")
  Path sparkHome = Path.of("target", "spark-home");

  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Map<String, Object>> results = new LinkedHashMap<>();
  private JavaSparkContext sc;

  @Override
  public Integer call() throws Exception {
    Set<String> chosen = new LinkedHashSet<>();
    for (String w : workloads) {
      String name = w.trim().toLowerCase(Locale.ROOT);
      if (name.equals("all")) {
        chosen.addAll(ALL);
      } else if (ALL.contains(name) || NAMED_ONLY.contains(name)) {
        chosen.add(name);
      } else {
        throw new IllegalArgumentException("unknown workload '" + w + "': expected one of " + ALL + " or all");
      }
    }
    long rows = synRows != null ? synRows : quick ? 50_000 : 1_000_000;
    try {
      SynBench.Data synData = null;
      for (String name : chosen) {
        Map<String, Object> r;
        switch (name) {
          case "kernel":
            r = kernel();
            break;
          case "kernels":
            r = KernelChoiceBench.run(List.of("784,256,128,10:256", "256,512,256,10:1024", "256,512,256,10:4096"),
                kernelsSeconds != null ? kernelsSeconds : quick ? 0.3 : 2, kernelsPasses != null ? kernelsPasses : quick ? 1 : 3);
            break;
          case "round":
            r = round();
            break;
          case "syn":
          case "memory":
            if (synData == null) synData = SynBench.generate(spark(), rows, SYN_NET[0], SYN_NET[SYN_NET.length - 1], parts());
            r = name.equals("syn") ? syn(synData) : memory(synData);
            break;
          case "fixedcost":
            if (synData == null) synData = SynBench.generate(spark(), rows, SYN_NET[0], SYN_NET[SYN_NET.length - 1], parts());
            r = FixedCostBench.measure(spark(), synData, SYN_NET, synBatches, fixedBlocks != null ? fixedBlocks : quick ? 2 : 6,
                quick ? 3 : fixedBlockRounds, 64);
            r.put("master", spark().master());
            r.put("blas", Kernels.description());
            break;
          case "torch":
            if (synData == null) synData = SynBench.generate(spark(), rows, SYN_NET[0], SYN_NET[SYN_NET.length - 1], parts());
            r = torch(synData);
            break;
          case "mllib":
            if (synData != null) {
              synData.packed().unpersist(); // MLlib's JVM needs the memory
              synData = null;
            }
            r = mllib(mllibRows != null ? mllibRows : rows);
            break;
          case "scale":
            r = scale();
            break;
          case "fmnist":
            r = fmnist();
            break;
          case "cluster":
            r = cluster();
            break;
          case "localsteps":
            r = LocalStepsBench.run(localStepsMaster, partitions > 0 ? partitions : 2, fmnistDir, fmnistBatch,
                fmnistLearningRate, localStepsEpochs != null ? localStepsEpochs : quick ? 1 : 5, fmnistTarget, localSteps,
                sparkHome, roundFixedMs[0], roundFixedMs[1]);
            break;
          case "small":
            r = SmallBench.run(master, partitions > 0 ? partitions : Machine.cores(), smallDir,
                smallEpochs != null ? smallEpochs : quick ? 5 : 200, smallCvEpochs != null ? smallCvEpochs : quick ? 2 : 20,
                32, 64, "2g", smallLargeRows != null ? smallLargeRows : quick ? 500_000 : 1_000_000,
                smallLargeRounds != null ? smallLargeRounds : quick ? 10 : 300,
                smallRepeats != null ? smallRepeats : quick ? 1 : 3, smallCvRepeats != null ? smallCvRepeats : quick ? 1 : 2);
            break;
          case "disk":
            int smallHeap = quick ? 256 : diskHeapMiB;
            r = DiskBench.run(master, smallHeap, diskBigHeapMiB != null ? diskBigHeapMiB : quick ? 1536 : 6 * diskHeapMiB,
                diskRows != null ? diskRows : DiskBench.rowsFor(smallHeap, 256), 256, quick ? 20 : 200, 8192, 64);
            break;
          case "precision":
            r = PrecisionBench.run(kernelsSeconds != null ? kernelsSeconds : quick ? 0.3 : 1, kernelsPasses != null ? kernelsPasses
                : quick ? 1 : 3);
            break;
          case "ingest":
            r = IngestBench.run(master, ingestRows != null ? ingestRows : quick ? 20_000 : 1_000_000, ingestFeatures, "4g",
                ingestDir, ingestRepeats != null ? ingestRepeats : quick ? 1 : 2, ingestFormats);
            break;
          case "pagecache":
            r = PageCacheBench.run(master, new PageCacheBench.Settings(
                pageCacheHeapMiB != null ? pageCacheHeapMiB : quick ? 768 : 1024,
                pageCacheRows != null ? pageCacheRows : quick ? 150_000 : 1_500_000, 256, 64,
                pageCacheBatches != null ? pageCacheBatches : quick ? List.of(256, 1024) : List.of(256, 1024, 4096, 16384),
                pageCacheRowsPerBatch != null ? pageCacheRowsPerBatch : quick ? 8_000 : 40_000, 5, pageCacheDataOverCache,
                pageCacheLimitMiB, quick ? 2 : 8));
            break;
          default:
            throw new IllegalStateException(name);
        }
        emit(name, r);
      }
      if (results.containsKey("syn") && results.containsKey("mllib")) emit("syn-vs-mllib", synVsMllib());
      if (results.containsKey("torch") && results.containsKey("mllib")) {
        emit("torch-vs-mllib", TorchBench.withMllib(results.get("torch"), results.get("mllib")));
      }
    } finally {
      if (sc != null) BenchSpark.stop();
    }
    return 0;
  }

  private JavaSparkContext spark() {
    if (sc == null) sc = BenchSpark.start(master);
    return sc;
  }

  private int parts() {
    return partitions > 0 ? partitions : spark().defaultParallelism();
  }

  private Map<String, Object> kernel() {
    double seconds = quick ? 1 : kernelSeconds;
    Map<String, Object> a = KernelBench.measure(new int[] {784, 256, 128, 10}, 256, seconds);
    Map<String, Object> b = KernelBench.measure(new int[] {256, 512, 256, 10}, 1024, seconds);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("blas", Kernels.description());
    m.put("shapes", List.of(a, b));
    double worst = Math.min((double) a.get("ratio"), (double) b.get("ratio"));
    m.put("target", "ratio >= 0.7 (network vs bare sgemm, same products, same run)");
    m.put("met", worst >= 0.7);
    return m;
  }

  private Map<String, Object> round() {
    int blocks = roundBlocks != null ? roundBlocks : quick ? 2 : 6;
    int blockRounds = quick ? 5 : roundBlockRounds;
    Map<String, Object> small = RoundCostBench.measure(spark(), NET_265K, parts(), blocks, blockRounds, 64);
    Map<String, Object> large = RoundCostBench.measure(spark(), NET_1M, parts(), blocks, blockRounds, 64);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("master", spark().master());
    m.put("runs", List.of(small, large));
    m.put("target", "265k: round <= 1.25 x floor; 1M: round <= floor + 10 ms");
    m.put("met", (double) small.get("ratioToFloor") <= 1.25 && (double) large.get("overFloorMs") <= 10);
    return m;
  }

  private Map<String, Object> syn(SynBench.Data data) {
    Map<String, Object> m = SynBench.throughput(spark(), data, SYN_NET, synBatches, quick ? 20 : synRounds, 64);
    m.put("master", spark().master());
    m.put("blas", Kernels.description());
    return m;
  }

  private Map<String, Object> torch(SynBench.Data data) throws IOException, InterruptedException {
    int passes = torchPasses != null ? torchPasses : quick ? 1 : 2;
    long rounds = torchRounds != null ? torchRounds : quick ? 4 : 60;
    return TorchBench.run(spark(), data, SYN_NET, torchBatch, rounds, passes, quick ? 1 : 5, torchPython);
  }

  private Map<String, Object> memory(SynBench.Data data) {
    Map<String, Object> m = SynBench.memory(data);
    m.put("target", "cached bytes <= 1.1 x 4 x rows x features");
    m.put("met", (double) m.get("ratioToFeatures") <= 1.1);
    return m;
  }

  private Map<String, Object> mllib(long rows) throws Exception {
    return MllibBench.run(master, rows, SYN_NET, quick ? 2 : mllibIterations, parts(), mllibHeap, mllibCore(), mllibBlasThreads);
  }

  private Map<String, Object> scale() {
    long[] sizes = scaleRows != null ? scaleRows : quick ? new long[] {10_000, 100_000} : new long[] {100_000, 1_000_000, 10_000_000};
    int[] net = {scaleFeatures, 64, 64, 10};
    Map<String, Object> epochs = ScaleBench.epochs(spark(), sizes, net, 8192, parts(), 64, quick ? 50 : 3000);
    long rounds = flatRounds != null ? flatRounds : quick ? 400 : 10_000;
    Map<String, Object> flat = ScaleBench.flatRounds(spark(), 100_000, net, 256, parts(), rounds, 64);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", epochs);
    m.put("flat", flat);
    double worst = 0;
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> runs = (List<Map<String, Object>>) epochs.get("epochs");
    double worstRound = 0;
    for (Map<String, Object> r : runs) {
      worst = Math.max(worst, Math.abs((double) r.get("perRowVsSmallest") - 1));
      worstRound = Math.max(worstRound, Math.abs((double) r.get("roundMedianVsSmallest") - 1));
    }
    m.put("worstPerRowDeviation", Math.round(worst * 1000) / 1000.0);
    m.put("worstRoundMedianDeviation", Math.round(worstRound * 1000) / 1000.0);
    m.put("target", "epoch time per row within 15% across sizes; last-100 rounds within 10% of rounds 101-200"
        + " (rounds only get faster as the JIT warms up: lateVsMiddle tests that nothing accumulates)");
    m.put("met", worst <= 0.15 && (double) flat.get("lateVsEarly") <= 1.10);
    return m;
  }

  private Map<String, Object> cluster() throws Exception {
    // Compute per row on one core for the syn network, from the kernel measured here and now.
    Map<String, Object> k = KernelBench.measure(SYN_NET, 1024, quick ? 1 : 3);
    double microsPerRow = (double) k.get("networkMs") * 1e3 / 1024;
    Map<String, Object> m = ClusterBench.run(sparkHome, NET_265K, NET_1M, quick ? 1 : 4, quick ? 5 : 20,
        Math.round(microsPerRow * 100) / 100.0, clusterExecutors);
    m.put("note", "executor JVMs share this machine's " + Machine.cores() + " cores: beyond that, measured rounds include CPU contention");
    return m;
  }

  private Map<String, Object> fmnist() throws Exception {
    if (!Files.isRegularFile(fmnistDir.resolve("train-images-idx3-ubyte.gz"))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dir", fmnistDir.toString());
      m.put("status", "skipped: no Fashion-MNIST IDX files in " + fmnistDir
          + " (apt-get install dataset-fashion-mnist, or give --fmnist-dir)");
      return m;
    }
    int[] iterations = fmnistMllibIterations != null ? fmnistMllibIterations : quick ? new int[] {2} : new int[] {50, 100};
    int maxEpochs = fmnistMaxEpochs != null ? fmnistMaxEpochs : quick ? 1 : 10;
    return FmnistBench.run(master, partitions > 0 ? partitions : Machine.cores(), fmnistDir, fmnistBatch,
        fmnistLearningRate, maxEpochs, fmnistTarget, iterations, mllibHeap, mllibCore(), mllibBlasThreads);
  }

  /** --mllib-coretype as the MLlib workloads take it: null = detect, "" = leave unset. */
  private String mllibCore() {
    return mllibCoretype == null ? null : mllibCoretype.equals("none") ? "" : mllibCoretype;
  }

  private Map<String, Object> synVsMllib() {
    Map<String, Object> m = new LinkedHashMap<>();
    double mllibRate = ((Number) results.get("mllib").get("rowsPerSecond")).doubleValue();
    double mllibPerCpu = ((Number) results.get("mllib").get("rowsPerTaskCpuSecond")).doubleValue();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> runs = (List<Map<String, Object>>) results.get("syn").get("runs");
    List<Map<String, Object>> ratios = new ArrayList<>();
    boolean met = false;
    for (Map<String, Object> r : runs) {
      double rate = ((Number) r.get("rowsPerSecond")).doubleValue();
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("batch", r.get("batch"));
      x.put("rowsPerSecond", Math.round(rate));
      x.put("vsMllib", Math.round(rate / mllibRate * 100) / 100.0);
      double perCpu = ((Number) r.get("rowsPerTaskCpuSecond")).doubleValue();
      x.put("rowsPerTaskCpuSecond", Math.round(perCpu));
      x.put("perCpuVsMllib", Math.round(perCpu / mllibPerCpu * 100) / 100.0);
      ratios.add(x);
      if (((Number) r.get("batch")).intValue() == 8192) met = rate >= 2 * mllibRate && rate >= 100_000;
    }
    m.put("mllibRowsPerSecond", Math.round(mllibRate));
    m.put("mllibRowsPerTaskCpuSecond", Math.round(mllibPerCpu));
    m.put("sparkprop", ratios);
    m.put("target", "batch 8192: >= 2 x MLlib rows/s and >= 100,000 rows/s");
    m.put("met", met);
    return m;
  }

  private void emit(String name, Map<String, Object> figures) throws IOException {
    results.put(name, figures);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("workload", name);
    line.put("time", Instant.now().toString());
    line.put("machine", Machine.describe());
    line.put("loadAverageNow", Machine.loadAverage());
    line.putAll(figures);
    String text = json.writeValueAsString(line);
    System.out.println(text);
    System.out.flush();
    if (output != null) {
      try (OutputStream out = Files.newOutputStream(output, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
