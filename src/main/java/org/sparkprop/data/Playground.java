package org.sparkprop.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparkprop.math.CounterRandom;

/**
 * The two-dimensional data sets of the TensorFlow Playground ({@code dataset.ts}), made
 * index-addressable: each row draws its random numbers from {@link CounterRandom} with the row
 * index as counter, instead of from one sequential generator.
 *
 * <p>Differences from the Playground, all forced by index addressing or by the trainer's label
 * format: the two classes are interleaved (row i is generated as class i % 2) rather than
 * generated as two halves; spiral row i sits at a uniformly random position along the arm of
 * class i % 2 (the Playground spaces points evenly), so every index range is a fair sample;
 * labels are class indices 0 and 1 rather than -1 and +1 (Playground +1 becomes 1). As in the
 * Playground, circle and xor take the label from the noisy point, so with noise some labels
 * differ from the class the point was generated for; gauss and spiral keep it.
 *
 * <p>Inputs are x1, x2 (the Playground's x, y), then the requested extra features in the order
 * given. Sines come from {@link StrictMath} so rows are identical on every JVM.
 */
public final class Playground implements RowGenerator {
  private static final long serialVersionUID = 1L;

  /** The data sets, in the Playground's order: classification first, then regression. */
  public enum Kind {
    CIRCLE(true), XOR(true), GAUSS(true), SPIRAL(true), PLANE(false), MULTIGAUSS(false);

    private final boolean classification;

    Kind(boolean classification) {
      this.classification = classification;
    }

    /** The lower-case name configurations spell it with. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** True for the two-class data sets, false for the regression ones. */
    public boolean classification() {
      return classification;
    }
  }

  /** The optional input features derived from x1 and x2 (the Playground's feature buttons). */
  public enum ExtraFeature {
    X1SQ, X2SQ, X1X2, SINX1, SINX2;

    /** The lower-case name configurations spell it with. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Largest noise the Playground's slider allows (50 %). */
  public static final double MAX_NOISE = 0.5;

  private static final List<String> NAMES =
      Arrays.stream(Kind.values()).map(Kind::configName).toList();
  private static final List<String> EXTRA_NAMES =
      Arrays.stream(ExtraFeature.values()).map(ExtraFeature::configName).toList();

  // Uniform streams of one row: two coordinates (or radius and angle) and two noise terms.
  // gauss uses gaussian streams 0 and 1, which consume uniform streams 0..3 themselves.
  private static final long STREAM_A = 0;
  private static final long STREAM_B = 1;
  private static final long STREAM_NOISE_X = 2;
  private static final long STREAM_NOISE_Y = 3;

  private static final double TWO_PI = 2 * Math.PI;
  // regressGaussian's six bumps: centre x, centre y, sign.
  private static final double[][] BUMPS = {
      {-4, 2.5, 1}, {0, 2.5, -1}, {4, 2.5, 1}, {-4, -2.5, -1}, {0, -2.5, 1}, {4, -2.5, -1}};

  private final Kind kind;
  private final long rows;
  private final double noise;
  private final long seed;
  private final ExtraFeature[] extras; // (features - 2)

  public Playground(String name, long rows, double noise, long seed) {
    this(name, rows, noise, seed, List.of());
  }

  /**
   * @param name one of {@link #names()}, case-insensitive
   * @param rows number of rows, at least 1
   * @param noise in [0, 0.5], the Playground's noise slider divided by 100
   * @param extraFeatures names from {@link #extraFeatureNames()}, appended after x1, x2
   */
  public Playground(String name, long rows, double noise, long seed, List<String> extraFeatures) {
    this(kindOf(name), rows, noise, seed, extrasOf(extraFeatures));
  }

  private static List<ExtraFeature> extrasOf(List<String> names) {
    List<ExtraFeature> out = new ArrayList<>();
    for (String name : names) {
      ExtraFeature extra = extraOf(name);
      if (out.contains(extra)) throw new IllegalArgumentException("extra feature '" + name + "' is listed twice");
      out.add(extra);
    }
    return out;
  }

