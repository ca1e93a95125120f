package org.sparkprop.optim;

/**
 * The bookkeeping every optimizer shares, so that each subclass holds nothing but its update
 * rule: argument checks, the coupled L2 penalty, the step counter and checkpointing of the state
 * arrays ("slots"), which are allocated here once.
 */
abstract class AbstractOptimizer implements Optimizer {

  private final String name;
  private final int parameterCount;
  private final float l2;
  private final float[][] slots;
  private long steps;

  AbstractOptimizer(String name, int parameterCount, double l2, int slotCount) {
    this.name = name;
    this.parameterCount = parameterCount;
    this.l2 = (float) l2;
    this.slots = new float[slotCount][parameterCount];
  }

  /** The live state array {@code index}, for subclasses to keep as a named field. */
  final float[] slot(int index) {
    return slots[index];
  }

  /**
   * Applies the update rule to params in place. The gradient already includes the L2 term and
   * may be overwritten.
   *
   * @param step the 1-based number of this step, counting restored steps
   */
  abstract void update(float[] params, float[] gradient, float learningRate, long step);

  @Override
  public final void step(float[] params, float[] gradient, float learningRate) {
    if (params.length != parameterCount || gradient.length != parameterCount) {
      throw new IllegalArgumentException("optimizer '" + name + "' was created for "
          + parameterCount + " parameters but got params.length = " + params.length
          + " and gradient.length = " + gradient.length);
    }
    if (!(learningRate >= 0) || learningRate == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "learningRate = " + learningRate + " is outside the accepted range [0, infinity)");
    }
    if (l2 != 0f) {
      for (int i = 0; i < parameterCount; i++) {
        gradient[i] += l2 * params[i];
      }
    }
    steps++;
    update(params, gradient, learningRate, steps);
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final OptimizerState snapshot() {
    return new OptimizerState(name, steps, slots);
  }

  @Override
  public final void restore(OptimizerState state) {
    if (state == null) {
      throw new IllegalArgumentException("cannot restore optimizer '" + name + "' from null");
    }
    if (!name.equals(state.kind())) {
      throw new IllegalArgumentException("cannot restore optimizer '" + name
          + "' from the state of a '" + state.kind() + "' optimizer");
    }
    if (state.slotCount() != slots.length) {
      throw new IllegalArgumentException("cannot restore optimizer '" + name + "': it keeps "
          + slots.length + " state slots but the state has " + state.slotCount());
    }
    for (int i = 0; i < slots.length; i++) {
      if (state.slotLength(i) != parameterCount) {
        throw new IllegalArgumentException("cannot restore optimizer '" + name + "': it was "
            + "created for " + parameterCount + " parameters but slot " + i + " of the state has "
            + state.slotLength(i) + " values");
      }
    }
    for (int i = 0; i < slots.length; i++) {
      state.copySlotInto(i, slots[i]);
    }
    steps = state.steps();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public String toString() {
    return name + " optimizer (" + parameterCount + " parameters, " + steps + " steps)";
  }
}
