package org.sparkprop.train;

import org.sparkprop.data.Preprocessing;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * What a trained network says about rows that are already scaled: per row, the predicted class
 * and the class probabilities (classification), or the value in the target's units (regression).
 * The class rule is the one the metrics use (see {@link EvaluationAccumulator}).
 */
public final class Predictions {
  private final DenseNetwork network;
  private final float[] params;
  private final Preprocessing preprocessing;
  private final Workspace ws;

  public Predictions(DenseNetwork network, float[] params, Preprocessing preprocessing, Workspace ws) {
    this.network = network;
    this.params = params;
    this.preprocessing = preprocessing;
    this.ws = ws;
  }

  /** Whether {@link #probabilities} means anything: softmax or sigmoid outputs of a classifier. */
  public static boolean hasProbabilities(NetworkSpec spec, Preprocessing p) {
    String out = spec.outputActivation().configName();
    return p.classification() && (out.equals("softmax") || out.equals("sigmoid"));
  }

  /** Number of probability columns: one per class. */
  public int probabilityWidth() {
    return preprocessing.classification() ? preprocessing.labels().classes() : 0;
  }

  /**
   * Runs the network on {@code rows} rows of {@code x} (rows, inputs), already scaled, at most
   * the workspace's capacity. Then per row: {@link #predictedClass}, {@link #probability},
   * {@link #value}.
   */
  public void run(float[] x, int rows) {
    System.arraycopy(x, 0, ws.input, 0, rows * network.spec().inputs());
    network.forward(params, rows, ws);
  }

  public int predictedClass(int row) {
    int outputs = network.spec().outputs();
    return EvaluationAccumulator.predictClass(ws.output(), row * outputs, outputs);
  }

  /** Probability of class c for the row; a single sigmoid output p stands for classes [1 - p, p]. */
  public double probability(int row, int c) {
    int outputs = network.spec().outputs();
    float[] out = ws.output();
    if (outputs == 1) {
      double p = out[row];
      return c == 1 ? p : 1 - p;
    }
    return out[row * outputs + c];
  }

  /** The regression value of output j for the row, in the target's units (in double, as the metrics compute it). */
  public double value(int row, int j) {
    int outputs = network.spec().outputs();
    return (double) ws.output()[row * outputs + j] * preprocessing.target().scale(j) + preprocessing.target().shift(j);
  }

  /** The raw output j for the row: a multi-label output's probability of label j. */
  public double output(int row, int j) {
    return ws.output()[row * network.spec().outputs() + j];
  }
}