  /**
   * @param rows number of rows, at least 1
   * @param noise in [0, 0.5], the Playground's noise slider divided by 100
   * @param extraFeatures appended after x1, x2, in this order, each at most once
   */
  public Playground(Kind kind, long rows, double noise, long seed, List<ExtraFeature> extraFeatures) {
    this.kind = kind;
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be at least 1, got " + rows);
    }
    if (!(noise >= 0 && noise <= MAX_NOISE)) { // also rejects NaN
      throw new IllegalArgumentException("noise " + noise + " is outside the accepted range [0, "
          + MAX_NOISE + "]");
    }
    List<ExtraFeature> chosen = new ArrayList<>();
    for (ExtraFeature extra : extraFeatures) {
      if (chosen.contains(extra)) {
        throw new IllegalArgumentException("extra feature '" + extra.configName() + "' is listed twice");
      }
      chosen.add(extra);
    }
    this.rows = rows;
    this.noise = noise;
    this.seed = seed;
    this.extras = chosen.toArray(new ExtraFeature[0]);
  }

  /** The data set names, in the Playground's order: classification first, then regression. */
  public static List<String> names() {
    return NAMES;
  }

  /** The optional extra input features, in the Playground's order. */
  public static List<String> extraFeatureNames() {
    return EXTRA_NAMES;
  }

  /** True for the two-class data sets, false for the regression ones. */
  public static boolean isClassification(String name) {
    return kindOf(name).classification;
  }

  public String name() {
    return kind.configName();
  }

  public double noise() {
    return noise;
  }

  public long seed() {
    return seed;
  }

