package org.sparkprop.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Feature scaling as fitted on the training rows and saved with the model: every feature j becomes
 * {@code (x[j] - shift[j]) / scale[j]}, in float32, the same on every split and at prediction.
 * A feature with no spread keeps scale 1 (it becomes 0 under standard scaling instead of NaN).
 */
public final class FeatureScaling implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The methods, by their configuration names. */
  public enum Method {
    NONE("none"), STANDARD("standard"), MINMAX("minmax"), DIVIDE_BY_255("divide_by_255");

    private final String configName;

    Method(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    public static Method parse(String name) {
      for (Method m : values()) {
        if (m.configName.equals(name.toLowerCase(Locale.ROOT))) return m;
      }
      throw new IllegalArgumentException("unknown feature scaling '" + name + "'; expected none, standard, minmax or divide_by_255");
    }

    /** Whether the method needs statistics of the training rows. */
    public boolean fitted() {
      return this == STANDARD || this == MINMAX;
    }
  }

  private final Method method;
  private final float[] shift; // (features)
  private final float[] scale; // (features), never 0

  public FeatureScaling(Method method, float[] shift, float[] scale) {
    if (shift.length != scale.length) throw new IllegalArgumentException("shift and scale differ in length");
    for (int j = 0; j < scale.length; j++) {
      if (!(Float.isFinite(scale[j]) && scale[j] != 0 && Float.isFinite(shift[j]))) {
        throw new IllegalArgumentException("feature " + j + " has scaling shift " + shift[j] + ", scale " + scale[j]
            + "; a finite shift and a finite, non-zero scale are needed");
      }
    }
    this.method = method;
    this.shift = shift.clone();
    this.scale = scale.clone();
  }

  /** A method that needs no statistics: none or divide_by_255. */
  public static FeatureScaling unfitted(Method method, int features) {
    float[] shift = new float[features];
    float[] scale = new float[features];
    switch (method) {
      case NONE: Arrays.fill(scale, 1f); break;
      case DIVIDE_BY_255: Arrays.fill(scale, 255f); break;
      default: throw new IllegalArgumentException(method.configName() + " scaling is fitted from data");
    }
    return new FeatureScaling(method, shift, scale);
  }

  /** Fits {@code method} to the statistics of the training rows. */
  public static FeatureScaling fit(Method method, FeatureStats stats) {
    if (!method.fitted()) return unfitted(method, stats.features());
    int w = stats.features();
    float[] shift = new float[w];
    float[] scale = new float[w];
    for (int j = 0; j < w; j++) {
      double s;
      if (method == Method.STANDARD) {
        shift[j] = (float) stats.mean(j);
        s = stats.std(j);
      } else {
        shift[j] = stats.min(j);
        s = (double) stats.max(j) - stats.min(j);
      }
      float f = (float) s;
      scale[j] = f > 0 && Float.isFinite(f) ? f : 1f;
    }
    return new FeatureScaling(method, shift, scale);
  }

  public Method method() {
    return method;
  }

  public int features() {
    return shift.length;
  }

  public float[] shift() {
    return shift.clone();
  }

  public float[] scale() {
    return scale.clone();
  }

  public boolean identity() {
    return method == Method.NONE;
  }

  /** Scales {@code rows} rows of x (rows, features) in place. */
  public void apply(float[] x, int offset, int rows) {
    if (identity()) return;
    int w = shift.length;
    for (int r = 0; r < rows; r++) {
      int o = offset + r * w;
      for (int j = 0; j < w; j++) x[o + j] = (x[o + j] - shift[j]) / scale[j];
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureScaling f && f.method == method && Arrays.equals(f.shift, shift) && Arrays.equals(f.scale, scale);
  }

  @Override
  public int hashCode() {
    return 31 * method.hashCode() + Arrays.hashCode(shift);
  }
}
