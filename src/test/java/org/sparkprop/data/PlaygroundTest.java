package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaygroundTest {

  private static final int N = 10_000;

  @Test
  void namesKindsAndShapes() {
    assertEquals(List.of("circle", "xor", "gauss", "spiral", "plane", "multigauss"),
        Playground.names());
    assertEquals(List.of("x1sq", "x2sq", "x1x2", "sinx1", "sinx2"),
        Playground.extraFeatureNames());
    for (String name : Playground.names()) {
      boolean classification = !name.equals("plane") && !name.equals("multigauss");
      assertEquals(classification, Playground.isClassification(name), name);
      assertEquals(classification, Playground.Kind.valueOf(name.toUpperCase(java.util.Locale.ROOT)).classification(), name);
      Playground p = new Playground(name, 10, 0, 1);
      assertEquals(name, p.name());
      assertEquals(1L, p.seed());
      assertEquals(classification ? 2 : 0, p.classes(), name);
      assertEquals(2, p.features());
      assertEquals(1, p.targetWidth());
      assertEquals(10, p.rows());
    }
    assertTrue(Playground.isClassification(" Spiral "), "names are trimmed, case-insensitive");
    Playground extras = new Playground("xor", 10, 0, 1, List.of("sinx2", "x1x2"));
    assertEquals(4, extras.features());
    assertEquals(List.of("sinx2", "x1x2"), extras.extraFeatures());
  }

  @Test
  void describe() {
    assertEquals("playground spiral, 1000 rows, noise 0.1, seed 7",
        new Playground("spiral", 1000, 0.1, 7).describe());
    assertEquals("playground circle, 5 rows, noise 0, seed -3, extra features x1sq,sinx2",
        new Playground("circle", 5, 0, -3, List.of("x1sq", "sinx2")).describe());
  }

  @Test
  void extraFeaturesAreComputedFromX1AndX2InTheOrderGiven() {
    Playground p = new Playground("plane", 100, 0.3, 5,
        List.of("sinx2", "x1x2", "x1sq", "x2sq", "sinx1"));
    PackedBlock b = RowGenerators.pack(p, 0, 100);
    for (int i = 0; i < 100; i++) {
      double x1 = b.x[i * 7];
      double x2 = b.x[i * 7 + 1];
      // Extras come from the unrounded coordinates, so compare at float precision.
      assertEquals(Math.sin(x2), b.x[i * 7 + 2], 1e-6);
      assertEquals(x1 * x2, b.x[i * 7 + 3], 1e-5);
      assertEquals(x1 * x1, b.x[i * 7 + 4], 1e-5);
      assertEquals(x2 * x2, b.x[i * 7 + 5], 1e-5);
      assertEquals(Math.sin(x1), b.x[i * 7 + 6], 1e-6);
    }
    // Extras do not change x1, x2 or the label.
    PackedBlock plain = RowGenerators.pack(new Playground("plane", 100, 0.3, 5), 0, 100);
    for (int i = 0; i < 100; i++) {
      assertEquals(plain.x[2 * i], b.x[7 * i]);
      assertEquals(plain.x[2 * i + 1], b.x[7 * i + 1]);
      assertEquals(plain.y[i], b.y[i]);
    }
  }

  @Test
  void withoutNoiseTheBalancedSetsLabelRowIByItsParity() {
    for (String name : List.of("circle", "gauss", "spiral")) {
      PackedBlock b = RowGenerators.pack(new Playground(name, N, 0, 9), 0, N);
      for (int i = 0; i < N; i++) {
        assertEquals(i % 2, b.y[i], name + " row " + i);
      }
    }
  }

  @Test
  void labelsAreClassIndicesAndClassesAreBalanced() {
    for (String name : List.of("circle", "xor", "gauss", "spiral")) {
      for (double noise : new double[] {0, 0.1, 0.5}) {
        PackedBlock b = RowGenerators.pack(new Playground(name, N, noise, 4), 0, N);
        int ones = 0;
        for (float label : b.y) {
          assertTrue(label == 0 || label == 1, name + " label " + label);
          ones += (int) label;
        }
        double share = (double) ones / N;
        String what = name + " noise " + noise + ": share of class 1 " + share;
        if (name.equals("xor")) {
          // Quadrants are equally likely: binomial, 5 standard errors.
          assertEquals(0.5, share, 5 * Math.sqrt(0.25 / N), what);
        } else if (name.equals("circle")) {
          // As in the Playground the label is taken from the noisy point, and noise pushes
          // more points out of the inner disc than into it: at noise 0.5 about 35 % remain.
          assertTrue(share <= 0.5 && share > 0.3, what);
        } else {
          assertEquals(0.5, share, what); // gauss and spiral: class = row parity
        }
      }
    }
  }

  @Test
  void noisyLabelsOfCircleAndXorFollowTheNoisyPointNotTheDrawnOne() {
    // Noise moves only the point used for the label: the stored coordinates stay in the
    // generating region, and some labels disagree with it.
    int flippedCircle = 0;
    int flippedXor = 0;
    PackedBlock circle = RowGenerators.pack(new Playground("circle", N, 0.2, 8), 0, N);
    PackedBlock xor = RowGenerators.pack(new Playground("xor", N, 0.2, 8), 0, N);
    for (int i = 0; i < N; i++) {
      double r = Math.hypot(circle.x[2 * i], circle.x[2 * i + 1]);
      if (i % 2 == 1) {
        assertTrue(r <= 2.5 + 1e-6, "circle inner row " + i + " at radius " + r);
      } else {
        assertTrue(r >= 3.5 - 1e-6 && r <= 5 + 1e-6, "circle outer row " + i + " at " + r);
      }
      flippedCircle += circle.y[i] != i % 2 ? 1 : 0;
      float a = xor.x[2 * i];
      float b = xor.x[2 * i + 1];
      assertTrue(Math.abs(a) >= 0.3f && Math.abs(a) <= 5.3f && Math.abs(b) >= 0.3f
          && Math.abs(b) <= 5.3f, "xor row " + i + " at " + a + ", " + b);
      flippedXor += xor.y[i] != (a * b >= 0 ? 1 : 0) ? 1 : 0;
    }
    assertTrue(flippedCircle > 0 && flippedCircle < N / 5, "circle flips " + flippedCircle);
    assertTrue(flippedXor > 0 && flippedXor < N / 5, "xor flips " + flippedXor);
    PackedBlock clean = RowGenerators.pack(new Playground("xor", N, 0, 8), 0, N);
    for (int i = 0; i < N; i++) {
      assertEquals(clean.x[2 * i] * clean.x[2 * i + 1] >= 0 ? 1f : 0f, clean.y[i]);
    }
  }

  @Test
  void valueRanges() {
    for (double noise : new double[] {0, 0.5}) {
      float[] spiral = range(new Playground("spiral", N, noise, 1));
      float spiralBound = (float) (5 + noise);
      assertTrue(spiral[0] >= -spiralBound && spiral[1] <= spiralBound,
          "spiral " + Arrays.toString(spiral));
      float[] plane = range(new Playground("plane", N, noise, 1));
      assertTrue(plane[0] >= -6 && plane[1] <= 6, "plane " + Arrays.toString(plane));
      // (x1 + x2 + noise) / 10 with each noise term up to 6 * noise.
      double labelBound = (12 + 12 * noise) / 10;
      assertTrue(plane[2] >= -labelBound && plane[3] <= labelBound,
          "plane labels " + Arrays.toString(plane));
      float[] multi = range(new Playground("multigauss", N, noise, 1));
      assertTrue(multi[0] >= -6 && multi[1] <= 6, "multigauss " + Arrays.toString(multi));
      assertTrue(multi[2] >= -1 && multi[3] <= 1 && multi[2] < -0.9 && multi[3] > 0.9,
          "multigauss labels reach both signs " + Arrays.toString(multi));
    }
    PackedBlock plane = RowGenerators.pack(new Playground("plane", N, 0, 2), 0, N);
    for (int i = 0; i < N; i++) {
      assertEquals((plane.x[2 * i] + plane.x[2 * i + 1]) / 10.0, plane.y[i], 1e-6);
    }
  }

  @Test
  void planeNoiseIsCentredAndSpreadAsTwoUniformTermsOfSixTimesTheNoise() {
    // label = (x1 + x2 + e1 + e2) / 10 with e1, e2 uniform in [-6 noise, 6 noise]: at noise 0.5 the
    // residual e1 + e2 lies in [-6, 6], has mean 0 and variance 2 * 6^2 / 12 = 6.
    PackedBlock b = RowGenerators.pack(new Playground("plane", N, 0.5, 4), 0, N);
    double sum = 0;
    double sumSq = 0;
    double largest = 0;
    for (int i = 0; i < N; i++) {
      double residual = 10.0 * b.y[i] - (b.x[2 * i] + b.x[2 * i + 1]);
      sum += residual;
      sumSq += residual * residual;
      largest = Math.max(largest, Math.abs(residual));
    }
    double mean = sum / N;
    double variance = sumSq / N - mean * mean;
    // The mean's standard error is sqrt(6 / N); 0.3 is more than 5 of them for N >= 2000.
    assertTrue(Math.abs(mean) < 0.3, "mean " + mean);
    assertTrue(variance > 4.5 && variance < 7.5, "variance " + variance);
    assertTrue(largest <= 6 + 1e-4, "largest " + largest + " (float32 rounding of x and the label)");
  }

  @Test
  void gaussClustersHaveThePlaygroundCentresAndVariance() {
    for (double noise : new double[] {0, 0.5}) {
      PackedBlock b = RowGenerators.pack(new Playground("gauss", 2 * N, noise, 6), 0, 2 * N);
      double variance = 0.5 + 7 * noise; // d3 scale [0, 0.5] -> [0.5, 4]
      for (int cls = 0; cls < 2; cls++) {
        double centre = cls == 1 ? 2 : -2;
        double sum = 0;
        double sumSq = 0;
        for (int i = cls; i < 2 * N; i += 2) {
          for (int j = 0; j < 2; j++) {
            double d = b.x[2 * i + j] - centre;
            sum += d;
            sumSq += d * d;
          }
        }
        int n = 2 * N; // N rows of this class, two coordinates each
        assertEquals(0, sum / n, 5 * Math.sqrt(variance / n), "class " + cls + " centre");
        assertEquals(variance, sumSq / n, 5 * variance * Math.sqrt(2.0 / n),
            "class " + cls + " variance, noise " + noise);
      }
    }
  }

  @Test
  void spiralMatchesThePlaygroundFormulaAtItsRandomPosition() {
    // Row i lies on arm i % 2 at position u = uniform(seed, i, stream 0) in [0, 1):
    // r = 5 u, t = 1.75 * 2 pi u (+ pi for class 0), (x1, x2) = (r sin t, r cos t).
    Playground p = new Playground("spiral", 1000, 0, 7);
    for (int i : new int[] {0, 1, 200, 201, 500, 501}) {
      double u = org.sparkprop.math.CounterRandom.uniform(7, i, 0);
      double r = 5 * u;
      double t = 1.75 * 2 * Math.PI * u + (i % 2 == 1 ? 0 : Math.PI);
      assertRow(p, i, r * Math.sin(t), r * Math.cos(t), i % 2);
    }
    // The radius of every point equals 5 u: both arms fill [0, 5) evenly; check the spread.
    float[] point = new float[2];
    float[] label = new float[1];
    double inner = 0;
    for (int i = 0; i < 1000; i++) {
      p.fill(i, point, 0, label, 0);
      if (Math.hypot(point[0], point[1]) < 2.5) inner++;
    }
    // Binomial(1000, 0.5): standard deviation ~16; 420..580 is 5 deviations.
    assertTrue(inner > 420 && inner < 580, "points within radius 2.5: " + inner);
    // Noise adds a uniform offset of at most noise to each coordinate.
    Playground noisy = new Playground("spiral", 1000, 0.1, 7);
    float[] x = new float[2];
    float[] y = new float[1];
    double largest = 0;
    for (int i : new int[] {0, 1, 200, 201, 500, 501}) {
      p.fill(i, x, 0, y, 0);
      float a = x[0];
      float b = x[1];
      noisy.fill(i, x, 0, y, 0);
      largest = Math.max(largest, Math.max(Math.abs(x[0] - a), Math.abs(x[1] - b)));
      assertTrue(Math.abs(x[0] - a) <= 0.1 + 1e-6 && Math.abs(x[1] - b) <= 0.1 + 1e-6);
    }
    assertTrue(largest > 0.01, "noise has no visible effect: " + largest);
  }

  @Test
  void spiralIsNotLinearlySeparableButGaussIs() {
    double spiral = bestLinearAccuracy(RowGenerators.pack(new Playground("spiral", 2000, 0, 3),
        0, 2000));
    double gauss = bestLinearAccuracy(RowGenerators.pack(new Playground("gauss", 2000, 0, 3),
        0, 2000));
    // Any straight line misclassifies more than a third of the spiral; the same search
    // separates the two Gaussians, so it is not the search that fails.
    assertTrue(spiral < 0.67, "best linear accuracy on spiral " + spiral);
    assertTrue(gauss > 0.99, "best linear accuracy on gauss " + gauss);
  }

  @Test
  void invalidArgumentsNameTheValueAndWhatIsAccepted() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Playground("moons", 10, 0, 1));
    assertEquals("unknown playground data set 'moons'; accepted: circle, xor, gauss, spiral, "
        + "plane, multigauss", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Playground.isClassification(null));
    assertTrue(e.getMessage().startsWith("unknown playground data set 'null'"));
    e = assertThrows(IllegalArgumentException.class, () -> new Playground("xor", 10, 0.6, 1));
    assertEquals("noise 0.6 is outside the accepted range [0, 0.5]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Playground("xor", 10, -0.1, 1));
    assertEquals("noise -0.1 is outside the accepted range [0, 0.5]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Playground("xor", 10, Double.NaN, 1));
    assertEquals("noise NaN is outside the accepted range [0, 0.5]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Playground("xor", 10, 0, 1, List.of("x1sq", "cosx1")));
    assertEquals("unknown extra feature 'cosx1'; accepted: x1sq, x2sq, x1x2, sinx1, sinx2",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Playground("xor", 10, 0, 1, List.of("x1sq", "X1SQ")));
    assertEquals("extra feature 'X1SQ' is listed twice", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Playground("xor", 0, 0, 1));
    assertEquals("rows must be at least 1, got 0", e.getMessage());
    // The edges of the range are accepted.
    assertEquals(0.5, new Playground("xor", 1, 0.5, 1).noise());
    assertFalse(new Playground("plane", 1, 0, 1).classes() > 0);
  }

  private static void assertRow(Playground p, long i, double x1, double x2, int label) {
    float[] x = new float[2];
    float[] y = new float[1];
    p.fill(i, x, 0, y, 0);
    assertEquals(x1, x[0], 1e-6, "x1 of row " + i);
    assertEquals(x2, x[1], 1e-6, "x2 of row " + i);
    assertEquals(label, y[0], "label of row " + i);
  }

  /** min x1/x2 over all inputs, max, min label, max label. */
  private static float[] range(Playground p) {
    PackedBlock b = RowGenerators.pack(p, 0, (int) p.rows());
    float[] r = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
    for (float v : b.x) {
      r[0] = Math.min(r[0], v);
      r[1] = Math.max(r[1], v);
    }
    for (float v : b.y) {
      r[2] = Math.min(r[2], v);
      r[3] = Math.max(r[3], v);
    }
    return r;
  }

  /**
   * Accuracy of the best classifier of the form [w . x > c] over 720 directions w and every
   * threshold c, for two inputs: exhaustive up to the angular step.
   */
  private static double bestLinearAccuracy(PackedBlock b) {
    int n = b.rows;
    int ones = 0;
    for (float label : b.y) {
      ones += (int) label;
    }
    double best = 0;
    double[] projection = new double[n]; // (n)
    Integer[] order = new Integer[n]; // (n): rows by increasing projection
    for (int step = 0; step < 720; step++) {
      double angle = Math.PI * step / 360;
      double c = Math.cos(angle);
      double s = Math.sin(angle);
      for (int i = 0; i < n; i++) {
        projection[i] = c * b.x[2 * i] + s * b.x[2 * i + 1];
        order[i] = i;
      }
      Arrays.sort(order, (i, j) -> Double.compare(projection[i], projection[j]));
      // Threshold after the k lowest: predict 0 below, 1 above. Directions cover the full
      // circle, so the opposite assignment is the direction turned by pi.
      int onesBelow = 0;
      for (int k = 0; k <= n; k++) {
        int correct = (k - onesBelow) + (ones - onesBelow);
        best = Math.max(best, (double) correct / n);
        if (k < n) {
          onesBelow += (int) b.y[order[k]];
        }
      }
    }
    return best;
  }
}