  public List<String> extraFeatures() {
    return Arrays.stream(extras).map(ExtraFeature::configName).toList();
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int features() {
    return 2 + extras.length;
  }

  @Override
  public int targetWidth() {
    return 1;
  }

  @Override
  public int classes() {
    return kind.classification ? 2 : 0;
  }

  @Override
  public void fill(long index, float[] x, int xOffset, float[] y, int yOffset) {
    RowGenerators.checkIndex(index, rows);
    int cls = (int) (index & 1);
    double a;
    double b;
    double label;
    switch (kind) {
      case CIRCLE: {
        double radius = 5;
        // Class 1 inside radius 2.5, class 0 in the ring from 3.5 to 5, as in the Playground.
        double r = cls == 1 ? uniform(index, STREAM_A, 0, radius * 0.5)
            : uniform(index, STREAM_A, radius * 0.7, radius);
        double angle = uniform(index, STREAM_B, 0, TWO_PI);
        a = r * StrictMath.sin(angle);
        b = r * StrictMath.cos(angle);
        double na = a + uniform(index, STREAM_NOISE_X, -radius, radius) * noise;
        double nb = b + uniform(index, STREAM_NOISE_Y, -radius, radius) * noise;
        label = Math.sqrt(na * na + nb * nb) < radius * 0.5 ? 1 : 0;
        break;
      }
      case XOR: {
        double padding = 0.3; // keeps points off the axes, where the label flips
        a = uniform(index, STREAM_A, -5, 5);
        a += a > 0 ? padding : -padding;
        b = uniform(index, STREAM_B, -5, 5);
        b += b > 0 ? padding : -padding;
        double na = a + uniform(index, STREAM_NOISE_X, -5, 5) * noise;
        double nb = b + uniform(index, STREAM_NOISE_Y, -5, 5) * noise;
        label = na * nb >= 0 ? 1 : 0;
        break;
      }
      case GAUSS: {
        double variance = 0.5 + noise * (3.5 / MAX_NOISE); // d3 scale [0, 0.5] -> [0.5, 4]
        double sd = Math.sqrt(variance);
        double centre = cls == 1 ? 2 : -2;
        a = centre + sd * CounterRandom.gaussian(seed, index, 0);
        b = centre + sd * CounterRandom.gaussian(seed, index, 1);
        label = cls;
        break;
      }
      case SPIRAL: {
        // A random position along the arm rather than the Playground's evenly spaced i / n: rows
        // must be independent of their index so that any index range is a fair sample (the
        // train/test split takes contiguous ranges).
        double position = uniform(index, STREAM_A, 0, 1);
        double r = position * 5;
        double t = 1.75 * position * TWO_PI + (cls == 1 ? 0 : Math.PI);
        a = r * StrictMath.sin(t) + uniform(index, STREAM_NOISE_X, -1, 1) * noise;
        b = r * StrictMath.cos(t) + uniform(index, STREAM_NOISE_Y, -1, 1) * noise;
        label = cls;
        break;
      }
      case PLANE: {
        double radius = 6;
        a = uniform(index, STREAM_A, -radius, radius);
        b = uniform(index, STREAM_B, -radius, radius);
        double na = a + uniform(index, STREAM_NOISE_X, -radius, radius) * noise;
        double nb = b + uniform(index, STREAM_NOISE_Y, -radius, radius) * noise;
        label = (na + nb) / 10; // d3 scale [-10, 10] -> [-1, 1], not clamped
        break;
      }
      case MULTIGAUSS: {
        double radius = 6;
        a = uniform(index, STREAM_A, -radius, radius);
        b = uniform(index, STREAM_B, -radius, radius);
        double na = a + uniform(index, STREAM_NOISE_X, -radius, radius) * noise;
        double nb = b + uniform(index, STREAM_NOISE_Y, -radius, radius) * noise;
        label = bumpLabel(na, nb);
        break;
      }
      default:
        throw new AssertionError(kind);
    }
    x[xOffset] = (float) a;
    x[xOffset + 1] = (float) b;
    for (int e = 0; e < extras.length; e++) {
      x[xOffset + 2 + e] = (float) extraFeature(extras[e], a, b);
    }
    y[yOffset] = (float) label;
  }

  /**
   * The input row of the point (x1, x2) of the plane, extra features included, exactly as
   * {@link #fill} builds it for a generated point: what a picture of the decision boundary feeds
   * the network for each pixel.
   */
  public void inputsAt(double x1, double x2, float[] x, int xOffset) {
    x[xOffset] = (float) x1;
    x[xOffset + 1] = (float) x2;
    for (int e = 0; e < extras.length; e++) {
      x[xOffset + 2 + e] = (float) extraFeature(extras[e], x1, x2);
    }
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("playground ").append(kind.configName()).append(", ")
        .append(rows).append(" rows, noise ")
        .append(BigDecimal.valueOf(noise).stripTrailingZeros().toPlainString())
        .append(", seed ").append(seed);
    if (extras.length > 0) {
      sb.append(", extra features ").append(String.join(",", extraFeatures()));
    }
    return sb.toString();
  }

  private double uniform(long index, long stream, double from, double to) {
    return from + (to - from) * CounterRandom.uniform(seed, index, stream);
  }

  private static double extraFeature(ExtraFeature extra, double a, double b) {
    switch (extra) {
      case X1SQ: return a * a;
      case X2SQ: return b * b;
      case X1X2: return a * b;
      case SINX1: return StrictMath.sin(a);
      case SINX2: return StrictMath.sin(b);
      default: throw new AssertionError(extra);
    }
  }

  /** regressGaussian: the bump value largest in magnitude, each bump 1 - distance / 2 clamped. */
  private static double bumpLabel(double a, double b) {
    double label = 0;
    for (double[] bump : BUMPS) {
      double dx = a - bump[0];
      double dy = b - bump[1];
      double height = Math.min(1, Math.max(0, 1 - Math.sqrt(dx * dx + dy * dy) / 2));
      double value = bump[2] * height;
      if (Math.abs(value) > Math.abs(label)) {
        label = value;
      }
    }
    return label;
  }

  private static Kind kindOf(String name) {
    if (name != null) {
      String wanted = name.trim().toLowerCase(Locale.ROOT);
      for (Kind k : Kind.values()) {
        if (k.configName().equals(wanted)) {
          return k;
        }
      }
    }
    throw new IllegalArgumentException("unknown playground data set '" + name + "'; accepted: "
        + String.join(", ", NAMES));
  }

  private static ExtraFeature extraOf(String name) {
    if (name != null) {
      String wanted = name.trim().toLowerCase(Locale.ROOT);
      for (ExtraFeature e : ExtraFeature.values()) {
        if (e.configName().equals(wanted)) {
          return e;
        }
      }
    }
    throw new IllegalArgumentException("unknown extra feature '" + name + "'; accepted: "
        + String.join(", ", EXTRA_NAMES));
  }
}
