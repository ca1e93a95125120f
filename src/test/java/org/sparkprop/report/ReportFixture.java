package org.sparkprop.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.LocalTrainer;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;
import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.testing.TestOptimizers;

/** Real reports for tests: a small network trained by the single-JVM trainer with the report listening. */
final class ReportFixture {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a fixture run produced. */
  record Run(Path dir, List<String> files, TrainingReport report, ObjectNode summary) {
  }

  private ReportFixture() {
  }

  /** Two spirals (classification), 2-16-16-2, 500 training and 100 test rows. */
  static Run spiral(Path dir, int epochs) {
    Playground source = new Playground("spiral", 600, 0, 3);
    NetworkSpec spec = new NetworkSpec(2, new int[] {16, 16}, Activation.RELU, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    return run(dir, source, spec, 2, TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.ADAM), 0.02, epochs));
  }

  /** The Playground's plane (regression), a linear model, 400 training and 100 test rows. */
  static Run plane(Path dir, int epochs) {
    Playground source = new Playground("plane", 500, 0.1, 5);
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY, Loss.MSE);
    return run(dir, source, spec, 0, TrainingOptions.simple(OptimizerSettings.sgd(), 0.01, epochs));
  }

  /**
   * A one-feature regression, y = x^2 / 4 + noise for x in [-3, 3], fitted by 1-16-1 tanh (300
   * training and 100 test rows); the feature is named {@code size}.
   */
  static Run curve(Path dir, int epochs) {
    java.util.Random random = new java.util.Random(17);
    float[] x = new float[400]; // (rows, 1 feature)
    float[] y = new float[400]; // (rows, 1 target)
    for (int r = 0; r < x.length; r++) {
      x[r] = (float) (6 * random.nextDouble() - 3);
      y[r] = (float) (x[r] * x[r] / 4 + 0.05 * random.nextGaussian());
    }
    PackedBlock train = new PackedBlock(0, 300, 1, 1, java.util.Arrays.copyOf(x, 300), java.util.Arrays.copyOf(y, 300));
    PackedBlock test = new PackedBlock(300, 100, 1, 1, java.util.Arrays.copyOfRange(x, 300, 400),
        java.util.Arrays.copyOfRange(y, 300, 400));
    NetworkSpec spec = new NetworkSpec(1, new int[] {16}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
    return run(dir, "curve", "y = x^2 / 4 + noise", spec, 0, train, test, null, List.of("size"),
        TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.ADAM), 0.02, epochs));
  }

  private static Run run(Path dir, Playground source, NetworkSpec spec, int classes, TrainingOptions options) {
    int testRows = 100;
    int trainRows = (int) source.rows() - testRows;
    PackedBlock train = RowGenerators.pack(source, 0, trainRows);
    PackedBlock test = RowGenerators.pack(source, trainRows, testRows);
    return run(dir, source.name(), source.describe(), spec, classes, train, test, InputPlane.playground(source),
        null, options);
  }

  private static Run run(Path dir, String name, String description, NetworkSpec spec, int classes, PackedBlock train,
                         PackedBlock test, InputPlane plane, List<String> features, TrainingOptions options) {
    TrainingReport report = new TrainingReport(
        new TrainingReport.Inputs(spec, classes, train, test, "test", plane, features),
        ReportFiles.directory(dir));
    TrainingResult result = LocalTrainer.train(spec, train, 25, 11, options,
        params -> LocalTrainer.evaluate(spec, params, test, classes), report);
    EvaluationAccumulator testStats = LocalTrainer.evaluate(spec, result.params(), test, classes);
    ObjectNode summary = JSON.createObjectNode();
    summary.set("config", JSON.valueToTree(Map.of("train.epochs", options.epochs(), "data.playground.name", name)));
    summary.put("network", spec.describe());
    summary.put("data", description);
    summary.put("epochs", result.epochs());
    summary.put("rounds", result.rounds());
    summary.put("trainLoss", result.trainLoss());
    summary.set("testMetrics", JSON.valueToTree(testStats.metrics()));
    summary.set("roundSplitMs", JSON.valueToTree(result.meanSplitMs()));
    summary.put("weightsSha256", WeightsDigest.sha256(result.params()));
    List<String> files = report.finish(summary, testStats, result.params());
    return new Run(dir, files, report, summary);
  }
}
