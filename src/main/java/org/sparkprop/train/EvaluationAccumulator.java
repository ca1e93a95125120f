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
 * in the units the network was trained in.
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

  /** Adds every row of the block. */
  public void add(DenseNetwork network, float[] params, RowBlock block, Workspace ws) {
    NetworkSpec spec = network.spec();
    int outputs = spec.outputs();
    int tw = block.targetWidth();
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
        } else {
          for (int j = 0; j < Math.min(outputs, tw); j++) {
            double t = (double) ws.target[r * tw + j] * targetScale + targetShift;
            double e = ((double) out[r * outputs + j] * targetScale + targetShift) - t;
            // x * 1.0 is exact: unweighted rows add what they always added.
            sumSquaredError += e * e * wr;
            sumAbsoluteError += Math.abs(e) * wr;
            sumTarget += t * wr;
            sumTargetSquared += t * t * wr;
            targetValues++;
            targetWeight += wr;
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
    weighted |= o.weighted;
    weightSum += o.weightSum;
    correctWeight += o.correctWeight;
    targetWeight += o.targetWeight;
    return this;
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

  /** Named metrics: loss, then accuracy (classification) or mse, mae, r2 (regression). */
  public Map<String, Double> metrics() {
    if (weighted) return weightedMetrics();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", count == 0 ? Double.NaN : lossSum / count);
    if (classes > 0) {
      long correct = 0;
      for (int c = 0; c < classes; c++) correct += confusion[c * classes + c];
      m.put("accuracy", count == 0 ? Double.NaN : (double) correct / count);
    } else {
      double n = targetValues;
      double mse = sumSquaredError / n;
      double variance = sumTargetSquared / n - (sumTarget / n) * (sumTarget / n);
      m.put("mse", mse);
      m.put("mae", sumAbsoluteError / n);
      m.put("r2", variance > 0 ? 1 - mse / variance : Double.NaN);
    }
    return m;
  }

  /** {@link #metrics} of weighted rows: each a weighted mean; NaN where every row weighs 0. */
  private Map<String, Double> weightedMetrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", weightSum == 0 ? Double.NaN : lossSum / weightSum);
    if (classes > 0) {
      m.put("accuracy", weightSum == 0 ? Double.NaN : correctWeight / weightSum);
    } else {
      double n = targetWeight;
      double mse = sumSquaredError / n;
      double variance = sumTargetSquared / n - (sumTarget / n) * (sumTarget / n);
      m.put("mse", mse);
      m.put("mae", sumAbsoluteError / n);
      m.put("r2", variance > 0 ? 1 - mse / variance : Double.NaN);
    }
    return m;
  }
}
