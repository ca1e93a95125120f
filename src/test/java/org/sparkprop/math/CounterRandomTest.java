package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Statistical bounds are 5 standard errors of the estimate under the hypothesis being tested
 * (independent exact draws), so a correct generator fails one of them with probability below
 * 1e-5; the draws are fixed by the seeds, so the outcome does not change between runs.
 */
class CounterRandomTest {

  private static final int N = 1_000_000;
  private static final double Z = 5; // standard errors allowed

  @Test
  void sameInputsGiveSameOutput() {
    for (long i = 0; i < 1000; i++) {
      long seed = i * 31 - 7;
      assertEquals(CounterRandom.hash(seed, i, 3), CounterRandom.hash(seed, i, 3));
      assertEquals(CounterRandom.uniform(seed, i, 3), CounterRandom.uniform(seed, i, 3));
      assertEquals(CounterRandom.gaussian(seed, i, 3), CounterRandom.gaussian(seed, i, 3));
    }
  }

  /** Pins the algorithm: a change here silently changes every generated data set. */
  @Test
  void pinnedValues() {
    assertEquals(PINNED_HASH_0_0_0, CounterRandom.hash(0, 0, 0));
    assertEquals(PINNED_HASH_7_12345_3, CounterRandom.hash(7, 12345, 3));
    assertEquals(PINNED_GAUSSIAN_42_10_1, CounterRandom.gaussian(42, 10, 1));
  }

  // Recorded from the first implementation.
  private static final long PINNED_HASH_0_0_0 = 0x9d490b44ac6e1953L;
  private static final long PINNED_HASH_7_12345_3 = 0x2389997d1670ffcfL;
  private static final double PINNED_GAUSSIAN_42_10_1 = -0.44227103048113847;

  @Test
  void uniformIsIn01WithFullResolution() {
    int odd = 0;
    for (long i = 0; i < N; i++) {
      double u = CounterRandom.uniform(42, i, 0);
      assertTrue(u >= 0 && u < 1, "uniform out of [0,1): " + u);
      double scaled = u * 0x1.0p53;
      assertEquals(Math.rint(scaled), scaled, "not a multiple of 2^-53: " + u);
      odd += ((long) scaled & 1);
    }
    // The lowest of the 53 bits is random too: about half the draws are odd multiples.
    assertEquals(0.5, (double) odd / N, Z * Math.sqrt(0.25 / N));
  }

  @Test
  void uniformMeanVarianceAndHistogram() {
    double sum = 0;
    double sumSq = 0;
    int bins = 100;
    long[] counts = new long[bins];
    for (long i = 0; i < N; i++) {
      double u = CounterRandom.uniform(42, i, 5);
      sum += u;
      sumSq += (u - 0.5) * (u - 0.5);
      counts[(int) (u * bins)]++;
    }
    double mean = sum / N;
    double variance = sumSq / N - (mean - 0.5) * (mean - 0.5);
    // sd of the mean: sqrt(1/12 / N); sd of the variance estimate: sqrt((1/80 - 1/144) / N).
    assertEquals(0.5, mean, Z * Math.sqrt(1.0 / 12 / N));
    assertEquals(1.0 / 12, variance, Z * Math.sqrt((1.0 / 80 - 1.0 / 144) / N));
    double expected = (double) N / bins;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // chi-square with 99 degrees of freedom: mean 99, sd sqrt(198) = 14.1.
    assertTrue(chi2 < 99 + Z * Math.sqrt(2 * 99), "histogram chi-square " + chi2);
  }

  @Test
  void gaussianMomentsAndTail() {
    double sum = 0;
    double sumSq = 0;
    double sumFourth = 0;
    int tail = 0;
    for (long i = 0; i < N; i++) {
      double g = CounterRandom.gaussian(9, i, 2);
      sum += g;
      sumSq += g * g;
      sumFourth += g * g * g * g;
      if (Math.abs(g) > 1.959963984540054) {
        tail++;
      }
    }
    assertEquals(0, sum / N, Z / Math.sqrt(N));
    assertEquals(1, sumSq / N, Z * Math.sqrt(2.0 / N)); // Var(g^2) = 2
    assertEquals(3, sumFourth / N, Z * Math.sqrt(96.0 / N)); // Var(g^4) = 105 - 9
    assertEquals(0.05, (double) tail / N, Z * Math.sqrt(0.05 * 0.95 / N));
  }

