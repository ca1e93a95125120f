package org.sparkprop.train;

import java.io.Serializable;
import org.sparkprop.optim.OptimizerState;

/**
 * Where every partition starts a local-step round: the driver's weights and optimizer state. What
 * a cluster broadcasts once per round. A plain class rather than a record (Kryo, which broadcasts it,
 * cannot set a record's fields); not changed after it is built.
 */
public final class LocalStart implements Serializable {
  private static final long serialVersionUID = 1L;

  private final float[] params;     // (parameters)
  private final String kind;        // the optimizer's kind, as OptimizerState names it
  private final long steps;         // optimizer steps taken before this round
  private final float[][] slots;    // (slots, parameters): the optimizer's state arrays

  /** The start from {@code params} and {@code state} (both copied: the driver keeps training its own). */
  public LocalStart(float[] params, OptimizerState state) {
    this.params = params.clone();
    this.kind = state.kind();
    this.steps = state.steps();
    this.slots = state.slots();
  }

  /** A fresh copy of the weights, for one partition to step on. */
  public float[] params() {
    return params.clone();
  }

  public int parameterCount() {
    return params.length;
  }

  /** The optimizer state to restore before the round's first step. */
  public OptimizerState state() {
    return new OptimizerState(kind, steps, slots);
  }
}
