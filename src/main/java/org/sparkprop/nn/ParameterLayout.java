package org.sparkprop.nn;

import java.io.Serializable;

/**
 * Where each layer's weights and biases live inside the one flat parameter vector. Gradients and
 * optimizer state use the same layout, so broadcast, aggregation, checkpoints and optimizers all
 * handle a single {@code float[]}.
 *
 * <p>Layout, layer by layer from the input: {@code W_l} as (out_l, in_l) row-major, then
 * {@code b_l} as (out_l). Layer l's weights start at {@link #weightOffset(int)} and its biases at
 * {@link #biasOffset(int)} = weightOffset + out_l * in_l.
 */
public final class ParameterLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] widths;        // (layers + 1): input width, then each layer's output width
  private final int[] weightOffsets; // (layers)
  private final int size;

  public ParameterLayout(int[] widths) {
    if (widths.length < 2) throw new IllegalArgumentException("a network needs at least an input and an output width");
    this.widths = widths.clone();
    this.weightOffsets = new int[widths.length - 1];
    long offset = 0;
    for (int l = 0; l < weightOffsets.length; l++) {
      if (widths[l] <= 0 || widths[l + 1] <= 0) {
        throw new IllegalArgumentException("layer widths must be positive, got " + java.util.Arrays.toString(widths));
      }
      weightOffsets[l] = (int) offset;
      offset += (long) widths[l] * widths[l + 1] + widths[l + 1];
      if (offset > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("network " + java.util.Arrays.toString(widths)
            + " has more than 2^31 parameters, beyond one Java array");
      }
    }
    this.size = (int) offset;
  }

  public int layers() {
    return weightOffsets.length;
  }

  /** Input width of layer l (0-based). */
  public int in(int layer) {
    return widths[layer];
  }

  /** Output width of layer l (0-based). */
  public int out(int layer) {
    return widths[layer + 1];
  }

  public int weightOffset(int layer) {
    return weightOffsets[layer];
  }

  public int biasOffset(int layer) {
    return weightOffsets[layer] + widths[layer] * widths[layer + 1];
  }

  /** Total number of parameters: the length of the flat vector. */
  public int size() {
    return size;
  }

  public int[] widths() {
    return widths.clone();
  }

  public int maxWidth() {
    int m = 0;
    for (int w : widths) m = Math.max(m, w);
    return m;
  }
}
