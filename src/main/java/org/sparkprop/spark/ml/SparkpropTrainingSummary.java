package org.sparkprop.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.config.JobRecipe;

/**
 * How a model was fitted: the loss per epoch, the validation metrics per epoch (when
 * {@code validationFraction > 0}), the final metrics on the training and validation rows, and the
 * run's size and speed. Saved with the model and restored on load. Immutable.
 *
 * <p>Metrics are those of the command line's {@code summary.json}: {@code loss}, then
 * {@code accuracy} for classification or {@code mse}, {@code mae}, {@code r2} for regression.
 */
public final class SparkpropTrainingSummary implements Serializable {
  private static final long serialVersionUID = 2L;

  private final String network;
  private final int epochs;
  private final long rounds;
  private final String stopReason;
  private final int bestEpoch;
  private final String execution;
  private final boolean resumed;
  private final String kernel;
  private final List<JobRecipe.Change> resumeChanges;
  private final double[] lossHistory;
  private final List<Map<String, Double>> validationHistory;
  private final Map<String, Double> trainingMetrics;
  private final Map<String, Double> validationMetrics;
  private final long trainingRows;
  private final long validationRows;
  private final int partitions;
  private final double samplesPerSecond;
  private final double loopSeconds;
  private final Map<String, Double> meanRoundMs;
  private final String weightsSha256;

