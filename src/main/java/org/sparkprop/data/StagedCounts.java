package org.sparkprop.data;

import java.io.Serializable;

/**
 * What staging one partition of an input found: its training and validation row counts, and the
 * training rows' feature statistics. One per partition travels back to the driver, which merges
 * them in partition order. Mutable fields, filled on the executor, so Kryo can copy it as it is.
 */
public final class StagedCounts implements Serializable {
  private static final long serialVersionUID = 1L;
  public int trainRows;
  public int validationRows;
  public FeatureStats stats; // null when nothing is fitted
}
