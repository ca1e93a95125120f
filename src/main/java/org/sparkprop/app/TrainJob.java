package org.sparkprop.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.data.BadRowReport;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.driver.InProcessInput;
import org.sparkprop.math.CpuKernels;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.report.BatchSizeAdvisor;
import org.sparkprop.report.MetricsLog;
import org.sparkprop.report.ProgressDisplay;
import org.sparkprop.spark.RowStore;
import org.sparkprop.report.TrainingReport;
import org.sparkprop.spark.PackedDataset;
import org.sparkprop.spark.RunJobs;
import org.sparkprop.spark.SparkErrors;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.train.DivergenceException;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.RunStatus;
import org.sparkprop.train.StopRequest;
import org.sparkprop.train.TargetMetric;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * The {@code train} command's work on the driver: start Spark, pack and cache the data, build the
 * network, run the synchronous round loop (resuming from the newest checkpoint if asked), evaluate
 * on the test set, and write {@code summary.json}, {@code metrics.jsonl}, the model and the report
 * folder into the output directory (any Hadoop file-system URI).
 */
public final class TrainJob {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TrainJob() {
  }

  /** Runs the job, resuming only a checkpoint of the same recipe if {@code resume}, and returns the summary it wrote. */
  public static ObjectNode run(TrainConfig cfg, String outputDir, boolean resume, PrintStream console) throws IOException {
    return run(cfg, outputDir, ResumePolicy.of(resume), console, new StopRequest());
  }

  /** Runs the job and returns the summary it wrote. */
  public static ObjectNode run(TrainConfig cfg, String outputDir, ResumePolicy resume, PrintStream console)
      throws IOException {
    return run(cfg, outputDir, resume, console, new StopRequest());
  }

  /**
   * Runs the job and returns the summary it wrote; {@code stop} ends the round loop early at a round
   * boundary, with a checkpoint, and the summary's {@code status} is then {@code interrupted} (no
   * model, no test evaluation: a stopped run is continued with {@code --resume}, not used).
   */
  public static ObjectNode run(TrainConfig cfg, String outputDir, ResumePolicy resume, PrintStream console,
                               StopRequest stop) throws IOException {
    long wallStart = System.nanoTime();
    RunPhases phases = RunPhases.begin();
    console.println("sparkprop: resolved configuration\n" + cfg.render());
    InProcessInput inProcess = InProcessInput.decide(cfg, SparkSessions.running());
    phases.end("config");
    String inputReason = inProcess.reason();
    if (inProcess.inProcess()) {
      ObjectNode summary = InProcessTrainJob.run(cfg, inProcess, outputDir, resume, console, stop, wallStart, phases);
      if (summary != null) return summary;
      inputReason = "train.execution = auto and the packed training data is larger than train.driverMaxBytes,"
          + " although its files are not (" + inProcess.reason() + ")";
    } else {
      console.println("input read and packed " + inProcess.sentence());
    }
    // Decided before Spark starts: the executors are launched with the kernel pinned.
    String kernel = Kernels.decide(cfg.math().kernel(), cfg.math().precision());
    SparkSession session = SparkSessions.create(cfg.spark().master(), cfg.spark().conf(), kernel);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    SparkTrainer.kernel(sc, cfg); // in local mode, refuses a kernel this JVM cannot run before the data is read
    String kernelReason = CpuKernels.reasonHere(cfg.math().kernel(), kernel);
    console.printf(Locale.ROOT, "spark %s, master %s; GEMM kernel of the job: %s (%s); driver's BLAS: %s%n",
        sc.version(), sc.master(), kernel, kernelReason, Kernels.description());
    phases.end("sparkStart");

    try (RunJobs jobs = RunJobs.start(sc, "train", RunJobs.newRunId("train"))) {
      console.println("run " + jobs.runId() + " (Spark job group " + jobs.jobGroup() + ")");
      jobs.describe("loading data");
      PartitionSizing partitioning = DataSets.partitioning(cfg);
      DataSets data = DataSets.load(cfg, sc, partitioning, console);
      phases.end("loading");
      try {
        console.println("training data: " + partitioning.explain(data.train().rows(),
            data.train().features() + data.train().targetWidth()));
        console.println(data.load().describe());
        return train(cfg, outputDir, resume, console, stop, sc, jobs, data, wallStart, kernel, inputReason, phases);
      } finally {
        data.unpersist();
      }
    }
  }

