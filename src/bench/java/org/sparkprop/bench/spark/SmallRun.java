package org.sparkprop.bench.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.driver.DriverTraining;
import org.sparkprop.driver.HeldSets;
import org.sparkprop.driver.InProcessInput;
import org.sparkprop.driver.LocalLoader;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * One run of the {@code small} workload in a JVM of its own (started by {@link SmallBench}), timed
 * from the JVM's start: Spark start-up, reading the digits CSV files, a fixed number of epochs
 * with the test set evaluated after each (as the {@code train} command does without validation
 * rows), and the final test evaluation, with the rounds where {@code train.execution} puts them;
 * {@code wallSplitSeconds} says which phase the wall time went to.
 *
 * <p>Arguments: master partitions dataDir execution epochs batch hiddenWidth; execution {@code inprocess}
 * is the {@code train} command's path without Spark for small local files ({@link #inProcess}).
 */
public final class SmallRun {
  private SmallRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int partitions = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    String execution = args[3];
    double mainStart = FmnistRun.sinceJvmStart();
    // As the train command does before it reads its configuration; this run draws no report.
    if (execution.equals("inprocess")) org.sparkprop.app.WarmUp.start(false);
    TrainConfig cfg = TrainConfig.load(null, List.of("data.format=csv",
        "data.train=" + dir.resolve("digits-train.csv").toAbsolutePath(),
        "data.test=" + dir.resolve("digits-test.csv").toAbsolutePath(), "data.labelColumn=label",
        "data.validationFraction=0", "model.hidden=" + args[6], "train.epochs=" + args[4], "train.batchSize=" + args[5],
        "train.execution=" + (execution.equals("inprocess") ? "auto" : execution), "train.logEveryRounds=100000", "spark.master=\"" + master + "\"",
        "spark.partitions=" + partitions));
    if (execution.equals("inprocess")) {
      ChildJvm.printResult(inProcess(cfg, mainStart));
      return;
    }
    JavaSparkContext sc = BenchSpark.start(master);
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      double sparkReady = FmnistRun.sinceJvmStart();
      DataSets data = DataSets.load(cfg, sc, partitions);
      double dataReady = FmnistRun.sinceJvmStart();
      NetworkSpec spec = SparkTrainer.network(TrainingRecipe.of(cfg), data.train());
      SparkTrainer.Prepared prepared = SparkTrainer.prepare(sc, cfg, spec, data.train(), data.test(), false,
          data.preprocessing(), false);
      double loopStart = FmnistRun.sinceJvmStart();
      TrainingResult result = prepared.run().result();
      double loopEnd = FmnistRun.sinceJvmStart();
      double accuracy = prepared.evaluator(data.test()).evaluate(result.params()).metrics().get("accuracy");
      double wall = FmnistRun.sinceJvmStart();
      // Where the wall time went, phase by phase (seconds; they add up to wallSecondsFromJvmStart).
      Map<String, Object> split = new LinkedHashMap<>();
      split.put("jvmToMain", Bench.round(mainStart, 2));
      split.put("sparkStart", Bench.round(sparkReady - mainStart, 2));
      split.put("readScaleCache", Bench.round(dataReady - sparkReady, 2));
      split.put("prepare", Bench.round(loopStart - dataReady, 2));
      split.put("roundLoopWithEpochEvaluations", Bench.round(loopEnd - loopStart, 2));
      split.put("finalEvaluation", Bench.round(wall - loopEnd, 2));
      out.put("execution", prepared.execution().describe());
      out.put("network", spec.describe());
      out.put("blas", Kernels.description());
      out.put("trainingRows", data.train().rows());
      out.put("partitions", data.train().partitions());
      out.put("epochs", result.epochs());
      out.put("rounds", result.rounds());
      out.put("sparkReadySeconds", Bench.round(sparkReady, 2));
      out.put("dataReadySeconds", Bench.round(dataReady - sparkReady, 2));
      out.put("prepareSeconds", Bench.round(loopStart - dataReady, 2));
      out.put("loopSeconds", Bench.round(loopEnd - loopStart, 2));
      out.put("meanRoundMs", result.meanSplitMs());
      out.put("wallSecondsFromJvmStart", Bench.round(wall, 2));
      out.put("wallSplitSeconds", split);
      out.put("testAccuracy", Bench.round(accuracy, 4));
      out.put("weightsSha256", WeightsDigest.sha256(result.params()));
      data.unpersist();
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }

  /**
   * The same run as the {@code train} command makes it for these files with {@code train.execution =
   * auto}: no Spark at all, the files read, packed and scaled in this process and the rounds run
   * over the held partitions; the same phases in {@code wallSplitSeconds} (Spark start-up 0).
   */
  private static Map<String, Object> inProcess(TrainConfig cfg, double mainStart) throws Exception {
    InProcessInput decision = InProcessInput.decide(cfg, org.sparkprop.spark.SparkSessions.running());
    if (!decision.inProcess()) throw new IllegalStateException("expected a run without Spark: " + decision.reason());
    double sparkReady = FmnistRun.sinceJvmStart();
    HeldSets data = LocalLoader.load(cfg, decision, System.err);
    double dataReady = FmnistRun.sinceJvmStart();
    NetworkSpec spec = DriverTraining.network(cfg, data.train());
    DriverTraining.Prepared prepared = DriverTraining.prepare(cfg, spec, data.train(), data.test(), false,
        data.preprocessing(), ResumePolicy.FRESH, new org.apache.hadoop.conf.Configuration());
    double loopStart = FmnistRun.sinceJvmStart();
    TrainingResult result = prepared.trainer().run(prepared.start());
    double loopEnd = FmnistRun.sinceJvmStart();
    double accuracy = DriverTraining.evaluator(data.test(), spec, data.preprocessing()).evaluate(result.params())
        .metrics().get("accuracy");
    double wall = FmnistRun.sinceJvmStart();
    Map<String, Object> split = new LinkedHashMap<>();
    split.put("jvmToMain", Bench.round(mainStart, 2));
    split.put("sparkStart", Bench.round(sparkReady - mainStart, 2));
    split.put("readScaleCache", Bench.round(dataReady - sparkReady, 2));
    split.put("prepare", Bench.round(loopStart - dataReady, 2));
    split.put("roundLoopWithEpochEvaluations", Bench.round(loopEnd - loopStart, 2));
    split.put("finalEvaluation", Bench.round(wall - loopEnd, 2));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("execution", "driver, without Spark (" + decision.reason() + ")");
    out.put("network", spec.describe());
    out.put("blas", Kernels.description());
    out.put("trainingRows", data.train().rows());
    out.put("partitions", data.train().partitions());
    out.put("epochs", result.epochs());
    out.put("rounds", result.rounds());
    out.put("sparkReadySeconds", Bench.round(sparkReady, 2));
    out.put("dataReadySeconds", Bench.round(dataReady - sparkReady, 2));
    out.put("prepareSeconds", Bench.round(loopStart - dataReady, 2));
    out.put("loopSeconds", Bench.round(loopEnd - loopStart, 2));
    out.put("meanRoundMs", result.meanSplitMs());
    out.put("wallSecondsFromJvmStart", Bench.round(wall, 2));
    out.put("wallSplitSeconds", split);
    out.put("testAccuracy", Bench.round(accuracy, 4));
    out.put("weightsSha256", WeightsDigest.sha256(result.params()));
    return out;
  }
}
