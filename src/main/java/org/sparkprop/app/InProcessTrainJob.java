package org.sparkprop.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.driver.DriverTraining;
import org.sparkprop.driver.HeldSets;
import org.sparkprop.driver.InProcessInput;
import org.sparkprop.driver.LocalLoader;
import org.sparkprop.math.CpuKernels;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.report.BatchSizeAdvisor;
import org.sparkprop.report.MetricsLog;
import org.sparkprop.report.ProgressDisplay;
import org.sparkprop.report.TrainingReport;
import org.sparkprop.spark.Execution;
import org.sparkprop.spark.RunJobs;
import org.sparkprop.spark.SparkErrors;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.train.DivergenceException;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.PartitionWorkers;
import org.sparkprop.train.RunStatus;
import org.sparkprop.train.StopRequest;
import org.sparkprop.train.TargetMetric;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * The {@code train} command for small local data without Spark: when {@link InProcessInput} says
 * so, the input is read, scanned, packed, scaled and redistributed in the driver
 * ({@link LocalLoader}, the Spark pipeline's steps over the same splits) and the rounds run over
 * the held partitions ({@link DriverTraining}), so the weights are those of the same job with
 * Spark; no SparkContext is created. The files written are those of {@link TrainJob} (summary,
 * metrics, model, report), the summary saying {@code input = driver} and why.
 */
final class InProcessTrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessTrainJob.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private InProcessTrainJob() {
  }

  /**
   * Runs the job, or returns null without writing anything when {@code train.execution = auto} and
   * the packed training data turned out larger than {@code train.driverMaxBytes} (the caller then
   * starts Spark as usual).
   */
  static ObjectNode run(TrainConfig cfg, InProcessInput decision, String outputDir, ResumePolicy resume,
                        PrintStream console, StopRequest stop, long wallStart, RunPhases phases) throws IOException {
    String sentence = "input read and packed " + decision.sentence();
    console.println(sentence);
    LOG.info(sentence);
    String runId = RunJobs.newRunId("train");
    console.println("run " + runId + " (no Spark application: every step runs in this process)");
    Configuration hadoop = decision.hadoop() != null ? decision.hadoop()
        : InProcessInput.hadoop(decision.sparkConf());
    PartitionSizing partitioning = DataSets.partitioning(cfg);
    double loadStart = (System.nanoTime() - wallStart) / 1e9;
    phases.sparkNotStarted();
    HeldSets data = LocalLoader.load(cfg, decision, console);
    double loadSeconds = (System.nanoTime() - wallStart) / 1e9 - loadStart;
    phases.end("loading");
    long packed = data.train().packedBytes();
    String executionReason;
    if (cfg.train().execution() == TrainConfig.Execution.DRIVER) {
      executionReason = "train.execution = driver";
    } else if (packed <= cfg.train().driverMaxBytes()) {
      executionReason = "packed training data " + bytes(packed) + " <= train.driverMaxBytes " + bytes(cfg.train().driverMaxBytes());
    } else {
      console.println("packed training data " + bytes(packed) + " > train.driverMaxBytes "
          + bytes(cfg.train().driverMaxBytes()) + ": starting Spark to read it again (the rounds then run where train.execution = auto puts them)");
      return null;
    }
    console.println("training data: " + partitioning.explain(data.train().rows(),
        data.train().features() + data.train().targetWidth()));
    console.println("data: " + data.description());
    NetworkSpec spec = DriverTraining.network(cfg, data.train());
    console.println("network: " + spec.describe());
    boolean hasValidation = data.validation() != null;
    // The partitions of a round on the local master's cores, as Spark's local mode would compute them (the same bits).
    DriverTraining.Prepared prepared = DriverTraining.prepare(cfg, spec, data.train(),
        hasValidation ? data.validation() : data.test(), hasValidation, data.preprocessing(), resume, hadoop,
        PartitionWorkers.of(Execution.localCores(decision.sparkConf().get("spark.master"))));
    String kernel = prepared.kernel();
    String kernelReason = CpuKernels.reasonHere(cfg.math().kernel(), kernel);
    console.printf(Locale.ROOT, "GEMM kernel of the job: %s (%s); driver's BLAS: %s%n", kernel, kernelReason,
        Kernels.description());
    String rounds = "rounds run on the driver (" + executionReason + ")";
    console.println(rounds);
    LOG.info(rounds);
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
    long bytesPerRound = Math.min(cfg.train().batchSize(), data.train().rows()) * data.train().rowBytes();
    String rowSource = String.format(Locale.ROOT, "rows from the driver's heap, %s/round", bytes(bytesPerRound));

    FileSystem fs = new Path(outputDir).getFileSystem(hadoop);
    fs.mkdirs(new Path(outputDir));
    ObjectNode summary = JSON.createObjectNode();
    summary.put("runId", runId);
    summary.putNull("sparkJobGroup");
    summary.set("config", JSON.valueToTree(cfg.resolved()));
    summary.put("network", spec.describe());
    summary.put("data", data.description());
    summary.set("badRows", TrainJob.badRows(data.badRows()));
    summary.put("sparkMaster", decision.sparkConf().get("spark.master"));
    summary.put("spark", "not started");
    summary.put("partitions", data.train().partitions());
    summary.put("input", "driver");
    summary.put("inputReason", decision.reason());
    summary.put("execution", "driver");
    summary.put("executionReason", executionReason);
    summary.put("blas", Kernels.description());
    summary.put("rowsFrom", "driver heap");
    summary.put("rowsFromReason", "packed in the driver process without Spark");
    summary.put("bytesReadPerRound", bytesPerRound);
    summary.put("kernel", kernel);
    summary.put("kernelReason", kernelReason);
    summary.put("precision", cfg.math().precision().configName());
    summary.put("loadSeconds", loadSeconds);
    summary.set("resume", TrainJob.resumeRecord(prepared.resumedFrom(), prepared.changes()));
    TrainingReport report = JobReport.create(cfg, data, spec, fs, new Path(outputDir, "report"));
    ProgressDisplay progress = ProgressDisplay.forConsole(console, cfg.train().logEveryRounds(), rowSource);
    TrainingResult result;
    try (OutputStream metricsOut = fs.create(new Path(outputDir, "metrics.jsonl"), true);
         MetricsLog metrics = new MetricsLog(metricsOut, cfg.train().logEveryRounds(), cfg.resolved())) {
      trainer.addListener(progress)
          .addListener(new BatchSizeAdvisor(progress::message))
          .addListener(metrics)
          .addListener(report)
          .addListener(phases.loopListener());
      TargetMetric target = prepared.target();
      if (target != null) {
        console.println("stopping at the first epoch whose " + (hasValidation ? "validation" : "test") + " " + target);
      }
      result = trainer.run(prepared.start());
    } catch (RuntimeException e) {
      summary.put("status", (e instanceof DivergenceException ? RunStatus.DIVERGED : RunStatus.FAILED).jsonName());
      summary.put("error", SparkErrors.userMessage(e));
      String checkpoint = newestCheckpoint(trainer, prepared);
      if (!checkpoint.isEmpty()) summary.put("checkpoint", checkpoint);
      TrainJob.writeSummary(fs, outputDir, summary);
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
      TrainJob.writeSummary(fs, outputDir, summary);
      return summary;
    }

    ObjectNode testMetrics = JSON.createObjectNode();
    EvaluationAccumulator testStats = null;
    if (data.test() != null) {
      testStats = DriverTraining.evaluator(data.test(), spec, data.preprocessing()).evaluate(result.params());
      for (Map.Entry<String, Double> m : testStats.metrics().entrySet()) testMetrics.put(m.getKey(), m.getValue());
      if (testStats.classes() > 0) testMetrics.set("confusionMatrix", JSON.valueToTree(testStats.confusionMatrix()));
    }
    summary.set("testMetrics", testMetrics);
    phases.end("evaluation");
    if (data.train().targetWidth() > 1) {
      List<String> names = OutputNames.of(data.input(), data.train().targetWidth());
      summary.set("outputs", JSON.valueToTree(names));
      if (testStats != null) summary.set("testMetricsPerOutput", OutputNames.perOutput(testStats.metrics(), names));
    }
    long payload = data.train().packedBytes();
    summary.put("samplesPerSecond", result.samplesPerSecond());
    summary.put("loopSeconds", result.loopSeconds());
    summary.put("wallSeconds", (System.nanoTime() - wallStart) / 1e9);
    summary.put("cachedBytes", payload);
    summary.put("cachedBytesPerFloat32Payload", payload == 0 ? 0 : 1.0);
    summary.set("roundSplitMs", JSON.valueToTree(result.meanSplitMs()));
    summary.put("parameterCount", spec.parameterCount());
    summary.put("weightsSha256", WeightsDigest.sha256(result.params()));
    TrainJob.writeSummary(fs, outputDir, summary);
    ModelWriter.write(new Path(outputDir, "model").toString(), hadoop, spec, cfg, result, testMetrics,
        data.description(), data.train().partitions(), data.preprocessing(), data.input(), kernel);
    phases.end("writing");
    int reportFiles = report.finish(summary, testStats, result.params()).size();
    TrainJob.printFinal(console, result, testMetrics, outputDir);
    console.printf(Locale.ROOT, "report: %s (%d files, %.1f s to draw)%n", new Path(outputDir, "report/index.html"),
        reportFiles, report.drawingSeconds());
    TrainJob.recordPhases(phases, console, fs, outputDir, summary);
    return summary;
  }

  private static String newestCheckpoint(TrainingLoop trainer, DriverTraining.Prepared prepared) {
    String written = trainer.lastCheckpoint();
    return written.isEmpty() ? prepared.resumedFrom() : written;
  }

  private static String bytes(long n) {
    if (n < 1024) return n + " B";
    if (n < 1024L * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
  }
}
