package org.sparkprop.nn;

import java.util.Locale;

/**
 * Element-wise (or, for softmax, row-wise) activation functions with their backward pass.
 * Forward and backward sit side by side; backward takes both the pre-activation z and the
 * activation a so each function uses whichever makes its derivative cheapest.
 */
public enum Activation {
  IDENTITY("identity") {
    @Override public void forward(float[] z, float[] a, int rows, int width) {
      System.arraycopy(z, 0, a, 0, rows * width);
    }
    @Override public void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width) {
      System.arraycopy(da, 0, dz, 0, rows * width);
    }
  },
  SIGMOID("sigmoid") {
    @Override public void forward(float[] z, float[] a, int rows, int width) {
      for (int i = 0, n = rows * width; i < n; i++) a[i] = sigmoid(z[i]);
    }
    @Override public void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width) {
      for (int i = 0, n = rows * width; i < n; i++) dz[i] = da[i] * a[i] * (1f - a[i]);
    }
  },
  TANH("tanh") {
    @Override public void forward(float[] z, float[] a, int rows, int width) {
      for (int i = 0, n = rows * width; i < n; i++) a[i] = (float) Math.tanh(z[i]);
    }
    @Override public void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width) {
      for (int i = 0, n = rows * width; i < n; i++) dz[i] = da[i] * (1f - a[i] * a[i]);
    }
  },
  // ReLU and leaky ReLU are written without branches: the sign of z is random, so a branch per
  // element mispredicts half the time, and C2 (Java 17) neither turns a float select into a
  // conditional move nor vectorises it. Math.max and integer masks do vectorise: 10-30x faster
  // here, which was 30-40% of a forward+backward step of a 256-512-256-10 network (KernelBenchmark).
  RELU("relu") {
    @Override public void forward(float[] z, float[] a, int rows, int width) {
      // max(-0, 0) is +0 and max(NaN, 0) is NaN: a NaN is passed on for the divergence guard.
      for (int i = 0, n = rows * width; i < n; i++) a[i] = Math.max(z[i], 0f);
    }
    @Override public void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width) {
      // a = max(z, 0) is +0 (bits 0) or positive (bits > 0): the mask is all ones exactly where z > 0.
      for (int i = 0, n = rows * width; i < n; i++) {
        int keep = -Float.floatToRawIntBits(a[i]) >> 31;
        dz[i] = Float.intBitsToFloat(Float.floatToRawIntBits(da[i]) & keep);
      }
    }
  },
  LEAKY_RELU("leaky_relu") {
    @Override public void forward(float[] z, float[] a, int rows, int width) {
      // For z > 0, z > 0.01 z; for z <= 0 the reverse: the larger of the two is the leaky ReLU.
      for (int i = 0, n = rows * width; i < n; i++) a[i] = Math.max(z[i], LEAKY_SLOPE * z[i]);
    }
    @Override public void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width) {
      for (int i = 0, n = rows * width; i < n; i++) {
        int bits = Float.floatToRawIntBits(z[i]);
        // Sign bit of (-bits & ~bits) is set exactly when bits > 0, i.e. z > 0 (-0 and negatives excluded).
        int positive = (-bits & ~bits) >> 31;
        dz[i] = Float.intBitsToFloat((Float.floatToRawIntBits(da[i]) & positive)
            | (Float.floatToRawIntBits(LEAKY_SLOPE * da[i]) & ~positive));
      }
    }
  },
  /** Heaviside step: 1 for z >= 0, else 0. Its derivative is zero almost everywhere. */
  STEP("step") {
    @Override public void forward(float[] z, float[] a, int rows, int width) {
      for (int i = 0, n = rows * width; i < n; i++) a[i] = z[i] >= 0f ? 1f : 0f;
    }
    @Override public void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width) {
      throw new UnsupportedOperationException(
          "the step (Heaviside) activation has no useful derivative; it can only be the output "
              + "of a single-layer perceptron trained by the perceptron rule");
    }
  },
  /** Row-wise softmax over the output units; only valid as an output activation. */
  SOFTMAX("softmax") {
    @Override public void forward(float[] z, float[] a, int rows, int width) {
      for (int r = 0; r < rows; r++) {
        int o = r * width;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) max = Math.max(max, z[o + j]);
        double sum = 0;
        for (int j = 0; j < width; j++) {
          float e = (float) Math.exp(z[o + j] - max); // shifted by the max: never overflows
          a[o + j] = e;
          sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < width; j++) a[o + j] *= inv;
      }
    }
    @Override public void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width) {
      // Jacobian-vector product of softmax: dz_j = a_j (da_j - sum_k da_k a_k).
      for (int r = 0; r < rows; r++) {
        int o = r * width;
        double dot = 0;
        for (int j = 0; j < width; j++) dot += da[o + j] * a[o + j];
        for (int j = 0; j < width; j++) dz[o + j] = a[o + j] * (float) (da[o + j] - dot);
      }
    }
  };

  /** Slope of leaky ReLU for negative inputs (the common default of Keras' LeakyReLU is 0.3, PyTorch's 0.01; we follow PyTorch). */
  public static final float LEAKY_SLOPE = 0.01f;

  private final String configName;

  Activation(String configName) {
    this.configName = configName;
  }

  /** a = f(z) for a (rows, width) matrix. */
  public abstract void forward(float[] z, float[] a, int rows, int width);

  /** dz = da * f'(z), given z and a = f(z); all (rows, width). */
  public abstract void backward(float[] z, float[] a, float[] da, float[] dz, int rows, int width);

  public String configName() {
    return configName;
  }

  public static Activation parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    for (Activation a : values()) {
      if (a.configName.equals(key)) return a;
    }
    throw new IllegalArgumentException("unknown activation '" + name + "': expected one of "
        + "identity, sigmoid, tanh, relu, leaky_relu, step, softmax");
  }

  static float sigmoid(float z) {
    // Two branches so that exp never overflows for large |z|.
    if (z >= 0f) {
      return (float) (1.0 / (1.0 + Math.exp(-z)));
    }
    double e = Math.exp(z);
    return (float) (e / (1.0 + e));
  }
}
