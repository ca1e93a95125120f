package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.math.Gemm;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.KernelMismatchException;
import org.sparkprop.math.Kernels;
import org.sparkprop.math.Precision;

/**
 * The network's gradient with bf16 products (math.precision = bf16) against central finite
 * differences: the double-precision reference network is checked against them, and the bf16
 * backpropagation against the reference within a tolerance derived from bfloat16's 8 significant
 * bits. Skipped on a CPU without AVX-512 BF16 or AMX.
 */
class Bf16GradientCheckTest {
  private static final int ROWS = 64;
  private static final int INPUTS = 32;
  private static final int[] HIDDEN = {32, 16};
  private static final int OUTPUTS = 4;

  @Test
  void bf16GradientsMatchFiniteDifferencesWithinBf16Rounding() {
    String kernel = null;
    try {
      kernel = Kernels.decide(GemmKernel.AUTO, Precision.BF16);
    } catch (KernelMismatchException e) {
      assumeTrue(false, e.getMessage());
    }
    Gemm bf16 = Kernels.forJob(kernel, "the test JVM");
    NetworkSpec spec = new NetworkSpec(INPUTS, HIDDEN, Activation.TANH, OUTPUTS, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    SplittableRandom rng = new SplittableRandom(18);
    float[] paramsF = Initializer.GLOROT.initialise(spec, 18);
    for (int i = 0; i < paramsF.length; i++) paramsF[i] += (float) (rng.nextDouble() * 0.2 - 0.1);
    float[] xF = new float[ROWS * INPUTS];
    for (int i = 0; i < xF.length; i++) xF[i] = (float) (rng.nextDouble() * 2 - 1);
    float[] yF = new float[ROWS];
    for (int r = 0; r < ROWS; r++) yF[r] = rng.nextInt(OUTPUTS);
    double[] p = new double[paramsF.length];
    for (int i = 0; i < p.length; i++) p[i] = paramsF[i];
    double[] x = new double[xF.length];
    for (int i = 0; i < x.length; i++) x[i] = xF[i];
    double[] y = new double[ROWS];
    for (int i = 0; i < y.length; i++) y[i] = yF[i];
    ReferenceNetwork ref = new ReferenceNetwork(spec.layout().widths(), "tanh", "softmax", "cross_entropy");

    // The reference against central differences, in double (as GradientCheckTest, for this network).
    double[] analytic = ref.gradientSum(p, x, y, ROWS, 1);
    double h = 1e-6;
    for (int i = 0; i < p.length; i++) {
      double saved = p[i];
      p[i] = saved + h;
      double up = ref.loss(p, x, y, ROWS, 1);
      p[i] = saved - h;
      double down = ref.loss(p, x, y, ROWS, 1);
      p[i] = saved;
      double mean = analytic[i] / ROWS;
      assertEquals(mean, (up - down) / (2 * h), 1e-6 + 1e-4 * Math.abs(mean), "reference parameter " + i);
    }

    DenseNetwork net = new DenseNetwork(spec, bf16);
    Workspace ws = new Workspace(spec, 1, ROWS);
    System.arraycopy(xF, 0, ws.input, 0, xF.length);
    System.arraycopy(yF, 0, ws.target, 0, yF.length);
    float[] grad = new float[paramsF.length];
    net.forwardBackward(paramsF, ROWS, 1, grad, ws);

    // Each product's factors are rounded to 8 significant bits (unit roundoff 2^-8), so a product
    // is off by at most 2^-7 of itself. A gradient entry passes through at most 2L + 1 GEMMs (L
    // forward, L backward and its own; tanh and the softmax cross-entropy derivative do not enlarge
    // errors), so it is within (2L + 1) 2^-7 of the magnitude of its terms. Measured in the L2 norm
    // over all entries, where terms of mixed sign cancel as the gradient itself does:
    int stages = 2 * (HIDDEN.length + 1) + 1;
    double bound = stages * 0x1p-7;
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < grad.length; i++) {
      diff += (grad[i] - analytic[i]) * (grad[i] - analytic[i]);
      norm += analytic[i] * analytic[i];
    }
    double relative = Math.sqrt(diff / norm);
    assertTrue(relative <= bound, "relative L2 error of the bf16 gradient " + relative + " > " + bound);
    // And it is bf16's: a float32 gradient is within about 1e-6 of the reference (GradientCheckTest).
    assertTrue(relative > 0x1p-16, "the gradient is as exact as float32's (" + relative + "): were the products bf16?");
  }
}
