package org.sparkprop.data;

import java.io.Serializable;

/**
 * Standardisation of a regression target: the network learns {@code (y - shift) / scale}, and its
 * outputs are turned back into {@code output * scale + shift} for metrics and predictions.
 */
public record TargetScaling(float shift, float scale) implements Serializable {
  public static final TargetScaling IDENTITY = new TargetScaling(0f, 1f);

  public TargetScaling {
    if (!(Float.isFinite(shift) && Float.isFinite(scale) && scale != 0)) {
      throw new IllegalArgumentException("target scaling shift " + shift + ", scale " + scale
          + ": a finite shift and a finite, non-zero scale are needed");
    }
  }

  public static TargetScaling fit(FeatureStats stats) {
    float s = (float) stats.targetStd();
    return new TargetScaling((float) stats.targetMean(), s > 0 && Float.isFinite(s) ? s : 1f);
  }

  public boolean identity() {
    return shift == 0f && scale == 1f;
  }

  public float apply(float y) {
    return (y - shift) / scale;
  }

  public float invert(float output) {
    return output * scale + shift;
  }
}
