package org.sparkprop.nn;

import org.sparkprop.math.Gemm;

/**
 * Forward and backward passes of a dense network over a block of rows, as float32 matrix
 * products. Stateless apart from the spec and the GEMM path: parameters come in, gradients are
 * accumulated ({@code +=}) into the caller's array, and buffers live in a {@link Workspace}.
 *
 * <p>Per layer l with input a (n, in), weights W (out, in) and bias b (out):
 * <pre>
 *   forward:  z = a W^T + b          a' = f(z)
 *   backward: dW += dz^T a           db += column sums of dz
 *             da  = dz W             dz_below = da * f'(z_below)
 * </pre>
 */
public final class DenseNetwork {
  private final NetworkSpec spec;
  private final ParameterLayout layout;
  private final Gemm gemm;

  public DenseNetwork(NetworkSpec spec, Gemm gemm) {
    this.spec = spec;
    this.layout = spec.layout();
    this.gemm = gemm;
  }

  public NetworkSpec spec() {
    return spec;
  }

  /**
   * Forward pass over the first {@code rows} rows of {@code ws.input}; the outputs are left in
   * {@link Workspace#output()}.
   */
  public void forward(float[] params, int rows, Workspace ws) {
    checkRows(rows, ws);
    float[] below = ws.input;
    for (int l = 0; l < layout.layers(); l++) {
      int in = layout.in(l);
      int out = layout.out(l);
      float[] z = ws.z[l];
      int b = layout.biasOffset(l);
      // z (rows, out) = b + below (rows, in) * W^T, W stored (out, in): the bias rows are C of the product (beta 1)
      gemm.biasedProduct(rows, out, in, below, params, layout.weightOffset(l), params, b, z);
      spec.activation(l).forward(z, ws.a[l], rows, out);
      below = ws.a[l];
    }
  }

  /** Forward pass and summed loss over the first {@code rows} rows of the workspace. */
  public double forwardLoss(float[] params, int rows, int targetWidth, Workspace ws) {
    return forwardLoss(params, rows, targetWidth, false, ws);
  }

  /** As above; when {@code weighted}, each row's loss is multiplied by its weight in {@code ws.weight}. */
  public double forwardLoss(float[] params, int rows, int targetWidth, boolean weighted, Workspace ws) {
    forward(params, rows, ws);
    int last = layout.layers() - 1;
    return spec.loss().lossAndDelta(ws.z[last], ws.a[last], ws.target, weighted ? ws.weight : null, rows,
        layout.out(last), targetWidth, spec.outputActivation(), ws.scratch, ws.delta);
  }

  /**
   * Forward and backward over the first {@code rows} rows of {@code ws.input} with targets in
   * {@code ws.target}: adds the summed gradient into {@code grad} and returns the summed loss.
   */
  public double forwardBackward(float[] params, int rows, int targetWidth, float[] grad, Workspace ws) {
    return forwardBackward(params, rows, targetWidth, false, grad, ws);
  }

  /**
   * {@link #forwardBackward(float[], int, int, float[], Workspace)} with, when {@code weighted},
   * each row's loss and gradient multiplied by its sample weight in {@code ws.weight}: the sums
   * returned and added are then sum_r w_r l_r and sum_r w_r grad l_r.
   */
  public double forwardBackward(float[] params, int rows, int targetWidth, boolean weighted, float[] grad,
                                Workspace ws) {
    forward(params, rows, ws);
    int last = layout.layers() - 1;
    int outputs = layout.out(last);
    float[] dz = ws.delta;
    double loss = spec.loss().lossAndDelta(ws.z[last], ws.a[last], ws.target, weighted ? ws.weight : null, rows, outputs,
        targetWidth, spec.outputActivation(), ws.scratch, dz);
    for (int l = last; l >= 0; l--) {
      int in = layout.in(l);
      int out = layout.out(l);
      float[] below = l == 0 ? ws.input : ws.a[l - 1];
      // dW (out, in) += dz^T (out, rows) * below (rows, in)
      gemm.sgemm(true, false, out, in, rows, 1f, dz, 0, out, below, 0, in, 1f, grad, layout.weightOffset(l), in);
      int b = layout.biasOffset(l);
      for (int r = 0; r < rows; r++) {
        int o = r * out;
        for (int j = 0; j < out; j++) grad[b + j] += dz[o + j];
      }
      if (l > 0) {
        // da (rows, in) = dz (rows, out) * W (out, in)
        gemm.sgemm(false, false, rows, in, out, 1f, dz, 0, out, params, layout.weightOffset(l), in, 0f, ws.upstream, 0, in);
        spec.activation(l - 1).backward(ws.z[l - 1], ws.a[l - 1], ws.upstream, dz, rows, in);
      }
    }
    return loss;
  }

  private static void checkRows(int rows, Workspace ws) {
    if (rows < 0 || rows > ws.capacity()) {
      throw new IllegalArgumentException(rows + " rows do not fit a workspace of " + ws.capacity());
    }
  }
}
