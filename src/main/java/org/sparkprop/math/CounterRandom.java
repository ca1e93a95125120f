package org.sparkprop.math;

/**
 * Counter-based random numbers: every draw is a pure function of (seed, index, stream), so row
 * {@code index} of a generated data set can be produced on any executor without producing the
 * rows before it, and data generated partition by partition equals data generated in one piece.
 *
 * <p>By convention {@code index} is the global row (or weight) number and {@code stream} tells
 * apart the independent draws one row needs (feature number, noise term, ...). The hash chains
 * SplitMix64 rounds: the whitened seed is the start of a SplitMix64 sequence whose
 * {@code index}-th output is the row key, and one more round folds in {@code stream}. The
 * SplitMix64 finaliser has full avalanche, so neighbouring indices, streams and seeds give
 * unrelated bits.
 *
 * <p>The logarithm, sine and cosine of Box-Muller are evaluated here by polynomials that use
 * only {@code + - * /} and {@link Math#sqrt}, all of which Java specifies bit for bit.
 * {@link Math#log} and {@link Math#cos} may differ by an ulp between JVM builds and CPUs (they
 * are intrinsics), which would make an executor on another machine produce different rows;
 * {@link StrictMath} is reproducible but about twice as slow, and a 10^6 x 256 data set needs
 * 2.6 * 10^8 normals. The polynomials agree with {@link StrictMath} to about 1e-15 (tested), far
 * below the float rounding of the data.
 *
 * <p>Stateless, allocation-free, safe from any number of threads.
 */
public final class CounterRandom {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L; // SplitMix64's Weyl increment
  // A second odd constant (from MurmurHash3's 64-bit finaliser), so that stream s and index s
  // enter the rounds differently.
  private static final long STREAM_MULTIPLIER = 0xC2B2AE3D27D4EB4FL;
  private static final long SEED_SALT = 0x5EED5EED5EED5EEDL;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
  private static final double HALF_PI = 0.5 * Math.PI;
  private static final long ONE_BITS = 0x3FF0_0000_0000_0000L;
  private static final long SQRT_HALF_BITS = 0x3FE6_A09E_667F_3BCDL; // sqrt(1/2)
  private static final long MANTISSA_MASK = 0x000F_FFFF_FFFF_FFFFL;
  // For angle 2 pi (q/4) + x: cos = COS_FROM_COS[q] cos x + COS_FROM_SIN[q] sin x, likewise sin.
  private static final double[] COS_FROM_COS = {1, 0, -1, 0}; // (4)
  private static final double[] COS_FROM_SIN = {0, -1, 0, 1}; // (4)
  private static final double[] SIN_FROM_COS = {0, 1, 0, -1}; // (4)
  private static final double[] SIN_FROM_SIN = {1, 0, -1, 0}; // (4)
  private static final double LN2 = 0.6931471805599453;

  private CounterRandom() {}

  /** 64 well-mixed bits for (seed, index, stream). */
  public static long hash(long seed, long index, long stream) {
    return streamHash(rowKey(seed, index), stream);
  }

  /** Uniform in [0, 1) with 53 random bits (every double of the form k * 2^-53). */
  public static double uniform(long seed, long index, long stream) {
    return toUnit(hash(seed, index, stream));
  }

  /**
   * Standard normal by Box-Muller (cosine branch) from the uniforms of streams {@code 2*stream}
   * and {@code 2*stream+1}. So gaussian stream s and uniform streams 2s, 2s+1 are not independent:
   * a caller mixing both kinds for one index must keep their stream numbers apart.
   */
  public static double gaussian(long seed, long index, long stream) {
    long key = rowKey(seed, index);
    return radius(key, stream) * cosTwoPi(angleUniform(key, stream));
  }

  /**
   * Fills {@code out[offset .. offset+n)} with standard normals for one index, using both
   * Box-Muller branches to halve the cost of the transcendental functions: element
   * {@code 2p} equals {@code (float) gaussian(seed, index, firstStream + p)} (cosine branch) and
   * element {@code 2p+1} is the sine branch of the same pair of uniforms, which is independent
   * of the cosine branch. Allocation-free.
   */
  public static void gaussians(long seed, long index, long firstStream,
                               float[] out, int offset, int n) {
    long key = rowKey(seed, index);
    int pairs = n >>> 1;
    for (int p = 0; p < pairs; p++) {
      long stream = firstStream + p;
      double r = radius(key, stream);
      double v = 4.0 * angleUniform(key, stream);
      double q = Math.rint(v);
      double x = (v - q) * HALF_PI;
      int quadrant = ((int) q) & 3;
      double c = cosPoly(x);
      double s = sinPoly(x);
      // Same expressions as cosTwoPi / sinTwoPi, sharing the polynomials.
      out[offset + 2 * p] =
          (float) (r * (COS_FROM_COS[quadrant] * c + COS_FROM_SIN[quadrant] * s));
      out[offset + 2 * p + 1] =
          (float) (r * (SIN_FROM_COS[quadrant] * c + SIN_FROM_SIN[quadrant] * s));
    }
    if ((n & 1) != 0) {
      long stream = firstStream + pairs;
      out[offset + n - 1] = (float) (radius(key, stream) * cosTwoPi(angleUniform(key, stream)));
    }
  }

