package org.sparkprop.nn;

/**
 * Scratch buffers for forward and backward passes over up to {@link #capacity()} rows, allocated
 * once and reused for every batch so the hot loop allocates nothing. One workspace per thread:
 * Spark runs several tasks in one executor JVM at the same time.
 */
public final class Workspace {
  private final int capacity;
  public final float[] input;  // (capacity, inputs): the gathered rows of the current chunk
  public final float[] target; // (capacity, targetWidth)
  public final float[] weight; // (capacity): sample weights of the gathered rows, read only for weighted rows
  final float[][] z;           // per layer (capacity, out_l): pre-activations
  final float[][] a;           // per layer (capacity, out_l): activations
  final float[] delta;         // (capacity, maxWidth): dL/dz of the layer being processed
  final float[] upstream;      // (capacity, maxWidth): dL/da of the layer below
  final float[] scratch;       // (capacity, outputs): dL/da of the output layer, for unfused losses

  public Workspace(NetworkSpec spec, int targetWidth, int capacity) {
    if (capacity <= 0) throw new IllegalArgumentException("workspace capacity must be positive");
    ParameterLayout layout = spec.layout();
    this.capacity = capacity;
    this.input = new float[capacity * spec.inputs()];
    this.target = new float[capacity * targetWidth];
    this.weight = new float[capacity];
    this.z = new float[layout.layers()][];
    this.a = new float[layout.layers()][];
    for (int l = 0; l < layout.layers(); l++) {
      z[l] = new float[capacity * layout.out(l)];
      a[l] = new float[capacity * layout.out(l)];
    }
    this.delta = new float[capacity * layout.maxWidth()];
    this.upstream = new float[capacity * layout.maxWidth()];
    this.scratch = new float[capacity * spec.outputs()];
  }

  /** Largest number of rows one forward/backward call may process. */
  public int capacity() {
    return capacity;
  }

  /** Output activations (capacity, outputs) of the last forward pass. */
  public float[] output() {
    return a[a.length - 1];
  }

  /**
   * Output pre-activations (capacity, outputs) of the last forward pass: the logits of a softmax
   * or sigmoid output, which predictions report as raw scores.
   */
  public float[] outputPreActivation() {
    return z[z.length - 1];
  }
}
