package org.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The branch-free ReLU and leaky ReLU give, bit for bit, what their textbook definitions give,
 * including at the edges a mask could get wrong: +0, -0, the smallest subnormals, infinities.
 */
class ActivationTest {
  private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
      -Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, 1e-30f, -1e-30f, 3.5f, -3.5f};

  private static float[] values() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] v = new float[EDGES.length + 1000];
    System.arraycopy(EDGES, 0, v, 0, EDGES.length);
    for (int i = EDGES.length; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-5, 5)));
    return v;
  }

  @Test
  void reluMatchesItsDefinitionBitForBit() {
    float[] z = values();
    float[] a = new float[z.length];
    Activation.RELU.forward(z, a, 1, z.length);
    float[] da = upstream(z.length);
    float[] dz = new float[z.length];
    Activation.RELU.backward(z, a, da, dz, 1, z.length);
    for (int i = 0; i < z.length; i++) {
      float expectedA = z[i] > 0f ? z[i] : 0f;
      float expectedDz = z[i] > 0f ? da[i] : 0f;
      assertEquals(Float.floatToRawIntBits(expectedA), Float.floatToRawIntBits(a[i]), "relu(" + z[i] + ")");
      assertEquals(Float.floatToRawIntBits(expectedDz), Float.floatToRawIntBits(dz[i]), "relu'(" + z[i] + ")");
    }
  }

  @Test
  void leakyReluMatchesItsDefinitionBitForBit() {
    float[] z = values();
    float[] a = new float[z.length];
    Activation.LEAKY_RELU.forward(z, a, 1, z.length);
    float[] da = upstream(z.length);
    float[] dz = new float[z.length];
    Activation.LEAKY_RELU.backward(z, a, da, dz, 1, z.length);
    float s = Activation.LEAKY_SLOPE;
    for (int i = 0; i < z.length; i++) {
      float expectedA = z[i] > 0f ? z[i] : s * z[i];
      float expectedDz = z[i] > 0f ? da[i] : s * da[i];
      assertEquals(Float.floatToRawIntBits(expectedA), Float.floatToRawIntBits(a[i]), "leaky(" + z[i] + ")");
      assertEquals(Float.floatToRawIntBits(expectedDz), Float.floatToRawIntBits(dz[i]), "leaky'(" + z[i] + ")");
    }
  }

  @Test
  void reluPassesNaNForwardSoThatTheDivergenceGuardSeesIt() {
    float[] a = new float[1];
    Activation.RELU.forward(new float[] {Float.NaN}, a, 1, 1);
    assertEquals(Float.NaN, a[0]);
  }

  private static float[] upstream(int n) {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] da = new float[n];
    for (int i = 0; i < n; i++) da[i] = (float) rnd.nextGaussian();
    da[0] = -0f; // a signed zero upstream must survive the mask unchanged where it passes
    return da;
  }
}
