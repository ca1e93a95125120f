package org.sparkprop.bench.spark;

import org.sparkprop.config.TrainingRecipe;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingResult;

/**
 * Sparkprop's half of the {@code fmnist} workload, in a JVM of its own (started by
 * {@link FmnistBench}) so that the clock covers what a user waits for: JVM and Spark start-up,
 * reading and packing the IDX files, training, and the test-set evaluation after every epoch. It
 * stops at the first epoch whose test accuracy reaches the target.
 *
 * <p>The test set is watched here because the benchmark's question is "how soon does each trainer
 * reach 85% test accuracy" (MLlib is scored on the same test set); the train command itself never
 * lets the test set steer training.
 *
 * <p>Arguments: master partitions dir batch learningRate maxEpochs targetAccuracy seed, then
 * optionally localSteps (train.localSteps, default 1) and {@code full} (train all maxEpochs and
 * report the final accuracy instead of stopping at the target). A {@code local-cluster} master
 * gets its executors' class path from {@link ClusterRun#EXECUTOR_CLASSPATH} and waits for them.
 */
public final class FmnistRun {
  private FmnistRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int partitions = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    int batch = Integer.parseInt(args[3]);
    double learningRate = Double.parseDouble(args[4]);
    int maxEpochs = Integer.parseInt(args[5]);
    double target = Double.parseDouble(args[6]);
    long seed = Long.parseLong(args[7]);
    int localSteps = args.length > 8 ? Integer.parseInt(args[8]) : 1;
    boolean full = args.length > 9 && args[9].equals("full");

    TrainConfig cfg = TrainConfig.load(null, List.of(
        "data.format=idx",
        "data.train=" + dir.resolve("train-images-idx3-ubyte.gz"),
        "data.trainLabels=" + dir.resolve("train-labels-idx1-ubyte.gz"),
        "data.test=" + dir.resolve("t10k-images-idx3-ubyte.gz"),
        "data.testLabels=" + dir.resolve("t10k-labels-idx1-ubyte.gz"),
        "model.hidden=[256, 128]", "model.activation=relu", "model.loss=cross_entropy",
        "train.optimizer=adam", "train.learningRate=" + learningRate, "train.batchSize=" + batch,
        "train.epochs=" + maxEpochs, "train.seed=" + seed, "train.localSteps=" + localSteps,
        "spark.master=\"" + master + "\"", "spark.partitions=" + partitions, "data.validationFraction=0"));
    JavaSparkContext sc = master.startsWith("local-cluster") ? ClusterRun.startCluster(master) : BenchSpark.start(master);
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      double sparkReady = sinceJvmStart();
      DataSets data = DataSets.load(cfg, sc, partitions);
      double dataReady = sinceJvmStart();
      NetworkSpec spec = SparkTrainer.network(TrainingRecipe.of(cfg), data.train());
      SparkTrainer.Prepared prepared = SparkTrainer.prepare(sc, cfg, spec, data.train(), data.test(), false,
          data.preprocessing(), ResumePolicy.FRESH);
      TargetWatch watch = new TargetWatch(target, !full);
      prepared.trainer().addListener(watch);
      TrainingResult result = prepared.run().result();
      out.put("trainer", "sparkprop");
      out.put("network", spec.describe());
      out.put("blas", Kernels.description());
      out.put("optimizer", "adam");
      out.put("learningRate", learningRate);
      out.put("localSteps", localSteps);
      out.put("master", master);
      out.put("roundSplitMs", result.meanSplitMs());
      out.put("loopSeconds", Bench.round(result.loopSeconds(), 2));
      out.put("batch", batch);
      out.put("partitions", data.train().partitions());
      out.put("sparkReadySeconds", Bench.round(sparkReady, 2));
      out.put("dataReadySeconds", Bench.round(dataReady, 2));
      out.put("epochs", watch.epochs);
      out.put("rounds", result.rounds());
      out.put("reached", watch.reachedAt >= 0);
      out.put("secondsToTarget", watch.reachedAt >= 0 ? Bench.round(watch.reachedAt, 2) : null);
      out.put("testAccuracy", watch.epochs.isEmpty() ? null : watch.epochs.get(watch.epochs.size() - 1).get("accuracy"));
      data.unpersist();
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }

  /** Seconds since this JVM started: JVM start-up is part of the time a user waits. */
  static double sinceJvmStart() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
  }

  /** Records every epoch's test accuracy and the time it was known; asks to stop at the target. */
  static final class TargetWatch implements TrainingListener {
    private final double target;
    private final boolean stopAtTarget;
    final List<Map<String, Object>> epochs = new ArrayList<>();
    double reachedAt = -1;

    TargetWatch(double target, boolean stopAtTarget) {
      this.target = target;
      this.stopAtTarget = stopAtTarget;
    }

    @Override
    public void onEpoch(EpochEvent event) {
      double accuracy = event.validation().get("accuracy");
      double at = sinceJvmStart();
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("epoch", event.epoch() + 1);
      e.put("accuracy", Bench.round(accuracy, 4));
      e.put("secondsFromJvmStart", Bench.round(at, 2));
      epochs.add(e);
      if (reachedAt < 0 && accuracy >= target) reachedAt = at;
    }

    @Override
    public boolean stopRequested() {
      return stopAtTarget && reachedAt >= 0;
    }
  }
}
