package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkprop.math.Gemm;
import org.sparkprop.math.JavaGemm;
import org.sparkprop.math.Kernels;

/**
 * Gradient checks for every hidden activation x (output activation, loss) pair and depths 0, 1
 * and 3: the double-precision reference against central finite differences, and the float32
 * network (both GEMM paths) against the reference.
 */
class GradientCheckTest {
  private static final int ROWS = 7;
  private static final int INPUTS = 3;

  static Stream<Arguments> cases() {
    String[] hiddenActs = {"identity", "sigmoid", "tanh", "relu", "leaky_relu"};
    // (output activation, loss, target width: 0 = same as outputs, 1 = class index)
    Object[][] heads = {
        {"identity", "mse", 0}, {"identity", "mae", 0}, {"sigmoid", "mse", 0}, {"sigmoid", "mae", 0},
        {"tanh", "mse", 0}, {"tanh", "mae", 0}, {"relu", "mse", 0}, {"leaky_relu", "mae", 0},
        {"softmax", "mse", 1}, {"softmax", "mae", 0}, {"sigmoid", "bce", 0}, {"softmax", "cross_entropy", 1},
    };
    int[][] depths = {{}, {4}, {5, 4, 3}};
    List<Arguments> out = new ArrayList<>();
    for (Object[] head : heads) {
      for (int[] hidden : depths) {
        for (String h : hidden.length == 0 ? new String[] {"identity"} : hiddenActs) {
          out.add(Arguments.of(h, head[0], head[1], (int) head[2], hidden));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} hidden {4}, {1} output, {2}")
  @MethodSource("cases")
  void referenceMatchesFiniteDifferencesAndFloatPathMatchesReference(String hiddenAct, String outputAct, String lossName,
                                                                   int targetKind, int[] hidden) {
    int outputs = outputAct.equals("softmax") ? 3 : 2;
    int tw = targetKind == 1 ? 1 : outputs;
    SplittableRandom rng = new SplittableRandom(hidden.length * 1000L + hiddenAct.hashCode() + lossName.hashCode() + outputAct.hashCode());
    NetworkSpec spec = new NetworkSpec(INPUTS, hidden, Activation.parse(hiddenAct), outputs,
        Activation.parse(outputAct), Loss.parse(lossName));
    float[] paramsF = Initializer.GLOROT.initialise(spec, rng.nextLong());
    for (int i = 0; i < paramsF.length; i++) paramsF[i] += (float) (rng.nextDouble() * 0.2 - 0.1); // non-zero biases too
    float[] xF = new float[ROWS * INPUTS];
    for (int i = 0; i < xF.length; i++) xF[i] = (float) (rng.nextDouble() * 2 - 1);
    float[] yF = new float[ROWS * tw];
    for (int r = 0; r < ROWS; r++) {
      for (int j = 0; j < tw; j++) {
        if (tw == 1 && outputs > 1) {
          yF[r] = rng.nextInt(outputs);
        } else if (lossName.equals("bce")) {
          yF[r * tw + j] = rng.nextInt(2);
        } else {
          yF[r * tw + j] = (float) (0.1 + 0.8 * rng.nextDouble());
        }
      }
    }
    double[] p = toDouble(paramsF);
    double[] x = toDouble(xF);
    double[] y = toDouble(yF);
    ReferenceNetwork ref = new ReferenceNetwork(spec.layout().widths(), hiddenAct, outputAct, lossName);

    // 1. Reference backprop against central differences of the mean loss, all in double.
    double[] analytic = ref.gradientSum(p, x, y, ROWS, tw);
    double h = 1e-6;
    for (int i = 0; i < p.length; i++) {
      double saved = p[i];
      p[i] = saved + h;
      double up = ref.loss(p, x, y, ROWS, tw);
      p[i] = saved - h;
      double down = ref.loss(p, x, y, ROWS, tw);
      p[i] = saved;
      double numeric = (up - down) / (2 * h);
      double mean = analytic[i] / ROWS;
      // Central differences: truncation O(h^2) ~ 1e-12, rounding ~ 1e-16 / h = 1e-10; the bound
      // leaves room for a ReLU/MAE kink near the point, which random data almost never hits.
      assertEquals(mean, numeric, 1e-6 + 1e-4 * Math.abs(mean), "parameter " + i + " of " + spec);
    }

    // 2. The float32 fast path, on both GEMM implementations, against the reference.
    double scale = 0;
    for (double g : analytic) scale = Math.max(scale, Math.abs(g));
    double expectedLoss = ref.loss(p, x, y, ROWS, tw) * ROWS;
    for (Gemm gemm : new Gemm[] {new JavaGemm(), Kernels.gemm()}) {
      DenseNetwork net = new DenseNetwork(spec, gemm);
      Workspace ws = new Workspace(spec, tw, ROWS);
      System.arraycopy(xF, 0, ws.input, 0, xF.length);
      System.arraycopy(yF, 0, ws.target, 0, yF.length);
      float[] grad = new float[paramsF.length];
      double loss = net.forwardBackward(paramsF, ROWS, tw, grad, ws);
      // float32 has a 6e-8 unit roundoff; a few dozen rounded operations per value stay far
      // below 1e-4 of the largest gradient entry.
      for (int i = 0; i < grad.length; i++) {
        assertEquals(analytic[i], grad[i], 1e-4 * scale + 1e-6, gemm.name() + ": parameter " + i + " of " + spec);
      }
      assertEquals(expectedLoss, loss, 1e-4 * Math.abs(expectedLoss) + 1e-6, gemm.name() + ": loss of " + spec);
    }
  }

  @org.junit.jupiter.api.Test
  void gradientsAccumulateRatherThanOverwrite() {
    NetworkSpec spec = new NetworkSpec(2, new int[] {3}, Activation.TANH, 1, Activation.IDENTITY, Loss.MSE);
    float[] params = Initializer.GLOROT.initialise(spec, 3);
    DenseNetwork net = new DenseNetwork(spec, new JavaGemm());
    Workspace ws = new Workspace(spec, 1, 2);
    float[] x = {0.5f, -0.25f, 1f, 0.75f};
    float[] y = {0.3f, -0.2f};
    System.arraycopy(x, 0, ws.input, 0, 4);
    System.arraycopy(y, 0, ws.target, 0, 2);
    float[] once = new float[spec.parameterCount()];
    net.forwardBackward(params, 2, 1, once, ws);
    float[] twice = new float[spec.parameterCount()];
    net.forwardBackward(params, 2, 1, twice, ws);
    net.forwardBackward(params, 2, 1, twice, ws);
    boolean anyNonZero = false;
    for (int i = 0; i < once.length; i++) {
      assertEquals(2 * once[i], twice[i], 1e-6f * Math.abs(once[i]) + 1e-7f);
      anyNonZero |= once[i] != 0;
    }
    assertTrue(anyNonZero);
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }
}
