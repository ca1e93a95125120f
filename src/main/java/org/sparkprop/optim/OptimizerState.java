package org.sparkprop.optim;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A checkpointable copy of an {@link Optimizer}'s state: its kind, the number of steps taken and
 * its per-parameter state arrays ("slots", e.g. Adam's first and second moments, in the order
 * the optimizer defines).
 *
 * <p>The record owns its arrays: the constructor copies them in and {@link #slots()} copies them
 * out, so neither the optimizer nor a caller can change a state after the fact. Equality and the
 * hash code compare slot contents.
 */
public record OptimizerState(String kind, long steps, float[][] slots) implements Serializable {

  /** Slot values shown per slot by {@link #toString()}; slots can hold millions of values. */
  private static final int VALUES_SHOWN = 8;

  public OptimizerState {
    if (kind == null) {
      throw new IllegalArgumentException("OptimizerState kind must not be null");
    }
    if (steps < 0) {
      throw new IllegalArgumentException(
          "OptimizerState steps = " + steps + " is outside the accepted range [0, Long.MAX_VALUE]");
    }
    if (slots == null) {
      throw new IllegalArgumentException("OptimizerState slots must not be null (use an empty array)");
    }
    float[][] copy = new float[slots.length][];
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == null) {
        throw new IllegalArgumentException("OptimizerState slot " + i + " must not be null");
      }
      copy[i] = slots[i].clone();
    }
    slots = copy;
  }

  /** A deep copy of the slots. */
  @Override
  public float[][] slots() {
    float[][] copy = new float[slots.length][];
    for (int i = 0; i < slots.length; i++) {
      copy[i] = slots[i].clone();
    }
    return copy;
  }

  int slotCount() {
    return slots.length;
  }

  int slotLength(int slot) {
    return slots[slot].length;
  }

  /** Lets {@link Optimizer#restore} fill its own arrays without an intermediate deep copy. */
  void copySlotInto(int slot, float[] destination) {
    System.arraycopy(slots[slot], 0, destination, 0, slots[slot].length);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OptimizerState that
        && steps == that.steps
        && kind.equals(that.kind)
        && Arrays.deepEquals(slots, that.slots);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, steps, Arrays.deepHashCode(slots));
  }

  /** Shows the first few values of each slot only, so that logging a state stays readable. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("OptimizerState[kind=").append(kind)
        .append(", steps=").append(steps).append(", slots=[");
    for (int i = 0; i < slots.length; i++) {
      float[] slot = slots[i];
      if (i > 0) {
        text.append(", ");
      }
      text.append('[');
      int shown = Math.min(slot.length, VALUES_SHOWN);
      for (int j = 0; j < shown; j++) {
        text.append(j > 0 ? ", " : "").append(slot[j]);
      }
      if (slot.length > shown) {
        text.append(", ... (").append(slot.length).append(" values)");
      }
      text.append(']');
    }
    return text.append("]]").toString();
  }
}
