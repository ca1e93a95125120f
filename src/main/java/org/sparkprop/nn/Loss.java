package org.sparkprop.nn;

import java.util.Locale;

/**
 * Training losses. Each computes, for a (rows, outputs) block of the output layer, the summed loss
 * (in double) and the derivative of each row's loss with respect to the output pre-activation z.
 * Losses are summed over rows, never averaged: the gradient accumulator divides by the example
 * count once, after partition results are merged. Within a row the loss is the mean over output
 * units (the Keras convention), so the scale does not depend on the output width.
 *
 * <p>Targets y are (rows, targetWidth). When targetWidth equals the output width they are used as
 * given; when targetWidth is 1 and there are several outputs, y holds a class index that stands for
 * a one-hot row.
 *
 * <p>Two pairs are fused because their combined derivative is simply {@code a - y} and their loss
 * can be written from the logits without log(0) or overflow: sigmoid with binary cross-entropy and
 * softmax with categorical cross-entropy. With a step output (the perceptron, trained with mae or
 * mse), the delta is the perceptron rule's error {@code a - y}, since the step itself has no useful
 * derivative; the two cross-entropies refuse a step output (see {@link NetworkSpec}).
 */
public enum Loss {
  MAE("mae") {
    @Override double rowLoss(float a, float t) { return Math.abs(a - t); }
    @Override float rowDerivative(float a, float t) { return a > t ? 1f : (a < t ? -1f : 0f); }
  },
  MSE("mse") {
    @Override double rowLoss(float a, float t) { double d = a - t; return d * d; }
    @Override float rowDerivative(float a, float t) { return 2f * (a - t); }
  },
  BCE("bce") {
    @Override public double lossAndDelta(float[] z, float[] a, float[] y, float[] w, int rows, int outputs,
                                         int targetWidth, Activation output, float[] da, float[] dz) {
      requireOutput(output, Activation.SIGMOID);
      double sum = 0;
      float invK = 1f / outputs;
      for (int r = 0; r < rows; r++) {
        float wr = w == null ? 1f : w[r];
        for (int j = 0; j < outputs; j++) {
          int i = r * outputs + j;
          float t = target(y, r, j, outputs, targetWidth);
          double zi = z[i];
          // log(1 + e^-|z|) form: exact for large |z| where log(sigmoid) would give log(0).
          sum += (Math.max(zi, 0) - zi * t + Math.log1p(Math.exp(-Math.abs(zi)))) * invK * wr;
          dz[i] = (a[i] - t) * invK * wr;
        }
      }
      return sum;
    }
  },
  CROSS_ENTROPY("cross_entropy") {
    @Override public double lossAndDelta(float[] z, float[] a, float[] y, float[] w, int rows, int outputs,
                                         int targetWidth, Activation output, float[] da, float[] dz) {
      requireOutput(output, Activation.SOFTMAX);
      double sum = 0;
      for (int r = 0; r < rows; r++) {
        float wr = w == null ? 1f : w[r];
        int o = r * outputs;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < outputs; j++) max = Math.max(max, z[o + j]);
        double sumExp = 0;
        for (int j = 0; j < outputs; j++) sumExp += Math.exp(z[o + j] - max);
        double logSumExp = max + Math.log(sumExp);
        if (targetWidth == 1) {
          int cls = classIndex(y[r], outputs);
          sum += (logSumExp - z[o + cls]) * wr;
          for (int j = 0; j < outputs; j++) dz[o + j] = (a[o + j] - (j == cls ? 1f : 0f)) * wr;
        } else {
          // Soft targets (a probability row): loss = -sum_j t_j log a_j.
          for (int j = 0; j < outputs; j++) {
            float t = y[r * targetWidth + j];
            sum += t * (logSumExp - z[o + j]) * wr;
            dz[o + j] = (a[o + j] - t) * wr;
          }
        }
      }
      return sum;
    }
  };

  private final String configName;

  Loss(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /**
   * Returns the loss summed over the rows and writes dL/dz (rows, outputs) into dz. da is scratch
   * of the same size for the derivative with respect to the activation.
   */
  public final double lossAndDelta(float[] z, float[] a, float[] y, int rows, int outputs,
                                   int targetWidth, Activation output, float[] da, float[] dz) {
    return lossAndDelta(z, a, y, null, rows, outputs, targetWidth, output, da, dz);
  }

  /**
   * The weighted form: row r's loss and its dL/dz are multiplied by {@code w[r]}, so the sum is
   * sum_r w_r l_r (the caller divides by sum_r w_r once). With {@code w} null every row weighs 1,
   * and since x * 1 is exact in IEEE arithmetic, unweighted rows give the bits they always gave.
   */
  public double lossAndDelta(float[] z, float[] a, float[] y, float[] w, int rows, int outputs,
                             int targetWidth, Activation output, float[] da, float[] dz) {
    float invK = 1f / outputs;
    double sum = 0;
    int n = rows * outputs;
    for (int r = 0; r < rows; r++) {
      float wr = w == null ? 1f : w[r];
      for (int j = 0; j < outputs; j++) {
        int i = r * outputs + j;
        float t = target(y, r, j, outputs, targetWidth);
        sum += rowLoss(a[i], t) * invK * wr;
        da[i] = (output == Activation.STEP ? (a[i] - t) * invK : rowDerivative(a[i], t) * invK) * wr;
      }
    }
    if (output == Activation.STEP) {
      // Perceptron rule: the error itself is the update direction (w += lr (t - a) x).
      System.arraycopy(da, 0, dz, 0, n);
    } else {
      output.backward(z, a, da, dz, rows, outputs);
    }
    return sum;
  }

  double rowLoss(float a, float t) {
    throw new UnsupportedOperationException();
  }

  float rowDerivative(float a, float t) {
    throw new UnsupportedOperationException();
  }

  public static Loss parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    for (Loss l : values()) {
      if (l.configName.equals(key)) return l;
    }
    throw new IllegalArgumentException("unknown loss '" + name + "': expected one of mae, mse, bce, cross_entropy");
  }

  /** The output activation that pairs with this loss when none is given. */
  public Activation defaultOutput() {
    switch (this) {
      case BCE: return Activation.SIGMOID;
      case CROSS_ENTROPY: return Activation.SOFTMAX;
      default: return Activation.IDENTITY;
    }
  }

  static float target(float[] y, int row, int output, int outputs, int targetWidth) {
    if (targetWidth == outputs) return y[row * targetWidth + output];
    return classIndex(y[row], outputs) == output ? 1f : 0f;
  }

  static int classIndex(float label, int classes) {
    int cls = (int) label;
    if (cls != label || cls < 0 || cls >= classes) {
      throw new IllegalArgumentException("label " + label + " is not a class index in [0, " + classes + ")");
    }
    return cls;
  }

  final void requireOutput(Activation output, Activation expected) {
    if (output != expected) {
      throw new IllegalArgumentException("loss " + configName + " needs a " + expected.configName()
          + " output, got " + output.configName());
    }
  }
}
