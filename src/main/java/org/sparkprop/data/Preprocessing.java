package org.sparkprop.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything done to input rows between the file and the network, fitted on the training data
 * and saved with the model: feature scaling, the target's standardisation (regression), and the
 * label mapping (classification; null for regression).
 */
public record Preprocessing(FeatureScaling features, TargetScaling target, LabelMapping labels) implements Serializable {
  public Preprocessing {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(target, "target");
  }

  public boolean classification() {
    return labels != null;
  }

  /** Scales the features, and the targets of a regression, of a freshly packed block in place. */
  public void applyTo(PackedBlock block) {
    features.apply(block.x, 0, block.rows);
    if (labels == null && !target.identity()) {
      target.applyTo(block.y, block.rows, block.targetWidth); // each target with its own pair
    }
  }
}