  /** The SplitMix64 / MurmurHash3 fmix64 finaliser (Stafford's variant 13): a bijection. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long rowKey(long seed, long index) {
    return mix64(mix64(seed ^ SEED_SALT) + index * GOLDEN);
  }

  private static long streamHash(long key, long stream) {
    return mix64(key ^ (stream * STREAM_MULTIPLIER + GOLDEN));
  }

  private static double toUnit(long bits) {
    return (bits >>> 11) * TWO_POW_MINUS_53;
  }

  private static double radius(long key, long stream) {
    // 1 - u is exact and lies in [2^-53, 1], so the logarithm is finite; the radius is at most
    // 8.57, where the 53-bit uniform runs out, which cuts off a tail of probability 1e-16.
    double u = toUnit(streamHash(key, 2 * stream));
    return Math.sqrt(-2.0 * logUnitInterval(1.0 - u));
  }

  private static double angleUniform(long key, long stream) {
    return toUnit(streamHash(key, 2 * stream + 1));
  }

  /** Natural logarithm of a normal double w in (0, 1], within a few ulps. */
  static double logUnitInterval(double w) {
    // w = m * 2^k with m in [sqrt(1/2), sqrt(2)); then ln m = 2 atanh(s), s = (m-1)/(m+1),
    // |s| < 0.172, and the odd series of atanh shrinks by a factor 0.03 per term. The split of
    // w is musl's branch-free bit trick: a data-dependent branch here would be mispredicted
    // half the time, which costs more than the arithmetic.
    long ix = Double.doubleToRawLongBits(w) + (ONE_BITS - SQRT_HALF_BITS);
    int k = (int) (ix >> 52) - 1023;
    double m = Double.longBitsToDouble((ix & MANTISSA_MASK) + SQRT_HALF_BITS);
    double s = (m - 1.0) / (m + 1.0); // m - 1 is exact (Sterbenz)
    double s2 = s * s;
    double s4 = s2 * s2;
    double s8 = s4 * s4;
    // Estrin's scheme: independent halves instead of one long Horner chain of dependent
    // multiply-adds, so consecutive draws overlap in the CPU pipeline.
    double tail = s2 * ((1.0 / 3 + s2 * (1.0 / 5)) + s4 * (1.0 / 7 + s2 * (1.0 / 9))
        + s8 * ((1.0 / 11 + s2 * (1.0 / 13)) + s4 * (1.0 / 15 + s2 * (1.0 / 17))
        + s8 * (1.0 / 19)));
    return k * LN2 + (2.0 * s + 2.0 * s * tail);
  }

  /** cos(2 pi u) for u in [0, 1]; absolute error about 1e-16. */
  static double cosTwoPi(double u) {
    double v = 4.0 * u; // exact; counts quarter turns
    double q = Math.rint(v);
    double x = (v - q) * HALF_PI; // v - q is exact, so |x| <= pi/4
    int quadrant = ((int) q) & 3;
    // Quadrant rotation by table lookup rather than a switch, which the random quadrant would
    // mispredict; multiplying by 0 and adding changes no value.
    return COS_FROM_COS[quadrant] * cosPoly(x) + COS_FROM_SIN[quadrant] * sinPoly(x);
  }

  /** sin(2 pi u) for u in [0, 1]; absolute error about 1e-16. */
  static double sinTwoPi(double u) {
    double v = 4.0 * u;
    double q = Math.rint(v);
    double x = (v - q) * HALF_PI;
    int quadrant = ((int) q) & 3;
    return SIN_FROM_COS[quadrant] * cosPoly(x) + SIN_FROM_SIN[quadrant] * sinPoly(x);
  }

  // Taylor series on |x| <= pi/4, cut where the next term is below 1e-16, in Estrin's scheme.
  private static double sinPoly(double x) {
    double x2 = x * x;
    double x4 = x2 * x2;
    double x8 = x4 * x4;
    return x * ((1.0 - x2 * (1.0 / 6)) + x4 * (1.0 / 120 - x2 * (1.0 / 5040))
        + x8 * ((1.0 / 362880 - x2 * (1.0 / 39916800))
        + x4 * (1.0 / 6227020800L - x2 * (1.0 / 1307674368000L))));
  }

  private static double cosPoly(double x) {
    double x2 = x * x;
    double x4 = x2 * x2;
    double x8 = x4 * x4;
    return (1.0 - x2 * 0.5) + x4 * (1.0 / 24 - x2 * (1.0 / 720))
        + x8 * ((1.0 / 40320 - x2 * (1.0 / 3628800))
        + x4 * (1.0 / 479001600 - x2 * (1.0 / 87178291200L))
        + x8 * (1.0 / 20922789888000L));
  }
}
