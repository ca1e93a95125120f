package org.sparkprop.spark.ml;

import java.io.Serializable;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.EvaluationAccumulator;

/**
 * Reads a network's outputs the way Spark ML reports a prediction: a raw score per class, class
 * probabilities, and the predicted class (or, for regression, the value).
 *
 * <p>Raw scores and probabilities by output layer:
 * <ul>
 *   <li>softmax: raw = the logits z, probability = softmax(z) (as Spark's MultilayerPerceptron);</li>
 *   <li>one sigmoid output: raw = (-z, z), probability = (1 - sigmoid(z), sigmoid(z)) (as Spark's
 *       LogisticRegression);</li>
 *   <li>one identity or step output a (a regression on 0/1 targets, the perceptron): raw =
 *       (1 - a, a), probability = (1 - c, c) with c = a clipped to [0, 1];</li>
 *   <li>several sigmoid outputs: raw = z, probability = sigmoid(z) normalised to sum 1; several
 *       identity or step outputs: raw = a, probability = max(a, 0) normalised (uniform if all are
 *       zero).</li>
 *   <li>several independent 0/1 labels (a multi-label classifier: sigmoid outputs trained with bce on a
 *       vector label, no classes): raw = z, one logit per label; probability = each label's own
 *       sigmoid, not normalised (the labels are independent, so they need not sum to 1); prediction =
 *       1 for each label whose sigmoid output is at least 0.5, else 0, the rule of the multi-label
 *       metrics.</li>
 * </ul>
 * Without thresholds the predicted class follows the rule behind the command line's accuracy
 * ({@link EvaluationAccumulator#predictClass}: the arg-max of the outputs, or class 1 when a single
 * output is at least 0.5), so a model's predictions agree with the accuracy its fit reported. With
 * thresholds it is Spark's rule: the arg-max of probability / threshold.
 */
final class OutputReading implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Activation output;
  private final int outputs;
  private final int classes; // 0 for regression and multi-label
  private final boolean multiLabel;
  private final TargetScaling target;

  OutputReading(NetworkSpec spec, int classes) {
    this(spec, classes, TargetScaling.IDENTITY);
  }

  /** @param target maps a regression output back to the target's units */
  OutputReading(NetworkSpec spec, int classes, TargetScaling target) {
    this.output = spec.outputActivation();
    this.outputs = spec.outputs();
    this.classes = classes;
    this.multiLabel = EvaluationAccumulator.multiLabel(spec, classes);
    this.target = target;
  }

  /** Whether the outputs are several independent 0/1 labels rather than classes or values. */
  boolean isMultiLabel() {
    return multiLabel;
  }

  /** Labels per row of a multi-label model (its outputs); 1 otherwise. */
  int labels() {
    return multiLabel ? outputs : 1;
  }

  /**
   * Each label's probability of row r of a multi-label model: the network's float32 sigmoid
   * outputs themselves, the numbers the predict command writes and the metrics threshold.
   */
  double[] labelProbabilities(Workspace ws, int r) {
    double[] p = new double[outputs];
    float[] a = ws.output();
    for (int j = 0; j < outputs; j++) p[j] = a[r * outputs + j];
    return p;
  }

  /** Each label's 0/1 prediction of row r of a multi-label model: 1 where its output is at least 0.5. */
  double[] labelPredictions(Workspace ws, int r) {
    double[] p = new double[outputs];
    float[] a = ws.output();
    for (int j = 0; j < outputs; j++) p[j] = a[r * outputs + j] >= 0.5f ? 1 : 0;
    return p;
  }

  /** Raw scores of row r of the last forward pass in {@code ws}; (classes). */
  double[] raw(Workspace ws, int r) {
    float[] z = ws.outputPreActivation();
    float[] a = ws.output();
    int o = r * outputs;
    double[] raw = new double[multiLabel ? outputs : classes];
    if (outputs == 1) {
      double v = output == Activation.SIGMOID ? z[o] : a[o];
      raw[0] = output == Activation.SIGMOID ? -v : 1 - v;
      raw[1] = v;
    } else {
      float[] source = output == Activation.SOFTMAX || output == Activation.SIGMOID ? z : a;
      for (int j = 0; j < outputs; j++) raw[j] = source[o + j];
    }
    return raw;
  }

  /** Turns raw scores into class probabilities, in place. */
  double[] probabilityInPlace(double[] raw) {
    if (multiLabel) {
      for (int j = 0; j < raw.length; j++) raw[j] = sigmoid(raw[j]); // independent labels: not normalised
      return raw;
    }
    if (outputs == 1) {
      double p = output == Activation.SIGMOID ? sigmoid(raw[1]) : Math.min(1, Math.max(0, raw[1]));
      raw[0] = 1 - p;
      raw[1] = p;
      return raw;
    }
    if (output == Activation.SOFTMAX) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : raw) max = Math.max(max, v);
      for (int j = 0; j < raw.length; j++) raw[j] = Math.exp(raw[j] - max); // shifted: never overflows
    } else {
      for (int j = 0; j < raw.length; j++) raw[j] = output == Activation.SIGMOID ? sigmoid(raw[j]) : Math.max(0, raw[j]);
    }
    double sum = 0;
    for (double v : raw) sum += v;
    for (int j = 0; j < raw.length; j++) raw[j] = sum > 0 ? raw[j] / sum : 1.0 / raw.length;
    return raw;
  }

  /** The predicted class of row r without thresholds: the rule of the reported accuracy. */
  int predictedClass(Workspace ws, int r) {
    return EvaluationAccumulator.predictClass(ws.output(), r * outputs, outputs);
  }

  /** The same rule applied to raw scores (for Spark's raw2prediction). */
  int predictedClassFromRaw(double[] raw) {
    if (outputs == 1) {
      double v = raw[1];
      double a = output == Activation.SIGMOID ? sigmoid(v) : v;
      return a >= 0.5 ? 1 : 0;
    }
    int best = 0;
    for (int j = 1; j < raw.length; j++) {
      if (raw[j] > raw[best]) best = j;
    }
    return best;
  }

  /** Spark's rule with thresholds: the arg-max of probability / threshold (a zero threshold wins unless p is 0). */
  static int predictedClass(double[] probability, double[] thresholds) {
    int best = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < probability.length; i++) {
      double scaled = probability[i] / thresholds[i];
      if (scaled > max) {
        max = scaled;
        best = i;
      }
    }
    return best;
  }

  boolean isRegression() {
    return classes == 0 && !multiLabel;
  }

  /** The regression value of row r, in the target's units (the same float arithmetic as the evaluation's). */
  double value(Workspace ws, int r) {
    return value(ws, r, 0);
  }

  /** Output j of row r in its target's units: one of several targets. */
  double value(Workspace ws, int r, int j) {
    return (double) ws.output()[r * outputs + j] * target.scale(j) + target.shift(j);
  }

  /** The regression values of row r, one per target, in their units. */
  double[] values(Workspace ws, int r) {
    double[] v = new double[outputs];
    for (int j = 0; j < outputs; j++) v[j] = value(ws, r, j);
    return v;
  }

  /** Targets a regression predicts per row: 1, or several (a vector label). */
  int targets() {
    return isRegression() ? outputs : 1;
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}