  @Test
  void bulkOddElementsAreTheSineBranchAndAnEvenCountEndsWithOne() {
    // Element 2p + 1 is r sin(2 pi u2) of the uniforms behind element 2p = r cos(2 pi u2); with an
    // even count the last element is such a sine, not the cosine of a further stream.
    for (int n : new int[] {4, 5}) {
      float[] out = new float[n];
      for (long i = 0; i < 500; i++) {
        CounterRandom.gaussians(7, i, 3, out, 0, n);
        for (int p = 0; p < n / 2; p++) {
          double u1 = CounterRandom.uniform(7, i, 2 * (3 + p));
          double u2 = CounterRandom.uniform(7, i, 2 * (3 + p) + 1);
          double sine = StrictMath.sqrt(-2 * StrictMath.log(1 - u1)) * StrictMath.sin(2 * Math.PI * u2);
          // The elements are floats: their rounding (6e-8 relative) dominates the polynomials' 1e-15.
          assertEquals(sine, out[2 * p + 1], 1e-6 * (1 + Math.abs(sine)), "element " + (2 * p + 1) + " of row " + i);
        }
        if (n % 2 == 1) assertEquals((float) CounterRandom.gaussian(7, i, 3 + n / 2), out[n - 1]);
      }
    }
  }

  @Test
  void gaussianIsBoxMullerCosineBranchOfStreams2sAnd2sPlus1() {
    for (long i = 0; i < 10_000; i++) {
      long stream = i % 7;
      double u1 = CounterRandom.uniform(3, i, 2 * stream);
      double u2 = CounterRandom.uniform(3, i, 2 * stream + 1);
      double expected = StrictMath.sqrt(-2 * StrictMath.log(1 - u1))
          * StrictMath.cos(2 * Math.PI * u2);
      assertEquals(expected, CounterRandom.gaussian(3, i, stream),
          1e-13 * (1 + Math.abs(expected)));
    }
  }

  @Test
  void streamsIndicesAndSeedsAreDecorrelated() {
    double bound = Z / Math.sqrt(N); // sd of a sample correlation of independent variables
    assertCorrelationBelow(bound, "stream 0 vs stream 1",
        i -> CounterRandom.uniform(1, i, 0), i -> CounterRandom.uniform(1, i, 1));
    assertCorrelationBelow(bound, "index i vs i+1",
        i -> CounterRandom.uniform(1, i, 0), i -> CounterRandom.uniform(1, i + 1, 0));
    assertCorrelationBelow(bound, "seed 1 vs seed 2",
        i -> CounterRandom.uniform(1, i, 0), i -> CounterRandom.uniform(2, i, 0));
    assertCorrelationBelow(bound, "index i vs stream i (swapped roles)",
        i -> CounterRandom.uniform(1, i, 0), i -> CounterRandom.uniform(1, 0, i));
    assertCorrelationBelow(bound, "gaussian stream 0 vs 1",
        i -> CounterRandom.gaussian(1, i, 0), i -> CounterRandom.gaussian(1, i, 1));
    // The two Box-Muller branches share one radius yet are independent; a flaw in the angle
    // would show up in the correlation of their squares.
    float[] pair = new float[2];
    assertCorrelationBelow(bound, "cosine vs sine branch",
        i -> {
          CounterRandom.gaussians(1, i, 0, pair, 0, 2);
          return pair[0];
        },
        i -> {
          CounterRandom.gaussians(1, i, 0, pair, 0, 2);
          return pair[1];
        });
  }

