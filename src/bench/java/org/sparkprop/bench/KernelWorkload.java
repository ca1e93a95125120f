package org.sparkprop.bench;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.sparkprop.nn.Loss;
import org.sparkprop.math.Gemm;
import org.sparkprop.math.OpenBlasGemm;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.ParameterLayout;
import org.sparkprop.nn.Workspace;

/**
 * One training step's kernel work for a network and chunk size, two ways: through
 * {@link DenseNetwork#forwardBackward} as the trainer runs it, and as the bare sequence of the same
 * sgemm products on operands already in native memory (no staging, no activations, no loss). The
 * ratio of their times is how much of the BLAS's speed the network code keeps.
 *
 * <p>Per layer l (input a (batch, in), W (out, in)): forward z += a W^T (batch, out, in); weight
 * gradient dW += dz^T a (out, in, batch); and, above the first layer, da = dz W (batch, in, out).
 * Not thread-safe: one instance per measuring thread; {@link #close()} frees the native operands.
 */
public final class KernelWorkload implements AutoCloseable {
  private final int[] widths; // (layers + 1)
  private final int batch;
  private final ParameterLayout layout;
  private final DenseNetwork network;
  private final Workspace workspace;
  private final float[] params; // (parameters)
  private final float[] grad;   // (parameters)
  private final long executedFlops;

  // The bare products' operands, per layer, in native memory.
  private final FloatPointer[] weights;     // (out, in)
  private final FloatPointer[] weightGrads; // (out, in)
  private final FloatPointer[] activations; // (batch, width_l): index 0 is the input
  private final FloatPointer[] deltas;      // (batch, out)
  private final FloatPointer[] upstreams;   // (batch, in)

  public KernelWorkload(int[] widths, int batch) {
    this(widths, batch, new OpenBlasGemm());
  }

  public KernelWorkload(int[] widths, int batch, Gemm gemm) {
    this.widths = widths.clone();
    this.batch = batch;
    int[] hidden = java.util.Arrays.copyOfRange(widths, 1, widths.length - 1);
    int outputs = widths[widths.length - 1];
    NetworkSpec spec = new NetworkSpec(widths[0], hidden, Activation.RELU, outputs, Activation.SOFTMAX,
        Loss.CROSS_ENTROPY);
    this.layout = spec.layout();
    this.network = new DenseNetwork(spec, gemm);
    this.workspace = new Workspace(spec, 1, batch);
    SplittableRandom rnd = new SplittableRandom(42);
    this.params = new float[layout.size()];
    for (int i = 0; i < params.length; i++) params[i] = (float) rnd.nextGaussian() * 0.05f;
    this.grad = new float[layout.size()];
    for (int i = 0; i < workspace.input.length; i++) workspace.input[i] = (float) rnd.nextGaussian();
    for (int r = 0; r < batch; r++) workspace.target[r] = rnd.nextInt(outputs);

    int layers = layout.layers();
    weights = new FloatPointer[layers];
    weightGrads = new FloatPointer[layers];
    activations = new FloatPointer[layers + 1];
    deltas = new FloatPointer[layers];
    upstreams = new FloatPointer[layers];
    long flops = 0;
    activations[0] = random(rnd, (long) batch * widths[0]);
    for (int l = 0; l < layers; l++) {
      int in = layout.in(l);
      int out = layout.out(l);
      weights[l] = random(rnd, (long) out * in);
      weightGrads[l] = random(rnd, (long) out * in);
      activations[l + 1] = random(rnd, (long) batch * out);
      deltas[l] = random(rnd, (long) batch * out);
      upstreams[l] = random(rnd, (long) batch * in);
      flops += 2L * batch * in * out * (l == 0 ? 2 : 3);
    }
    this.executedFlops = flops;
  }

  /** One forward+backward through the network code, as a training task runs it. */
  public double runNetwork() {
    return network.forwardBackward(params, batch, 1, grad, workspace);
  }

  /** The same products as {@link #runNetwork()}, on native operands, with nothing else. */
  public void runSgemm() {
    int layers = layout.layers();
    for (int l = 0; l < layers; l++) {
      int in = layout.in(l);
      int out = layout.out(l);
      openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, out, in, 1f,
          activations[l], in, weights[l], in, 1f, activations[l + 1], out);
    }
    for (int l = layers - 1; l >= 0; l--) {
      int in = layout.in(l);
      int out = layout.out(l);
      openblas.cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, batch, 1f,
          deltas[l], out, activations[l], in, 1f, weightGrads[l], in);
      if (l > 0) {
        openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, in, out, 1f,
            deltas[l], out, weights[l], in, 0f, upstreams[l], in);
      }
    }
  }

  /** Floating-point operations of the products actually run per call (2 m n k each). */
  public long executedFlops() {
    return executedFlops;
  }

  /**
   * The customary count, 6 x weights x batch (forward 2, weight gradient 2, input gradient 2),
   * which includes the first layer's input gradient that backpropagation never forms.
   */
  public long conventionalFlops() {
    long w = 0;
    for (int l = 0; l < layout.layers(); l++) w += (long) layout.in(l) * layout.out(l);
    return 6L * w * batch;
  }

  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < widths.length; i++) sb.append(i == 0 ? "" : "-").append(widths[i]);
    return sb + " batch " + batch;
  }

  @Override
  public void close() {
    for (FloatPointer[] group : new FloatPointer[][] {weights, weightGrads, activations, deltas, upstreams}) {
      for (FloatPointer p : group) {
        if (p != null) p.close();
      }
    }
  }

  private static FloatPointer random(SplittableRandom rnd, long length) {
    FloatPointer p = new FloatPointer(length);
    for (long i = 0; i < length; i++) p.put(i, (float) rnd.nextGaussian() * 0.05f);
    return p;
  }
}