  /**
   * Trains on data already loaded and cached, in a session already started, and writes the run's
   * files into {@code outputDir}: the part of {@link #run} that the {@code sweep} job repeats per cell
   * over data it loaded once, so that a cell and a {@code train} run of its configuration are one path.
   */
  static ObjectNode train(TrainConfig cfg, String outputDir, ResumePolicy resume, PrintStream console,
                                  StopRequest stop, JavaSparkContext sc, RunJobs jobs, DataSets data, long wallStart,
                                  String kernel) throws IOException {
    return train(cfg, outputDir, resume, console, stop, sc, jobs, data, wallStart, kernel,
        "the data was loaded once with Spark for every run of the job", null);
  }

  /**
   * As above; {@code inputReason} says why the input was read with Spark rather than in the driver
   * alone; {@code phases}, when not null, times the run's phases from here on (printed at the end and
   * recorded in summary.json).
   */
  static ObjectNode train(TrainConfig cfg, String outputDir, ResumePolicy resume, PrintStream console,
                          StopRequest stop, JavaSparkContext sc, RunJobs jobs, DataSets data, long wallStart,
                          String kernel, String inputReason, RunPhases phases) throws IOException {
    Configuration hadoop = sc.hadoopConfiguration();
    console.println("data: " + data.description());
    NetworkSpec spec = SparkTrainer.network(TrainingRecipe.of(cfg), data.train());
    console.println("network: " + spec.describe());
    long cachedBytes = data.train().cachedBytes();
    long payload = 4L * data.train().rows() * (data.train().features() + data.train().targetWidth());
    console.printf(Locale.ROOT, "cached training data: %,d bytes (%.2f x its float32 size)%n", cachedBytes,
        payload == 0 ? 0 : (double) cachedBytes / payload);
    RowStore.Placement placement = data.train().placement();
    long bytesPerRound = Math.min(cfg.train().batchSize(), data.train().rows()) * data.train().rowBytes();
    String rowSource = String.format(Locale.ROOT, "rows from %s, %s/round", placement.source(), RowStore.size(bytesPerRound));
    console.println("training rows are read from " + placement.source() + ": " + placement.why());

    PackedDataset evalSet = data.validation() != null ? data.validation() : data.test();
    SparkTrainer.Prepared prepared = SparkTrainer.prepare(sc, cfg, spec, data.train(), evalSet,
        data.validation() != null, data.preprocessing(), resume, jobs);
    console.println("rounds run " + prepared.execution().sentence());
    if (resume.resumes()) {
      console.println(prepared.resumedFrom().isEmpty()
          ? "no checkpoint in " + cfg.checkpoint().dir() + ": starting from scratch"
          : String.format(Locale.ROOT, "resuming from %s: epoch %d, round %,d", prepared.resumedFrom(),
              prepared.start().epoch() + 1, prepared.start().round()));
      if (!prepared.changes().isEmpty()) {
        console.println("resuming with changes to the checkpoint's recipe (this run will not repeat an uninterrupted"
            + " one bit for bit):");
        for (JobRecipe.Change c : prepared.changes()) console.println("  " + c);
      }
    }
    TrainingLoop trainer = prepared.trainer().stopWhen(stop);

    FileSystem fs = new Path(outputDir).getFileSystem(hadoop);
    fs.mkdirs(new Path(outputDir));
    ObjectNode summary = JSON.createObjectNode();
    summary.put("runId", jobs.runId());
    summary.put("sparkJobGroup", jobs.jobGroup());
    summary.set("config", JSON.valueToTree(cfg.resolved()));
    summary.put("network", spec.describe());
    summary.put("data", data.description());
    summary.set("badRows", badRows(data));
    summary.put("sparkMaster", sc.master());
    summary.put("partitions", data.train().partitions());
    summary.put("input", "spark");
    summary.put("inputReason", inputReason);
    summary.put("execution", prepared.execution().onDriver() ? "driver" : "spark");
    summary.put("executionReason", prepared.execution().reason());
    summary.put("blas", Kernels.description());
    summary.put("rowsFrom", placement.source());
    summary.put("rowsFromReason", placement.why());
    summary.put("bytesReadPerRound", bytesPerRound);
    if (data.load() != null) summary.set("load", loadRecord(data.load()));
    summary.put("kernel", kernel);
    summary.put("kernelReason", CpuKernels.reasonHere(cfg.math().kernel(), kernel));
    summary.put("precision", cfg.math().precision().configName());
    summary.set("resume", resumeRecord(prepared));
    jobs.describe("sampling rows for the report");
    TrainingReport report = JobReport.create(cfg, data, spec, fs, new Path(outputDir, "report"));
    ProgressDisplay progress = ProgressDisplay.forConsole(console, cfg.train().logEveryRounds(), rowSource);
    TrainingResult result;
    try (OutputStream metricsOut = fs.create(new Path(outputDir, "metrics.jsonl"), true);
         MetricsLog metrics = new MetricsLog(metricsOut, cfg.train().logEveryRounds(), cfg.resolved())) {
      trainer.addListener(progress)
          .addListener(new BatchSizeAdvisor(progress::message))
          .addListener(metrics)
          .addListener(report);
      if (phases != null) trainer.addListener(phases.loopListener());
      TargetMetric target = prepared.target();
      if (target != null) {
        console.println("stopping at the first epoch whose " + (data.validation() != null ? "validation" : "test")
            + " " + target);
      }
      result = prepared.run().result();
    } catch (RuntimeException e) {
      summary.put("status", (e instanceof DivergenceException ? RunStatus.DIVERGED : RunStatus.FAILED).jsonName());
      summary.put("error", SparkErrors.userMessage(e));
      String checkpoint = newestCheckpoint(trainer, prepared);
      if (!checkpoint.isEmpty()) summary.put("checkpoint", checkpoint);
      writeSummary(fs, outputDir, summary);
      throw e;
    }
    summary.put("status", result.status().jsonName());
    summary.put("epochs", result.epochs());
    summary.put("rounds", result.rounds());
    summary.put("stoppedEarly", result.stoppedEarly());
    summary.put("stopReason", result.stopReason().configName());
    if (prepared.target() != null) {
      TargetMetric target = prepared.target();
      ObjectNode t = summary.putObject("stopAt");
      t.put("metric", target.metric());
      t.put("target", target.target());
      t.put("reachedAtEpoch", target.reachedAtEpoch());
    }
    summary.put("stopEpoch", result.epochs());
    summary.put("bestEpoch", result.bestEpoch());
    summary.put("trainLoss", result.trainLoss());
    if (result.interrupted()) {
      summary.put("interruption", result.interruption());
      String checkpoint = newestCheckpoint(trainer, prepared);
      if (checkpoint.isEmpty()) summary.putNull("checkpoint");
      else summary.put("checkpoint", checkpoint);
      summary.put("weightsSha256", WeightsDigest.sha256(result.params()));
      summary.put("wallSeconds", (System.nanoTime() - wallStart) / 1e9);
      writeSummary(fs, outputDir, summary);
      return summary;
    }

    ObjectNode testMetrics = JSON.createObjectNode();
    EvaluationAccumulator testStats = null;
    if (data.test() != null) {
      jobs.describe("evaluation on the test set");
      testStats = prepared.evaluator(data.test()).evaluate(result.params());
      for (Map.Entry<String, Double> m : testStats.metrics().entrySet()) testMetrics.put(m.getKey(), m.getValue());
      if (testStats.classes() > 0) testMetrics.set("confusionMatrix", JSON.valueToTree(testStats.confusionMatrix()));
    }
    summary.set("testMetrics", testMetrics);
    if (phases != null) phases.end("evaluation");
    if (data.train().targetWidth() > 1) {
      // Several outputs: their names, and the test metrics of each by name (testMetrics has them as name[j]).
      List<String> names = OutputNames.of(data.input(), data.train().targetWidth());
      summary.set("outputs", JSON.valueToTree(names));
      if (testStats != null) summary.set("testMetricsPerOutput", OutputNames.perOutput(testStats.metrics(), names));
    }
    summary.put("samplesPerSecond", result.samplesPerSecond());
    summary.put("loopSeconds", result.loopSeconds());
    summary.put("wallSeconds", (System.nanoTime() - wallStart) / 1e9);
    summary.put("cachedBytes", cachedBytes);
    summary.put("cachedBytesPerFloat32Payload", payload == 0 ? 0 : (double) cachedBytes / payload);
    summary.set("roundSplitMs", JSON.valueToTree(result.meanSplitMs()));
    summary.put("parameterCount", spec.parameterCount());
    summary.put("weightsSha256", WeightsDigest.sha256(result.params()));
    writeSummary(fs, outputDir, summary);
    jobs.describe("writing the model");
    ModelWriter.write(new Path(outputDir, "model").toString(), hadoop, spec, cfg, result, testMetrics, data, kernel);
    if (phases != null) phases.end("writing");
    int reportFiles = report.finish(summary, testStats, result.params()).size();
    printFinal(console, result, testMetrics, outputDir);
    console.printf(Locale.ROOT, "report: %s (%d files, %.1f s to draw)%n", new Path(outputDir, "report/index.html"),
        reportFiles, report.drawingSeconds());
    if (phases != null) recordPhases(phases, console, fs, outputDir, summary);
    return summary;
  }