  @Test
  void bulkGaussiansMatchSingleDrawsAndStayInRange() {
    float[] out = new float[2 + 257 + 3]; // guard cells around an odd count
    java.util.Arrays.fill(out, Float.NaN);
    for (long i = 0; i < 200; i++) {
      CounterRandom.gaussians(11, i, 5, out, 2, 257);
      for (int p = 0; p < 129; p++) {
        assertEquals((float) CounterRandom.gaussian(11, i, 5 + p), out[2 + 2 * p],
            "element " + 2 * p + " of row " + i);
      }
      assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]) && Float.isNaN(out[259]),
          "wrote outside [offset, offset + n)");
    }
    // The sine branches (odd elements) are standard normal as well.
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    float[] row = new float[64];
    for (long i = 0; i < N / 32; i++) {
      CounterRandom.gaussians(12, i, 0, row, 0, 64);
      for (int j = 1; j < 64; j += 2) {
        sum += row[j];
        sumSq += (double) row[j] * row[j];
        n++;
      }
    }
    assertEquals(0, sum / n, Z / Math.sqrt(n));
    assertEquals(1, sumSq / n, Z * Math.sqrt(2.0 / n));
  }

  @Test
  void polynomialsAgreeWithStrictMath() {
    double maxLog = 0;
    double maxTrig = 0;
    for (long i = 0; i < N; i++) {
      double u = CounterRandom.uniform(5, i, 0);
      double w = 1 - u;
      double log = StrictMath.log(w);
      maxLog = Math.max(maxLog, Math.abs(CounterRandom.logUnitInterval(w) - log)
          / Math.max(Math.abs(log), Double.MIN_NORMAL));
      maxTrig = Math.max(maxTrig,
          Math.abs(CounterRandom.cosTwoPi(u) - StrictMath.cos(2 * Math.PI * u)));
      maxTrig = Math.max(maxTrig,
          Math.abs(CounterRandom.sinTwoPi(u) - StrictMath.sin(2 * Math.PI * u)));
    }
    assertTrue(maxLog < 1e-15, "relative error of log " + maxLog);
    assertTrue(maxTrig < 1e-15, "absolute error of sin/cos " + maxTrig);
    // Edges: the smallest and largest arguments the uniforms produce, and the split point.
    for (double w : new double[] {0x1.0p-53, 1 - 0x1.0p-53, 0.5, Math.sqrt(0.5), 1.0}) {
      assertEquals(StrictMath.log(w), CounterRandom.logUnitInterval(w),
          1e-15 * Math.abs(StrictMath.log(w)), "log " + w);
    }
    assertEquals(0.0, CounterRandom.logUnitInterval(1.0));
    assertEquals(1.0, CounterRandom.cosTwoPi(0.0));
    assertEquals(0.0, CounterRandom.sinTwoPi(0.0));
    assertEquals(-1.0, CounterRandom.cosTwoPi(0.5));
    assertEquals(-1.0, CounterRandom.sinTwoPi(0.75));
  }

  @Test
  void hashSeparatesNearbyInputs() {
    // Flipping one input bit flips about half of the output bits (avalanche).
    long flips = 0;
    int trials = 0;
    for (long i = 0; i < 2000; i++) {
      long base = CounterRandom.hash(i, i, i);
      for (int bit = 0; bit < 64; bit += 7) {
        flips += Long.bitCount(base ^ CounterRandom.hash(i ^ (1L << bit), i, i));
        flips += Long.bitCount(base ^ CounterRandom.hash(i, i ^ (1L << bit), i));
        flips += Long.bitCount(base ^ CounterRandom.hash(i, i, i ^ (1L << bit)));
        trials += 3;
      }
    }
    // Each flip count is Binomial(64, 1/2): mean 32, sd 4.
    assertEquals(32, (double) flips / trials, Z * 4 / Math.sqrt(trials));
    assertNotEquals(CounterRandom.hash(0, 1, 0), CounterRandom.hash(0, 0, 1));
  }

  private static void assertCorrelationBelow(double bound, String what,
                                             LongToDoubleFunction a, LongToDoubleFunction b) {
    double sa = 0;
    double sb = 0;
    double saa = 0;
    double sbb = 0;
    double sab = 0;
    for (long i = 0; i < N; i++) {
      double va = a.applyAsDouble(i);
      double vb = b.applyAsDouble(i);
      sa += va;
      sb += vb;
      saa += va * va;
      sbb += vb * vb;
      sab += va * vb;
    }
    double cov = sab / N - (sa / N) * (sb / N);
    double r = cov / Math.sqrt((saa / N - sa * sa / N / N) * (sbb / N - sb * sb / N / N));
    assertTrue(Math.abs(r) < bound, what + ": correlation " + r + ", bound " + bound);
    // Squares too: dependence through the magnitude leaves the plain correlation at zero.
    double sa2 = 0;
    double sb2 = 0;
    double sa4 = 0;
    double sb4 = 0;
    double sab2 = 0;
    for (long i = 0; i < N; i++) {
      double va = a.applyAsDouble(i);
      double vb = b.applyAsDouble(i);
      va *= va;
      vb *= vb;
      sa2 += va;
      sb2 += vb;
      sa4 += va * va;
      sb4 += vb * vb;
      sab2 += va * vb;
    }
    double cov2 = sab2 / N - (sa2 / N) * (sb2 / N);
    double r2 = cov2 / Math.sqrt((sa4 / N - sa2 * sa2 / N / N) * (sb4 / N - sb2 * sb2 / N / N));
    assertTrue(Math.abs(r2) < bound, what + ": correlation of squares " + r2 + ", bound "
        + bound);
  }
}
