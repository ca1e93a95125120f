package org.sparkprop.bench.spark;

import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.optim.OptimizerSettings;

/** The Spark session and the shared settings of the benchmark workloads. */
public final class BenchSpark {
  private BenchSpark() {
  }

  /** A session with Sparkprop's defaults (as the train command runs), loopback only, no UI. */
  public static JavaSparkContext start(String master) {
    SparkSession session = SparkSessions.create(master, Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false",
        "spark.app.name", "sparkprop-bench"));
    return JavaSparkContext.fromSparkContext(session.sparkContext());
  }

  public static void stop() {
    SparkSession.active().stop();
  }

  /** A ReLU network with a softmax cross-entropy output, e.g. widths 256, 512, 256, 10. */
  static NetworkSpec mlp(int... widths) {
    int[] hidden = java.util.Arrays.copyOfRange(widths, 1, widths.length - 1);
    return new NetworkSpec(widths[0], hidden, Activation.RELU, widths[widths.length - 1], Activation.SOFTMAX,
        Loss.CROSS_ENTROPY);
  }

  static TrainingOptions sgd(long rounds) {
    return TrainingOptions.simple(OptimizerSettings.sgd(), 0.01, Integer.MAX_VALUE).withMaxRounds(rounds);
  }

  static String widths(NetworkSpec spec) {
    StringBuilder sb = new StringBuilder();
    int[] w = spec.layout().widths();
    for (int i = 0; i < w.length; i++) sb.append(i == 0 ? "" : "-").append(w[i]);
    return sb.toString();
  }
}
