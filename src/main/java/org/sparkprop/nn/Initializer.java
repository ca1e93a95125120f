package org.sparkprop.nn;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded weight initialisation. Biases start at zero. Glorot/Xavier (uniform, limit
 * sqrt(6 / (in + out))) keeps the variance of sigmoid and tanh layers stable; He (normal, standard
 * deviation sqrt(2 / in)) does the same for ReLU, which zeroes half its inputs.
 */
public enum Initializer {
  GLOROT("glorot"),
  HE("he");

  private final String configName;

  Initializer(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** The usual choice for an activation: He for the ReLU family, Glorot otherwise. */
  public static Initializer defaultFor(Activation hidden) {
    return hidden == Activation.RELU || hidden == Activation.LEAKY_RELU ? HE : GLOROT;
  }

  public static Initializer parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    for (Initializer i : values()) {
      if (i.configName.equals(key)) return i;
    }
    throw new IllegalArgumentException("unknown initializer '" + name + "': expected glorot or he");
  }

  /** A new flat parameter vector for the spec, fully determined by the seed. */
  public float[] initialise(NetworkSpec spec, long seed) {
    ParameterLayout layout = spec.layout();
    float[] params = new float[layout.size()];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int l = 0; l < layout.layers(); l++) {
      int in = layout.in(l);
      int out = layout.out(l);
      int w = layout.weightOffset(l);
      // The output layer of a ReLU network is linear: Glorot suits it better than He.
      Initializer rule = l == layout.layers() - 1 && this == HE ? GLOROT : this;
      if (rule == GLOROT) {
        double limit = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < in * out; i++) params[w + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
      } else {
        double std = Math.sqrt(2.0 / in);
        for (int i = 0; i < in * out; i++) params[w + i] = (float) (gaussian(rng) * std);
      }
    }
    return params;
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
