package org.sparkprop.nn;


/**
 * A small, slow, double-precision network written from the textbook formulas, one example at a
 * time, independent of the production code's fused and blocked paths. The fast float32 network
 * is compared with it; it is itself compared with central finite differences.
 */
final class ReferenceNetwork {
  private final int[] widths;
  private final String hidden;
  private final String output;
  private final String loss;

  ReferenceNetwork(int[] widths, String hidden, String output, String loss) {
    this.widths = widths;
    this.hidden = hidden;
    this.output = output;
    this.loss = loss;
  }

  /** Mean loss over rows of x (rows, in) with targets y (rows, tw). */
  double loss(double[] p, double[] x, double[] y, int rows, int tw) {
    double sum = 0;
    for (int r = 0; r < rows; r++) sum += exampleLoss(p, x, r, y, tw);
    return sum / rows;
  }

  /** Gradient of the summed loss over all rows, by backprop in double. */
  double[] gradientSum(double[] p, double[] x, double[] y, int rows, int tw) {
    double[] g = new double[p.length];
    int layers = widths.length - 1;
    for (int r = 0; r < rows; r++) {
      double[][] z = new double[layers][];
      double[][] a = new double[layers + 1][];
      a[0] = new double[widths[0]];
      for (int i = 0; i < widths[0]; i++) a[0][i] = x[r * widths[0] + i];
      forward(p, z, a);
      int k = widths[layers];
      double[] t = targets(y, r, tw, k);
      double[] dz = outputDelta(z[layers - 1], a[layers], t);
      int offset = p.length;
      for (int l = layers - 1; l >= 0; l--) {
        int in = widths[l];
        int out = widths[l + 1];
        offset -= in * out + out;
        for (int o = 0; o < out; o++) {
          for (int i = 0; i < in; i++) g[offset + o * in + i] += dz[o] * a[l][i];
          g[offset + in * out + o] += dz[o];
        }
        if (l > 0) {
          double[] da = new double[in];
          for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) da[i] += dz[o] * p[offset + o * in + i];
          }
          double[] next = new double[in];
          for (int i = 0; i < in; i++) next[i] = da[i] * derivative(hidden, z[l - 1][i]);
          dz = next;
        }
      }
    }
    return g;
  }

  private double exampleLoss(double[] p, double[] x, int r, double[] y, int tw) {
    int layers = widths.length - 1;
    double[][] z = new double[layers][];
    double[][] a = new double[layers + 1][];
    a[0] = new double[widths[0]];
    for (int i = 0; i < widths[0]; i++) a[0][i] = x[r * widths[0] + i];
    forward(p, z, a);
    int k = widths[layers];
    double[] t = targets(y, r, tw, k);
    double[] out = a[layers];
    double s = 0;
    switch (loss) {
      case "mse": for (int j = 0; j < k; j++) s += (out[j] - t[j]) * (out[j] - t[j]); return s / k;
      case "mae": for (int j = 0; j < k; j++) s += Math.abs(out[j] - t[j]); return s / k;
      case "bce": for (int j = 0; j < k; j++) s -= t[j] * Math.log(out[j]) + (1 - t[j]) * Math.log(1 - out[j]); return s / k;
      case "cross_entropy": for (int j = 0; j < k; j++) s -= t[j] * Math.log(out[j]); return s;
      default: throw new IllegalArgumentException(loss);
    }
  }

  private void forward(double[] p, double[][] z, double[][] a) {
    int offset = 0;
    int layers = widths.length - 1;
    for (int l = 0; l < layers; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      z[l] = new double[out];
      for (int o = 0; o < out; o++) {
        double s = p[offset + in * out + o];
        for (int i = 0; i < in; i++) s += p[offset + o * in + i] * a[l][i];
        z[l][o] = s;
      }
      offset += in * out + out;
      String f = l == layers - 1 ? output : hidden;
      a[l + 1] = new double[out];
      if (f.equals("softmax")) {
        double sum = 0;
        for (int o = 0; o < out; o++) sum += Math.exp(z[l][o]);
        for (int o = 0; o < out; o++) a[l + 1][o] = Math.exp(z[l][o]) / sum;
      } else {
        for (int o = 0; o < out; o++) a[l + 1][o] = apply(f, z[l][o]);
      }
    }
  }

  /** dL/dz of the output layer by the chain rule, without the fused shortcuts. */
  private double[] outputDelta(double[] z, double[] a, double[] t) {
    int k = a.length;
    double[] da = new double[k];
    for (int j = 0; j < k; j++) {
      switch (loss) {
        case "mse": da[j] = 2 * (a[j] - t[j]) / k; break;
        case "mae": da[j] = Math.signum(a[j] - t[j]) / k; break;
        case "bce": da[j] = (-t[j] / a[j] + (1 - t[j]) / (1 - a[j])) / k; break;
        case "cross_entropy": da[j] = -t[j] / a[j]; break;
        default: throw new IllegalArgumentException(loss);
      }
    }
    double[] dz = new double[k];
    if (output.equals("softmax")) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) dz[i] += da[j] * a[j] * ((i == j ? 1 : 0) - a[i]);
      }
    } else {
      for (int j = 0; j < k; j++) dz[j] = da[j] * derivative(output, z[j]);
    }
    return dz;
  }

  private static double[] targets(double[] y, int r, int tw, int k) {
    double[] t = new double[k];
    if (tw == k) {
      for (int j = 0; j < k; j++) t[j] = y[r * tw + j];
    } else {
      t[(int) y[r]] = 1;
    }
    return t;
  }

  static double apply(String f, double z) {
    switch (f) {
      case "identity": return z;
      case "sigmoid": return 1 / (1 + Math.exp(-z));
      case "tanh": return Math.tanh(z);
      case "relu": return Math.max(0, z);
      case "leaky_relu": return z > 0 ? z : 0.01 * z;
      default: throw new IllegalArgumentException(f);
    }
  }

  static double derivative(String f, double z) {
    switch (f) {
      case "identity": return 1;
      case "sigmoid": { double s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }
      case "tanh": { double t = Math.tanh(z); return 1 - t * t; }
      case "relu": return z > 0 ? 1 : 0;
      case "leaky_relu": return z > 0 ? 1 : 0.01;
      default: throw new IllegalArgumentException(f);
    }
  }
}
