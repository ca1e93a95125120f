package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.bench.Machine;
import org.sparkprop.bench.TorchPeer;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.Kernels;
import org.sparkprop.math.Precision;

/**
 * The {@code torch} workload: the syn data at one global batch (8192 by default), local mode,
 * Sparkprop with {@code math.precision = fp32} and {@code bf16} against PyTorch in one process
 * with two threads, float32 and {@code torch.autocast("cpu", dtype=torch.bfloat16)}, all in one
 * run: passes over the trainers in alternating order (Sparkprop fp32, Sparkprop bf16, PyTorch; then
 * the reverse), so each sees the same neighbours' load on the shared machine; rows/s of each
 * trainer is its rows over its seconds summed over the passes. Every ratio is against Sparkprop
 * fp32 in the same run.
 *
 * <p>Sparkprop's rounds run as a user's {@code train} runs them under {@code train.execution = auto}
 * ({@link SynBench.Route#AUTO}: in local mode, driver threads over the cached blocks, no Spark job a
 * round). Sparkprop fp32 through one Spark job a round ({@code train.execution = spark}) is
 * measured in each pass too, as a fifth trainer line, beside Sparkprop fp32.
 */
public final class TorchBench {
  static final String SPARKPROP = "sparkprop";
  static final String PYTORCH = "pytorch";
  /** Sparkprop fp32 through one Spark job a round: beside the auto route's line, not in the targets. */
  static final String SPARKPROP_JOBS = "sparkprop-spark-jobs";

  private TorchBench() {
  }

  /** Rows and seconds of one trainer, summed over passes. */
  private static final class Tally {
    final String trainer;
    final String precision;
    final String how;
    long rows;
    double seconds;
    double cpuSeconds;
    final List<Long> perPass = new ArrayList<>();

    Tally(String trainer, String precision, String how) {
      this.trainer = trainer;
      this.precision = precision;
      this.how = how;
    }

    void add(long r, double s, double cpu) {
      rows += r;
      seconds += s;
      cpuSeconds += cpu;
      perPass.add(Math.round(r / s));
    }

    double rate() {
      return seconds > 0 ? rows / seconds : Double.NaN;
    }
  }

