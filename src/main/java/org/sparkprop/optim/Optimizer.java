package org.sparkprop.optim;

/**
 * Updates a flat parameter vector from a gradient of the same layout, keeping whatever state
 * (momentum buffers, moment estimates) the update rule needs between rounds.
 *
 * <p>Order of use:
 * <ol>
 *   <li>Create one through {@link Optimizers#create(OptimizerSettings, int)}; its state arrays are
 *       allocated there, once, for the given parameter count.</li>
 *   <li>Call {@link #step} once per training round with the round's mean gradient (after any
 *       clipping, see {@link GradientClipping}) and the round's rate (see {@link
 *       LearningRateSchedule}).</li>
 *   <li>For a checkpoint, save {@link #snapshot()}; to resume, create an optimizer with the same
 *       settings and parameter count and call {@link #restore(OptimizerState)} before the next
 *       step.</li>
 * </ol>
 *
 * <p>Implementations are not thread-safe: one optimizer belongs to the one thread that drives
 * training (the Spark driver).
 */
public interface Optimizer {

  /**
   * Performs one update of {@code params} in place. Allocates nothing.
   *
   * @param params the parameters, updated in place; length must equal the parameter count
   * @param gradient the mean gradient of the round, same flat layout as {@code params}; the
   *     optimizer may overwrite it (the caller discards it after this call)
   * @param learningRate the rate for this round; finite and {@code >= 0}
   * @throws IllegalArgumentException if a length differs from the parameter count or the rate is
   *     negative or not finite; the optimizer's state is then unchanged
   */
  void step(float[] params, float[] gradient, float learningRate);

  /** The number of steps taken so far, including those carried over by {@link #restore}. */
  long steps();

  /** A deep copy of all state; later steps do not change it. */
  OptimizerState snapshot();

  /**
   * Replaces all state with a copy of {@code state}, as produced by {@link #snapshot()} of an
   * optimizer of the same kind and parameter count.
   *
   * @throws IllegalArgumentException if the kind, the number of slots or a slot's length does
   *     not match this optimizer; the optimizer's state is then unchanged
   */
  void restore(OptimizerState state);

  /** The kind, as {@link OptimizerKind#configName()} spells it (checkpoints record it). */
  String name();
}
