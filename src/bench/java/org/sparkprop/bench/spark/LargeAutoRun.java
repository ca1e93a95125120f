package org.sparkprop.bench.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/**
 * The large-data check of the {@code small} workload, in a JVM of its own: generated data of the
 * given number of training rows (synthetic, 20 features, 2 classes, no test split), cached once,
 * then the same rounds trained with {@code train.execution = auto} (the default) and with
 * {@code spark}, alternating which goes first, after one untimed pair that warms the JIT up. Shows where auto
 * puts the rounds at this size and that it costs nothing against Spark jobs: the same weights, and a
 * round loop no slower. On a cluster master the packed rows exceed train.driverMaxBytes and auto keeps
 * Spark jobs; in local mode with the rows in memory it runs them on the driver's threads over the
 * cached blocks (no job a round), so the loop is expected faster there.
 *
 * <p>Arguments: master partitions rows rounds batch pairs (timed pairs).
 */
public final class LargeAutoRun {
  private LargeAutoRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int partitions = Integer.parseInt(args[1]);
    long rows = Long.parseLong(args[2]);
    long rounds = Long.parseLong(args[3]);
    int pairs = Integer.parseInt(args[5]);
    JavaSparkContext sc = BenchSpark.start(master);
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      TrainConfig auto = config(master, partitions, rows, rounds, args[4], "auto");
      TrainConfig spark = config(master, partitions, rows, rounds, args[4], "spark");
      DataSets data = DataSets.load(auto, sc, partitions);
      NetworkSpec spec = SparkTrainer.network(TrainingRecipe.of(auto), data.train());
      List<Double> autoSeconds = new ArrayList<>();
      List<Double> sparkSeconds = new ArrayList<>();
      String autoExecution = null;
      String autoSha = null;
      String sparkSha = null;
      // Pair 0 warms the JIT up (the first rounds of a JVM are several times slower) and is not counted.
      for (int pair = 0; pair <= pairs; pair++) {
        // Each run of a JVM is a little faster than the one before it (the JIT keeps compiling), so
        // the order alternates: auto first in odd pairs, spark first in even ones.
        for (TrainConfig cfg : pair % 2 == 1 ? new TrainConfig[] {auto, spark} : new TrainConfig[] {spark, auto}) {
          SparkTrainer.Prepared prepared = SparkTrainer.prepare(sc, cfg, spec, data.train(), null, false,
              data.preprocessing(), false);
          double start = FmnistRun.sinceJvmStart();
          TrainingResult result = prepared.run().result();
          double seconds = Bench.round(FmnistRun.sinceJvmStart() - start, 2);
          if (pair == 0) continue;
          if (cfg == auto) {
            autoSeconds.add(seconds);
            autoExecution = prepared.execution().describe();
            autoSha = WeightsDigest.sha256(result.params());
          } else {
            sparkSeconds.add(seconds);
            sparkSha = WeightsDigest.sha256(result.params());
          }
        }
      }
      // The median of the pairs' ratios: one slow run (another process took the cores) moves it less
      // than it moves a ratio of totals.
      double[] ratios = new double[autoSeconds.size()];
      for (int i = 0; i < ratios.length; i++) ratios[i] = autoSeconds.get(i) / sparkSeconds.get(i);
      java.util.Arrays.sort(ratios);
      double median = ratios.length % 2 == 1 ? ratios[ratios.length / 2]
          : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
      out.put("network", spec.describe());
      out.put("trainingRows", data.train().rows());
      out.put("partitions", data.train().partitions());
      out.put("roundsPerRun", rounds);
      out.put("autoExecution", autoExecution);
      out.put("autoLoopSeconds", autoSeconds);
      out.put("sparkLoopSeconds", sparkSeconds);
      out.put("autoVsSpark", Bench.round(median, 3));
      out.put("sameWeights", autoSha.equals(sparkSha));
      data.unpersist();
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }

  private static TrainConfig config(String master, int partitions, long rows, long rounds, String batch, String execution) {
    return TrainConfig.load(null, List.of("data.format=synthetic", "data.synthetic.rows=" + rows,
        "data.testFraction=0", "data.validationFraction=0", "model.hidden=16,16", "train.epochs=1000",
        "train.maxRounds=" + rounds, "train.batchSize=" + batch, "train.execution=" + execution,
        "train.logEveryRounds=100000", "spark.master=\"" + master + "\"", "spark.partitions=" + partitions));
  }
}