  SparkpropTrainingSummary(String network, int epochs, long rounds, String stopReason, int bestEpoch, String execution,
                           boolean resumed, String kernel, List<JobRecipe.Change> resumeChanges,
                           double[] lossHistory, List<Map<String, Double>> validationHistory,
                           Map<String, Double> trainingMetrics, Map<String, Double> validationMetrics,
                           long trainingRows, long validationRows, int partitions, double samplesPerSecond,
                           double loopSeconds, Map<String, Double> meanRoundMs, String weightsSha256) {
    this.network = network;
    this.epochs = epochs;
    this.rounds = rounds;
    this.stopReason = stopReason;
    this.bestEpoch = bestEpoch;
    this.execution = execution;
    this.resumed = resumed;
    this.kernel = kernel;
    this.resumeChanges = List.copyOf(resumeChanges);
    this.lossHistory = lossHistory.clone();
    List<Map<String, Double>> history = new ArrayList<>();
    for (Map<String, Double> m : validationHistory) history.add(Collections.unmodifiableMap(new LinkedHashMap<>(m)));
    this.validationHistory = Collections.unmodifiableList(history);
    this.trainingMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(trainingMetrics));
    this.validationMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(validationMetrics));
    this.trainingRows = trainingRows;
    this.validationRows = validationRows;
    this.partitions = partitions;
    this.samplesPerSecond = samplesPerSecond;
    this.loopSeconds = loopSeconds;
    this.meanRoundMs = Collections.unmodifiableMap(new LinkedHashMap<>(meanRoundMs));
    this.weightsSha256 = weightsSha256;
  }

  /** The architecture, e.g. "2-16-16-2 (relu hidden, softmax output, cross_entropy loss, 354 parameters)". */
  public String network() {
    return network;
  }

  /** Epochs completed, counting those before a resume. */
  public int epochs() {
    return epochs;
  }

  /** Rounds (optimizer steps) completed, counting those before a resume. */
  public long rounds() {
    return rounds;
  }

  /** Whether the fit ended before its epoch limit (converged, or asked to stop). */
  public boolean stoppedEarly() {
    return stopReason.equals("converged") || stopReason.equals("target") || stopReason.equals("listener");
  }

  /**
   * Why the fit ended: {@code epochs} (a fixed epochs param ran out), {@code converged} (no
   * improvement by tol for earlyStoppingPatience epochs), {@code max_epochs} (maxIter came first),
   * {@code round_limit} (maxRounds came first), {@code target} (stopAt was reached) or {@code listener}.
   */
  public String stopReason() {
    return stopReason;
  }

  /** The 1-based epoch whose weights the model has when the best were restored (restoreBestWeights); 0 otherwise. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** Where the rounds ran and why: "driver (...)" or "spark (...)", as the execution param decided. */
  public String execution() {
    return execution;
  }

  /** Whether the fit continued from a checkpoint. */
  public boolean resumed() {
    return resumed;
  }

  /**
   * The GEMM kernel every task of the fit computed with (the math.kernel param decided it; the
   * command line's summary.json {@code kernel}); empty for a model saved before it was recorded.
   */
  public String kernel() {
    return kernel;
  }

  /**
   * The differences from the checkpoint's recipe that resumeWithChanges accepted to resume, each
   * with its configuration key and both values; empty for a fresh fit or a resume with the same recipe.
   */
  public List<JobRecipe.Change> resumeChanges() {
    return resumeChanges;
  }

  /**
   * Whether the weights are those an uninterrupted fit with these params and data would give:
   * false once a resume accepted changes to the recipe.
   */
  public boolean bitIdenticalToUninterrupted() {
    return resumeChanges.isEmpty();
  }

  /** Mean training loss of each epoch this fit ran, in order (epochs before a resume are not included). */
  public double[] lossHistory() {
    return lossHistory.clone();
  }

  /** Validation metrics after each epoch this fit ran; empty without validation rows. */
  public List<Map<String, Double>> validationHistory() {
    return validationHistory;
  }

  /** Metrics of the final weights on the training rows. */
  public Map<String, Double> trainingMetrics() {
    return trainingMetrics;
  }

  /** Metrics of the final weights on the validation rows; empty without validation rows. */
  public Map<String, Double> validationMetrics() {
    return validationMetrics;
  }

  /**
   * The training metrics of each output of a model of several outputs, in output order: per label of a
   * multi-label classifier {@code accuracy} and {@code f1}; per target of a multi-target regression
   * {@code mse}, {@code mae} and {@code r2}. {@link #trainingMetrics()} holds the same as
   * {@code "name[k]"} beside the overall ones (a multi-label model's {@code accuracy} is the subset
   * accuracy; {@code hammingLoss}, {@code microF1}, {@code macroF1}). Empty for a single output.
   */
  public List<Map<String, Double>> trainingMetricsPerOutput() {
    return perOutput(trainingMetrics);
  }

  /** As {@link #trainingMetricsPerOutput()}, on the validation rows; empty without validation rows. */
  public List<Map<String, Double>> validationMetricsPerOutput() {
    return perOutput(validationMetrics);
  }

  /** The "name[k]" entries of a metrics map, grouped by k. */
  static List<Map<String, Double>> perOutput(Map<String, Double> metrics) {
    java.util.regex.Pattern indexed = java.util.regex.Pattern.compile("(.+)\\[(\\d+)\\]");
    List<Map<String, Double>> out = new java.util.ArrayList<>();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      java.util.regex.Matcher m = indexed.matcher(e.getKey());
      if (!m.matches()) continue;
      int k = Integer.parseInt(m.group(2));
      while (out.size() <= k) out.add(new java.util.LinkedHashMap<>());
      out.get(k).put(m.group(1), e.getValue());
    }
    return out.stream().map(java.util.Collections::unmodifiableMap).toList();
  }

  public long trainingRows() {
    return trainingRows;
  }

  public long validationRows() {
    return validationRows;
  }

  /** Partitions the training rows were packed into. */
  public int partitions() {
    return partitions;
  }

  /** Training rows processed per second of the round loop. */
  public double samplesPerSecond() {
    return samplesPerSecond;
  }

  public double loopSeconds() {
    return loopSeconds;
  }

  /** Mean milliseconds per round spent in broadcast, compute, aggregate, update and other. */
  public Map<String, Double> meanRoundMs() {
    return meanRoundMs;
  }

  /**
   * SHA-256 of the final float32 weights (little-endian), as in the command line's
   * {@code summary.json}: equal digests mean bit-identical weights.
   */
  public String weightsSha256() {
    return weightsSha256;
  }

  @Override
  public String toString() {
    return "SparkpropTrainingSummary(" + network + ", " + epochs + " epochs (" + stopReason
        + (bestEpoch > 0 ? ", weights of epoch " + bestEpoch : "") + "), " + rounds + " rounds, training "
        + trainingMetrics + (validationMetrics.isEmpty() ? "" : ", validation " + validationMetrics)
        + (kernel.isEmpty() ? "" : ", kernel " + kernel)
        + (resumeChanges.isEmpty() ? "" : ", resumed with changes " + resumeChanges) + ")";
  }
}