  /**
   * Ends the report phase, prints the phases in one line and adds them to summary.json (written
   * again: the first write comes before the model and the report, so that a failure there keeps it).
   */
  static void recordPhases(RunPhases phases, PrintStream console, FileSystem fs, String outputDir, ObjectNode summary)
      throws IOException {
    phases.end("report");
    phases.close();
    console.println(phases.line());
    summary.set("phases", phases.toJson());
    writeSummary(fs, outputDir, summary);
  }

  /** The load phase in summary.json: its seconds, the input it read and how fast, in how many passes. */
  static ObjectNode loadRecord(DataSets.LoadPhase load) {
    ObjectNode o = JSON.createObjectNode();
    o.put("seconds", load.seconds());
    o.put("inputBytes", load.inputBytes());
    o.put("inputMBPerSecond", load.inputMBPerSecond());
    o.put("passes", load.passes());
    o.put("packedBytes", load.packedBytes());
    return o;
  }

  /**
   * Whether the run resumed, from which checkpoint, and the recipe changes accepted to do so; a run
   * with changes no longer promises the bits of an uninterrupted one.
   */
  private static ObjectNode resumeRecord(SparkTrainer.Prepared prepared) {
    return resumeRecord(prepared.resumedFrom(), prepared.changes());
  }

  static ObjectNode resumeRecord(String resumedFrom, List<JobRecipe.Change> accepted) {
    ObjectNode r = JSON.createObjectNode();
    r.put("from", resumedFrom);
    ArrayNode changes = r.putArray("changes");
    for (JobRecipe.Change c : accepted) {
      changes.addObject().put("key", c.key()).put("checkpoint", c.checkpoint()).put("run", c.run());
    }
    r.put("bitIdenticalToUninterrupted", accepted.isEmpty());
    return r;
  }

