package org.sparkprop.nn;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The architecture of a dense feed-forward network: input width, hidden widths with one shared
 * hidden activation, output width with its activation, and the training loss. Immutable; it
 * validates the combinations backpropagation cannot train.
 */
public final class NetworkSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int inputs;
  private final int[] hidden;
  private final Activation hiddenActivation;
  private final int outputs;
  private final Activation outputActivation;
  private final Loss loss;
  private final ParameterLayout layout;

  public NetworkSpec(int inputs, int[] hidden, Activation hiddenActivation, int outputs,
                     Activation outputActivation, Loss loss) {
    this.inputs = inputs;
    this.hidden = hidden.clone();
    this.hiddenActivation = hiddenActivation;
    this.outputs = outputs;
    this.outputActivation = outputActivation;
    this.loss = loss;
    validate();
    int[] widths = new int[hidden.length + 2];
    widths[0] = inputs;
    System.arraycopy(hidden, 0, widths, 1, hidden.length);
    widths[widths.length - 1] = outputs;
    this.layout = new ParameterLayout(widths);
  }

  private void validate() {
    if (inputs <= 0) throw new IllegalArgumentException("the network needs at least one input feature, got " + inputs);
    if (outputs <= 0) throw new IllegalArgumentException("the network needs at least one output, got " + outputs);
    for (int h : hidden) {
      if (h <= 0) throw new IllegalArgumentException("hidden widths must be positive, got " + Arrays.toString(hidden));
    }
    if (hidden.length > 0 && hiddenActivation == Activation.STEP) {
      throw new IllegalArgumentException("the step (Heaviside) activation has zero derivative almost "
          + "everywhere, so backpropagation cannot train hidden step units; use it only as the "
          + "output of a single-layer perceptron (no hidden layer)");
    }
    if (hidden.length > 0 && hiddenActivation == Activation.SOFTMAX) {
      throw new IllegalArgumentException("softmax is an output activation, not a hidden one");
    }
    if (outputActivation == Activation.STEP && hidden.length > 0) {
      throw new IllegalArgumentException("a step output is trained by the perceptron rule, which "
          + "exists only for a single layer: remove the hidden layers or use a sigmoid output");
    }
    if (outputActivation == Activation.SOFTMAX && outputs < 2) {
      throw new IllegalArgumentException("a softmax output needs at least 2 classes, got " + outputs);
    }
    if (outputActivation == Activation.STEP && (loss == Loss.BCE || loss == Loss.CROSS_ENTROPY)) {
      // The cross-entropies are defined on probabilities; a step output gives hard 0/1 values.
      throw new IllegalArgumentException("a step output (the perceptron) is trained with the mae or mse loss, not "
          + loss.configName() + ": use loss mae or mse, or a " + loss.defaultOutput().configName()
          + " output for " + loss.configName());
    }
    if (loss == Loss.CROSS_ENTROPY && outputActivation != Activation.SOFTMAX) {
      throw new IllegalArgumentException("cross_entropy needs a softmax output, got " + outputActivation.configName());
    }
    if (loss == Loss.BCE && outputActivation != Activation.SIGMOID) {
      throw new IllegalArgumentException("bce needs a sigmoid output, got " + outputActivation.configName());
    }
  }

  public int inputs() { return inputs; }
  public int[] hidden() { return hidden.clone(); }
  public Activation hiddenActivation() { return hiddenActivation; }
  public int outputs() { return outputs; }
  public Activation outputActivation() { return outputActivation; }
  public Loss loss() { return loss; }
  public ParameterLayout layout() { return layout; }
  public int parameterCount() { return layout.size(); }

  /** Activation of layer l (0-based): the hidden activation, or the output one for the last layer. */
  public Activation activation(int layer) {
    return layer == layout.layers() - 1 ? outputActivation : hiddenActivation;
  }

  /** Forward+backward floating-point operations per example: 6 per weight (the usual estimate). */
  public long flopsPerExample() {
    long weights = 0;
    for (int l = 0; l < layout.layers(); l++) weights += (long) layout.in(l) * layout.out(l);
    return 6 * weights;
  }

  public String describe() {
    StringBuilder sb = new StringBuilder().append(inputs);
    for (int h : hidden) sb.append('-').append(h);
    sb.append('-').append(outputs).append(" (").append(hidden.length > 0 ? hiddenActivation.configName() + " hidden, " : "")
        .append(outputActivation.configName()).append(" output, ").append(loss.configName()).append(" loss, ")
        .append(parameterCount()).append(" parameters)");
    return sb.toString();
  }

  @Override public boolean equals(Object o) {
    if (!(o instanceof NetworkSpec)) return false;
    NetworkSpec s = (NetworkSpec) o;
    return inputs == s.inputs && outputs == s.outputs && Arrays.equals(hidden, s.hidden)
        && hiddenActivation == s.hiddenActivation && outputActivation == s.outputActivation && loss == s.loss;
  }

  @Override public int hashCode() {
    return 31 * (31 * inputs + outputs) + Arrays.hashCode(hidden);
  }

  @Override public String toString() {
    return describe();
  }
}
