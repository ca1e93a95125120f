package org.sparkprop.data;

import java.io.Serializable;
import org.sparkprop.math.CounterRandom;

/**
 * Which rows of a data set are held out for validation: row i (its global index, which follows
 * the input's order) is held out when a seeded uniform draw for i falls below the fraction. A
 * row's fate depends only on the seed, the fraction and its index, never on the partitioning.
 */
public final class ValidationSplit implements Serializable {
  private static final long serialVersionUID = 1L;
  /** A stream number no other use of CounterRandom with the training seed takes. */
  private static final long STREAM = 0x5b1175L;

  private final long seed;
  private final double fraction;

  public ValidationSplit(long seed, double fraction) {
    if (!(fraction >= 0 && fraction < 1)) throw new IllegalArgumentException("validation fraction " + fraction + " is outside [0, 1)");
    this.seed = seed;
    this.fraction = fraction;
  }

  public static ValidationSplit none() {
    return new ValidationSplit(0, 0);
  }

  public boolean active() {
    return fraction > 0;
  }

  public boolean isValidation(long globalIndex) {
    return fraction > 0 && CounterRandom.uniform(seed, globalIndex, STREAM) < fraction;
  }

  public double fraction() {
    return fraction;
  }
}