  /** The checkpoint a resume would start from: this run's newest, else the one it resumed from. */
  private static String newestCheckpoint(TrainingLoop trainer, SparkTrainer.Prepared prepared) {
    String written = trainer.lastCheckpoint();
    return written.isEmpty() ? prepared.resumedFrom() : written;
  }

  static void writeSummary(FileSystem fs, String outputDir, ObjectNode summary) throws IOException {
    try (OutputStream out = fs.create(new Path(outputDir, "summary.json"), true)) {
      out.write(JSON.writeValueAsString(summary).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Per input, the rows read and the bad rows skipped by reason (empty objects when none were bad). */
  private static ObjectNode badRows(DataSets data) {
    return badRows(data.badRows());
  }

  /** Per input, the rows read and the bad rows skipped by reason. */
  static ObjectNode badRows(Map<String, BadRowReport> reports) {
    ObjectNode all = JSON.createObjectNode();
    for (Map.Entry<String, BadRowReport> e : reports.entrySet()) {
      BadRowReport r = e.getValue();
      ObjectNode o = all.putObject(e.getKey());
      o.put("input", r.input());
      o.put("rows", r.rows());
      o.put("skipped", r.badRows());
      o.set("byReason", JSON.valueToTree(r.byReason()));
      if (r.firstBadRow() != null) o.put("first", r.firstBadRow());
    }
    return all;
  }

  static void printFinal(PrintStream console, TrainingResult result, ObjectNode testMetrics, String outputDir) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "done: %d epochs (%s%s), %,d rounds, train loss %.4f",
        result.epochs(), result.stopReason().description(),
        result.bestEpoch() > 0 ? "; kept the weights of epoch " + result.bestEpoch() : "", result.rounds(),
        result.trainLoss()));
    testMetrics.properties().forEach(e -> {
      if (e.getValue().isNumber()) sb.append(String.format(Locale.ROOT, ", test %s %.4f", e.getKey(), e.getValue().asDouble()));
    });
    sb.append(String.format(Locale.ROOT, ", %,.0f samples/s; wrote %s/summary.json", result.samplesPerSecond(), outputDir));
    console.println(sb);
  }
}
