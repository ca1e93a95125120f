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
    for (int start = 0; start < block.rows(); start += ws.capacity()) {
      int n = Math.min(ws.capacity(), block.rows() - start);
      block.copyRows(start, n, ws.input, 0, ws.target, 0);
      // Loss with the same fused, stable formulas as training.
      lossSum += network.forwardLoss(params, n, tw, ws);
      float[] out = ws.output();
      count += n;
      for (int r = 0; r < n; r++) {
        if (classes > 0) {
          int truth = (int) ws.target[r * tw];
          int predicted = predictClass(out, r * outputs, outputs);
          confusion[truth * classes + predicted]++;
        } else {
          for (int j = 0; j < Math.min(outputs, tw); j++) {
            double t = (double) ws.target[r * tw + j] * targetScale + targetShift;
            double e = ((double) out[r * outputs + j] * targetScale + targetShift) - t;
            sumSquaredError += e * e;
            sumAbsoluteError += Math.abs(e);
            sumTarget += t;
            sumTargetSquared += t * t;
            targetValues++;
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
}