  /**
   * @param rounds       rounds measured per trainer and pass (after each one's warm-up)
   * @param warmupRounds PyTorch's warm-up rounds per precision and pass (Sparkprop warms up 3 rounds per run)
   * @param python       a Python with torch and numpy, or null for the bench environment's
   */
  public static Map<String, Object> run(JavaSparkContext sc, SynBench.Data data, int[] widths, int batch, long rounds,
                                        int passes, int warmupRounds, Path python) throws IOException, InterruptedException {
    double loadStart = Machine.loadAverage();
    String fp32Kernel = Kernels.decide(GemmKernel.AUTO);
    String bf16Kernel = null;
    String bf16Refusal = null;
    try {
      bf16Kernel = Kernels.decide(GemmKernel.AUTO, Precision.BF16);
      Kernels.forJob(bf16Kernel, "the bench JVM (local mode: also the executor)");
    } catch (RuntimeException e) {
      bf16Kernel = null;
      bf16Refusal = e.getMessage();
      System.err.println("torch: Sparkprop bf16 is not measured: " + bf16Refusal);
    }
    Path root = TorchPeer.projectRoot(Path.of(""));
    Path py = null;
    String torchFailure = null;
    try {
      py = python != null ? python : TorchPeer.python(root);
    } catch (IllegalStateException e) {
      torchFailure = e.getMessage();
      System.err.println("torch: PyTorch is not measured: " + torchFailure);
    }
    int blocks = 2;
    // PyTorch's autocast is Sparkprop bf16's peer: where the CPU has no bf16 products (Sparkprop refuses bf16 there)
    // PyTorch would emulate them, slowly, and the comparison would say nothing; it runs float32 only.
    List<String> torchPrecisions = bf16Kernel != null ? List.of("fp32", "bf16") : List.of("fp32");
    TorchPeer.Settings settings = new TorchPeer.Settings(data.packed().rows(), widths, batch, 0.01, Machine.cores(),
        warmupRounds, blocks, (int) Math.max(1, (rounds + blocks - 1) / blocks), torchPrecisions);

    Tally spFp32 = new Tally(SPARKPROP, "fp32", "math.precision = fp32, kernel " + fp32Kernel);
    Tally spBf16 = new Tally(SPARKPROP, "bf16", bf16Kernel != null ? "math.precision = bf16, kernel " + bf16Kernel : bf16Refusal);
    String route = SynBench.Route.AUTO.describe(sc);
    boolean jobsToo = SynBench.Route.AUTO.onDriverThreads(sc);
    Tally spJobs = new Tally(SPARKPROP, "fp32", "math.precision = fp32, kernel " + fp32Kernel + "; "
        + SynBench.Route.SPARK_JOBS.describe(sc));
    Tally ptFp32 = new Tally(PYTORCH, "fp32", "float32");
    Tally ptBf16 = new Tally(PYTORCH, "bf16", bf16Kernel != null ? "torch.autocast('cpu', dtype=torch.bfloat16)"
        : "not run: this CPU has no bf16 products (Sparkprop bf16 refused: " + bf16Refusal + ")");
    List<Map<String, Object>> sparkpropRuns = new ArrayList<>();
    Map<String, Object> torchFacts = null;
    List<String> order = new ArrayList<>();
    for (int p = 0; p < passes; p++) {
      List<String> steps = new ArrayList<>(List.of("sp-fp32", "sp-bf16", "torch"));
      if (jobsToo) steps.add(1, "sp-fp32-jobs");
      if (p % 2 != 0) java.util.Collections.reverse(steps);
      for (String step : steps) {
        if (step.equals("torch")) {
          if (py == null) continue;
          Map<String, Object> t = TorchPeer.run(root, py, settings);
          addTorch(t, ptFp32, ptBf16);
          if (torchFacts == null) torchFacts = facts(t);
        } else {
          boolean bf16 = step.equals("sp-bf16");
          boolean viaJobs = step.equals("sp-fp32-jobs");
          if (bf16 && bf16Kernel == null) continue;
          Map<String, Object> r = SynBench.throughput(sc, data, widths, new int[] {batch}, rounds, 64,
              bf16 ? bf16Kernel : fp32Kernel, false, viaJobs ? SynBench.Route.SPARK_JOBS : SynBench.Route.AUTO);
          @SuppressWarnings("unchecked")
          Map<String, Object> run = ((List<Map<String, Object>>) r.get("runs")).get(0);
          (bf16 ? spBf16 : viaJobs ? spJobs : spFp32).add(((Number) run.get("rows")).longValue(),
              ((Number) run.get("seconds")).doubleValue(), ((Number) run.get("taskCpuSeconds")).doubleValue());
          sparkpropRuns.add(compact(bf16 ? "bf16" : "fp32", p, run));
        }
        order.add(step);
      }
    }

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", data.packed().rows());
    m.put("network", BenchSpark.widths(BenchSpark.mlp(widths)));
    m.put("batch", batch);
    m.put("master", sc.master());
    m.put("partitions", data.packed().partitions());
    m.put("roundsPerTrainerAndPass", rounds);
    m.put("passes", passes);
    m.put("order", order);
    m.put("blas", Kernels.description());
    m.put("sparkpropRoute", route);
    m.put("sparkpropFp32Kernel", fp32Kernel);
    m.put("sparkpropBf16Kernel", bf16Kernel != null ? bf16Kernel : "refused: " + bf16Refusal);
    double base = spFp32.rate();
    List<Map<String, Object>> trainers = new ArrayList<>();
    List<Tally> all = new ArrayList<>(List.of(spFp32, spBf16, ptFp32, ptBf16));
    if (jobsToo) all.add(spJobs);
    for (Tally t : all) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("trainer", t == spJobs ? SPARKPROP_JOBS : t.trainer);
      x.put("precision", t.precision);
      x.put("how", t.how);
      x.put("rowsPerSecond", t.seconds > 0 ? Math.round(t.rate()) : null);
      x.put("perPass", t.perPass);
      x.put("vsSparkpropFp32", t.seconds > 0 ? Bench.round(t.rate() / base, 3) : null);
      // Sparkprop: its process's CPU time on driver threads, Spark's task CPU time via jobs; PyTorch: its process's.
      x.put("rowsPerCpuSecond", t.cpuSeconds > 0 ? Math.round(t.rows / t.cpuSeconds) : null);
      trainers.add(x);
    }
    m.put("trainers", trainers);
    m.put("sparkpropRuns", sparkpropRuns);
    m.put("pytorch", torchFacts != null ? torchFacts : "not measured: " + torchFailure);
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("sparkpropFp32OverPytorchFp32", ratio(spFp32, ptFp32));
    ratios.put("sparkpropBf16OverSparkpropFp32", ratio(spBf16, spFp32));
    ratios.put("sparkpropBf16OverPytorchBf16", ratio(spBf16, ptBf16));
    ratios.put("pytorchBf16OverPytorchFp32", ratio(ptBf16, ptFp32));
    if (jobsToo) {
      ratios.put("sparkpropFp32SparkJobsOverPytorchFp32", ratio(spJobs, ptFp32));
      ratios.put("sparkpropFp32AutoOverSparkJobs", ratio(spFp32, spJobs));
    }
    m.put("ratios", ratios);
    m.put("target", "Sparkprop fp32 >= 1.5 x PyTorch fp32 rows/s; Sparkprop bf16 >= 1.6 x Sparkprop fp32 (same run)");
    Double a = ratio(spFp32, ptFp32);
    Double b = ratio(spBf16, spFp32);
    m.put("met", a != null && b != null && a >= 1.5 && b >= 1.6);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});
    return m;
  }

  /**
   * The {@code torch} line's Sparkprop fp32 against an {@code mllib} line of the same run: the
   * issue's "{@literal >=} 2.5 x MLlib rows/s per pass".
   */
  public static Map<String, Object> withMllib(Map<String, Object> torch, Map<String, Object> mllib) {
    double mllibRate = ((Number) mllib.get("rowsPerSecond")).doubleValue();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mllibRowsPerSecond", Math.round(mllibRate));
    m.put("mllibBlas", mllib.get("blas"));
    List<Map<String, Object>> out = new ArrayList<>();
    Double fp32 = null;
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> trainers = (List<Map<String, Object>>) torch.get("trainers");
    for (Map<String, Object> t : trainers) {
      if (!(t.get("rowsPerSecond") instanceof Number n)) continue;
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("trainer", t.get("trainer"));
      x.put("precision", t.get("precision"));
      x.put("rowsPerSecond", n.longValue());
      x.put("vsMllib", Bench.round(n.doubleValue() / mllibRate, 3));
      out.add(x);
      if (SPARKPROP.equals(t.get("trainer")) && "fp32".equals(t.get("precision"))) fp32 = n.doubleValue() / mllibRate;
    }
    m.put("trainers", out);
    m.put("target", "Sparkprop fp32 >= 2.5 x MLlib rows/s per pass (batch " + torch.get("batch") + ")");
    m.put("met", fp32 != null && fp32 >= 2.5);
    return m;
  }

  private static Double ratio(Tally a, Tally b) {
    return a.seconds > 0 && b.seconds > 0 ? Bench.round(a.rate() / b.rate(), 3) : null;
  }

  private static void addTorch(Map<String, Object> result, Tally fp32, Tally bf16) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> runs = (List<Map<String, Object>>) result.get("runs");
    for (Map<String, Object> r : runs) {
      Tally t = "bf16".equals(r.get("precision")) ? bf16 : fp32;
      t.add(((Number) r.get("rows")).longValue(), ((Number) r.get("seconds")).doubleValue(),
          ((Number) r.get("cpuSeconds")).doubleValue());
    }
  }

  /** What PyTorch computed with: everything of its result but the runs. */
  private static Map<String, Object> facts(Map<String, Object> result) {
    Map<String, Object> f = new LinkedHashMap<>(result);
    f.remove("runs");
    return f;
  }

  /** A Sparkprop run's figures that say where its rounds went. */
  private static Map<String, Object> compact(String precision, int pass, Map<String, Object> run) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("pass", pass);
    c.put("precision", precision);
    for (String k : List.of("route", "rounds", "rows", "seconds", "rowsPerSecond", "roundMedianMs", "taskCpuSeconds",
        "rowsPerTaskCpuSecond", "splitMeanMs", "fixedShareOfMedianRound", "trainLoss")) {
      c.put(k, run.get(k));
    }
    return c;
  }
}
