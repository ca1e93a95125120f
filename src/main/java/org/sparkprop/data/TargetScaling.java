package org.sparkprop.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Standardisation of regression targets: the network learns {@code (y - shift) / scale}, and its
 * outputs are turned back into {@code output * scale + shift} for metrics and predictions. With
 * several targets (multi-target regression) each has its own shift and scale; a single pair
 * applies to every output.
 */
public final class TargetScaling implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final TargetScaling IDENTITY = new TargetScaling(0f, 1f);

  private final float[] shifts; // (targets) or (1): one pair for every output
  private final float[] scales; // (targets) or (1)

  public TargetScaling(float shift, float scale) {
    this(new float[] {shift}, new float[] {scale});
  }

  private TargetScaling(float[] shifts, float[] scales) {
    if (shifts.length == 0 || shifts.length != scales.length) {
      throw new IllegalArgumentException("target scaling needs one shift and one scale per target, got "
          + shifts.length + " shifts and " + scales.length + " scales");
    }
    for (int k = 0; k < shifts.length; k++) {
      if (!(Float.isFinite(shifts[k]) && Float.isFinite(scales[k]) && scales[k] != 0)) {
        throw new IllegalArgumentException("target scaling shift " + shifts[k] + ", scale " + scales[k]
            + (shifts.length > 1 ? " (target " + k + ")" : "") + ": a finite shift and a finite, non-zero scale are needed");
      }
    }
    this.shifts = shifts;
    this.scales = scales;
  }

  /** One shift and scale per target, in output order. */
  public static TargetScaling of(float[] shifts, float[] scales) {
    return new TargetScaling(shifts.clone(), scales.clone());
  }

  /** Standardises each target with its own mean and (population) standard deviation; 1 for a constant target. */
  public static TargetScaling fit(FeatureStats stats) {
    int n = stats.targets();
    float[] shift = new float[n];
    float[] scale = new float[n];
    for (int k = 0; k < n; k++) {
      float s = (float) stats.targetStd(k);
      shift[k] = (float) stats.targetMean(k);
      scale[k] = s > 0 && Float.isFinite(s) ? s : 1f;
    }
    return new TargetScaling(shift, scale);
  }

  /** How many targets have their own pair: 1 when one pair applies to every output. */
  public int targets() {
    return shifts.length;
  }

  /** The first target's shift (the only one's, for a single target). */
  public float shift() {
    return shifts[0];
  }

  /** The first target's scale (the only one's, for a single target). */
  public float scale() {
    return scales[0];
  }

  /** Output {@code j}'s shift. */
  public float shift(int j) {
    return shifts.length == 1 ? shifts[0] : shifts[j];
  }

  /** Output {@code j}'s scale. */
  public float scale(int j) {
    return scales.length == 1 ? scales[0] : scales[j];
  }

  /** Every target's shift, in output order (a copy). */
  public float[] shifts() {
    return shifts.clone();
  }

  /** Every target's scale, in output order (a copy). */
  public float[] scales() {
    return scales.clone();
  }

  public boolean identity() {
    for (int k = 0; k < shifts.length; k++) {
      if (shifts[k] != 0f || scales[k] != 1f) return false;
    }
    return true;
  }

  public float apply(float y) {
    return (y - shifts[0]) / scales[0];
  }

  public float invert(float output) {
    return output * scales[0] + shifts[0];
  }

  /** Standardises target {@code j}'s value. */
  public float apply(float y, int j) {
    return (y - shift(j)) / scale(j);
  }

  /** Output {@code j} in its target's units. */
  public float invert(float output, int j) {
    return output * scale(j) + shift(j);
  }

  /** Standardises the targets of {@code rows} rows of {@code width} values each, in place. */
  public void applyTo(float[] y, int rows, int width) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) y[r * width + j] = apply(y[r * width + j], j);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetScaling t && Arrays.equals(shifts, t.shifts) && Arrays.equals(scales, t.scales);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shifts) + Arrays.hashCode(scales);
  }

  @Override
  public String toString() {
    return shifts.length == 1 ? "TargetScaling[shift=" + shifts[0] + ", scale=" + scales[0] + "]"
        : "TargetScaling[shifts=" + Arrays.toString(shifts) + ", scales=" + Arrays.toString(scales) + "]";
  }
}
