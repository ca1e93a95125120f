package org.sparkprop.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkprop.data.RowBlock;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * Sufficient statistics for evaluation metrics over any set of rows, mergeable across
 * partitions: the loss sum, and either a confusion matrix (classification) or the sums behind
 * MSE, MAE and R² (regression).
 *
 * <p>Classification: with several outputs the prediction is the arg-max; with one output it is
 * class 1 when the output is at least 0.5 (sigmoid probability, perceptron step, or a regression
 * output trained on 0/1 targets).
 *
 * <p>Sample weights: when the rows carry them, the loss, accuracy, MSE, MAE and R² are weighted
 * means (sum w_i m_i / sum w_i), as Spark ML's evaluators and training summaries weigh them with a
 * {@code weightCol}; the confusion matrix (and the per-class figures drawn from it) still counts rows.
 *
 * <p>Regression: when the network learnt a standardised target, {@link #inTargetUnits} makes MSE,
 * MAE and R² be measured in the target's own units, as predictions are reported; the loss stays
 * in the units the network was trained in. With several targets the sums are also kept per
 * target: MSE and MAE overall are over every value, R² overall is the mean of the per-target R²
 * (scikit-learn's {@code r2_score} with its default uniform average).
 *
 * <p>Multi-label (no classes, several outputs, loss bce): each output is an independent 0/1 label
 * predicted as 1 at a probability of at least 0.5; per output the true/false positives/negatives,
 * and the rows whose every label is right (subset accuracy, scikit-learn's {@code accuracy_score}).
 */
public final class EvaluationAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  int classes;        // 0 for regression
  double lossSum;
  long count;
  long[] confusion;   // (classes, classes): row = true class, column = predicted class
  double sumSquaredError;
  double sumAbsoluteError;
  double sumTarget;
  double sumTargetSquared;
  long targetValues;  // number of target values (rows x outputs) behind the regression sums
  boolean weighted;   // some rows added carried sample weights: the weighted sums below are the metrics' own
  double weightSum;   // sum of the rows' weights (= count for unweighted rows)
  double correctWeight;      // classification: weight of the rows predicted right
  double targetWeight;       // regression: weight behind the sums (rows x outputs, each its row's weight)
  float targetShift;  // regression outputs and targets are compared as value * targetScale + targetShift
  float targetScale = 1f;
  float[] targetShifts; // (outputs) per-output shift and scale of several targets; null: the pair above for all
  float[] targetScales; // (outputs)
  // Several regression targets: per-target sums, null with one output. (targets) each.
  double[] perSquaredError;
  double[] perAbsoluteError;
  double[] perTarget;
  double[] perTargetSquared;
  // Multi-label: (outputs, 4) true positives, false positives, false negatives, true negatives; null otherwise.
  long[] labelCounts;
  long subsetCorrect; // rows whose every label is predicted right

  public EvaluationAccumulator(int classes) {
    this.classes = classes;
    this.confusion = new long[Math.max(classes, 0) * Math.max(classes, 0)];
  }

  EvaluationAccumulator() {
  }

  /** Measures regression errors in the target's units: value * scale + shift (see TargetScaling). */
  public EvaluationAccumulator inTargetUnits(float shift, float scale) {
    this.targetShift = shift;
    this.targetScale = scale;
    return this;
  }

  /** Measures regression errors in the targets' units, each output with its own shift and scale. */
  public EvaluationAccumulator inTargetUnits(org.sparkprop.data.TargetScaling scaling) {
    this.targetShift = scaling.shift();
    this.targetScale = scaling.scale();
    if (scaling.targets() > 1) {
      this.targetShifts = scaling.shifts();
      this.targetScales = scaling.scales();
    }
    return this;
  }

  /** Whether the rows are multi-label: several independent 0/1 outputs trained with bce, no classes. */
  public static boolean multiLabel(NetworkSpec spec, int classes) {
    return classes == 0 && spec.loss() == org.sparkprop.nn.Loss.BCE && spec.outputs() > 1;
  }

  /** Adds every row of the block. */
  public void add(DenseNetwork network, float[] params, RowBlock block, Workspace ws) {
    NetworkSpec spec = network.spec();
    int outputs = spec.outputs();
    int tw = block.targetWidth();
    boolean multiLabel = multiLabel(spec, classes);
    int perOutputs = Math.min(outputs, tw);
    if (multiLabel && labelCounts == null) labelCounts = new long[4 * perOutputs];
    if (!multiLabel && classes == 0 && perOutputs > 1 && perSquaredError == null) {
      perSquaredError = new double[perOutputs];
      perAbsoluteError = new double[perOutputs];
      perTarget = new double[perOutputs];
      perTargetSquared = new double[perOutputs];
    }
    boolean w = block.weighted();
    weighted |= w;
    for (int start = 0; start < block.rows(); start += ws.capacity()) {
      int n = Math.min(ws.capacity(), block.rows() - start);
      block.copyRows(start, n, ws.input, 0, ws.target, 0);
      if (w) block.copyWeights(start, n, ws.weight, 0);
      // Loss with the same fused, stable formulas as training.
      lossSum += network.forwardLoss(params, n, tw, w, ws);
      float[] out = ws.output();
      count += n;
      for (int r = 0; r < n; r++) {
        double wr = w ? ws.weight[r] : 1.0;
        weightSum += wr;
        if (classes > 0) {
          int truth = (int) ws.target[r * tw];
          int predicted = predictClass(out, r * outputs, outputs);
          confusion[truth * classes + predicted]++;
          if (truth == predicted) correctWeight += wr;
        } else if (multiLabel) {
          boolean allRight = true;
          for (int j = 0; j < perOutputs; j++) {
            boolean truth = ws.target[r * tw + j] >= 0.5f;
            boolean predicted = out[r * outputs + j] >= 0.5f;
            labelCounts[4 * j + (truth ? (predicted ? 0 : 2) : (predicted ? 1 : 3))]++;
            allRight &= truth == predicted;
          }
          if (allRight) subsetCorrect++;
        } else {
          for (int j = 0; j < perOutputs; j++) {
            float scale = targetScales == null ? targetScale : targetScales[j];
            float shift = targetShifts == null ? targetShift : targetShifts[j];
            double t = (double) ws.target[r * tw + j] * scale + shift;
            double e = ((double) out[r * outputs + j] * scale + shift) - t;
            // x * 1.0 is exact: unweighted rows add what they always added.
            sumSquaredError += e * e * wr;
            sumAbsoluteError += Math.abs(e) * wr;
            sumTarget += t * wr;
            sumTargetSquared += t * t * wr;
            targetValues++;
            targetWeight += wr;
            if (perSquaredError != null) {
              perSquaredError[j] += e * e * wr;
              perAbsoluteError[j] += Math.abs(e) * wr;
              perTarget[j] += t * wr;
              perTargetSquared[j] += t * t * wr;
            }
          }
        }
      }
    }
  }

  /**
   * The class predicted from one row of outputs starting at {@code offset}: the rule behind the
   * reported accuracy, shared with everything else that predicts a class.
   */
  public static int predictClass(float[] out, int offset, int outputs) {
    if (outputs == 1) return out[offset] >= 0.5f ? 1 : 0;
    int best = 0;
    for (int j = 1; j < outputs; j++) {
      if (out[offset + j] > out[offset + best]) best = j;
    }
    return best;
  }

  public EvaluationAccumulator merge(EvaluationAccumulator o) {
    lossSum += o.lossSum;
    count += o.count;
    for (int i = 0; i < confusion.length; i++) confusion[i] += o.confusion[i];
    sumSquaredError += o.sumSquaredError;
    sumAbsoluteError += o.sumAbsoluteError;
    sumTarget += o.sumTarget;
    sumTargetSquared += o.sumTargetSquared;
    targetValues += o.targetValues;
    perSquaredError = add(perSquaredError, o.perSquaredError);
    perAbsoluteError = add(perAbsoluteError, o.perAbsoluteError);
    perTarget = add(perTarget, o.perTarget);
    perTargetSquared = add(perTargetSquared, o.perTargetSquared);
    if (o.labelCounts != null) {
      if (labelCounts == null) {
        labelCounts = o.labelCounts.clone();
      } else {
        for (int i = 0; i < labelCounts.length; i++) labelCounts[i] += o.labelCounts[i];
      }
    }
    subsetCorrect += o.subsetCorrect;
    weighted |= o.weighted;
    weightSum += o.weightSum;
    correctWeight += o.correctWeight;
    targetWeight += o.targetWeight;
    return this;
  }

  private static double[] add(double[] into, double[] from) {
    if (from == null) return into;
    if (into == null) return from.clone();
    for (int i = 0; i < into.length; i++) into[i] += from[i];
    return into;
  }

  public long count() {
    return count;
  }

  public int classes() {
    return classes;
  }

  /** (classes, classes) confusion matrix, row = true class. */
  public long[][] confusionMatrix() {
    long[][] m = new long[classes][classes];
    for (int t = 0; t < classes; t++) {
      for (int p = 0; p < classes; p++) m[t][p] = confusion[t * classes + p];
    }
    return m;
  }

  /** Whether these are multi-label statistics (several independent 0/1 outputs). */
  public boolean multiLabel() {
    return labelCounts != null;
  }

  /** Outputs with their own metrics: the targets of a multi-target regression or the labels of a multi-label set; else 0. */
  public int perOutputs() {
    return labelCounts != null ? labelCounts.length / 4 : perSquaredError != null ? perSquaredError.length : 0;
  }

  /** Multi-label counts of output {@code j}: true positives, false positives, false negatives, true negatives. */
  public long[] labelCounts(int j) {
    return java.util.Arrays.copyOfRange(labelCounts, 4 * j, 4 * j + 4);
  }

  /**
   * Named metrics: loss, then accuracy (classification), or mse, mae, r2 (regression), or accuracy
   * (subset accuracy), hammingLoss, microF1, macroF1 (multi-label). With several outputs, each
   * output's own metrics follow as {@code name[j]} (j from 0 in output order): mse, mae, r2 of a
   * target; accuracy, f1 of a label.
   */
  public Map<String, Double> metrics() {
    if (weighted) return weightedMetrics();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", count == 0 ? Double.NaN : lossSum / count);
    if (labelCounts != null) {
      multiLabelMetrics(m);
    } else if (classes > 0) {
      long correct = 0;
      for (int c = 0; c < classes; c++) correct += confusion[c * classes + c];
      m.put("accuracy", count == 0 ? Double.NaN : (double) correct / count);
    } else {
      double n = targetValues;
      double mse = sumSquaredError / n;
      double variance = sumTargetSquared / n - (sumTarget / n) * (sumTarget / n);
      m.put("mse", mse);
      m.put("mae", sumAbsoluteError / n);
      if (perSquaredError == null) {
        m.put("r2", variance > 0 ? 1 - mse / variance : Double.NaN);
      } else {
        perTargetMetrics(m, count);
      }
    }
    return m;
  }

  /**
   * R² as the mean of the targets' R² (scikit-learn's uniform average), then each target's mse, mae
   * and r2, over {@code rows}: the row count, or the rows' weight sum when they are weighted.
   */
  private void perTargetMetrics(Map<String, Double> m, double rows) {
    int k = perSquaredError.length;
    double[] r2 = new double[k];
    double meanR2 = 0;
    for (int j = 0; j < k; j++) {
      double v = perTargetSquared[j] / rows - (perTarget[j] / rows) * (perTarget[j] / rows);
      r2[j] = v > 0 ? 1 - perSquaredError[j] / rows / v : Double.NaN;
      meanR2 += r2[j];
    }
    m.put("r2", meanR2 / k);
    for (int j = 0; j < k; j++) {
      m.put("mse[" + j + "]", perSquaredError[j] / rows);
      m.put("mae[" + j + "]", perAbsoluteError[j] / rows);
      m.put("r2[" + j + "]", r2[j]);
    }
  }

  private void multiLabelMetrics(Map<String, Double> m) {
    int k = labelCounts.length / 4;
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long wrong = 0;
    double macro = 0;
    double[] f1 = new double[k];
    for (int j = 0; j < k; j++) {
      long jtp = labelCounts[4 * j];
      long jfp = labelCounts[4 * j + 1];
      long jfn = labelCounts[4 * j + 2];
      tp += jtp;
      fp += jfp;
      fn += jfn;
      wrong += jfp + jfn;
      // F1 = 2tp / (2tp + fp + fn); 0 when an output has neither positives nor predicted positives, as scikit-learn.
      f1[j] = jtp + jfp + jfn == 0 ? 0 : 2.0 * jtp / (2.0 * jtp + jfp + jfn);
      macro += f1[j];
    }
    m.put("accuracy", count == 0 ? Double.NaN : (double) subsetCorrect / count);
    m.put("hammingLoss", count == 0 ? Double.NaN : (double) wrong / ((double) count * k));
    m.put("microF1", tp + fp + fn == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn));
    m.put("macroF1", macro / k);
    for (int j = 0; j < k; j++) {
      long right = labelCounts[4 * j] + labelCounts[4 * j + 3];
      m.put("accuracy[" + j + "]", count == 0 ? Double.NaN : (double) right / count);
      m.put("f1[" + j + "]", f1[j]);
    }
  }

  /** {@link #metrics} of weighted rows: each a weighted mean; NaN where every row weighs 0. */
  private Map<String, Double> weightedMetrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", weightSum == 0 ? Double.NaN : lossSum / weightSum);
    if (labelCounts != null) {
      multiLabelMetrics(m); // label counts are of rows, not weighted: only the loss is a weighted mean here
    } else if (classes > 0) {
      m.put("accuracy", weightSum == 0 ? Double.NaN : correctWeight / weightSum);
    } else {
      double n = targetWeight;
      double mse = sumSquaredError / n;
      double variance = sumTargetSquared / n - (sumTarget / n) * (sumTarget / n);
      m.put("mse", mse);
      m.put("mae", sumAbsoluteError / n);
      m.put("r2", variance > 0 ? 1 - mse / variance : Double.NaN);
      if (perSquaredError != null) perTargetMetrics(m, weightSum);
    }
    return m;
  }
}
