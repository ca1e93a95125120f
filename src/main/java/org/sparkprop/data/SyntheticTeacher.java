package org.sparkprop.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkprop.math.CounterRandom;

/**
 * A teacher-student data set of any width, for benchmarks and scale runs: inputs are independent
 * standard normals, targets come from a fixed random network d -> 32 tanh -> max(C, 1).
 *
 * <p>The teacher's weights are Gaussian, scaled by 1/sqrt(fan-in), drawn from the seed with
 * {@link CounterRandom}; hidden biases are zero. Its output layer is then calibrated on a fixed
 * probe sample of 4096 inputs (drawn from the seed too, never from the data rows): each output
 * is shifted and scaled to mean 0 and variance 1 over the probe, and for classification the
 * per-class biases are then adjusted until every class wins the argmax on about 1/C of the
 * probe. Without that, random output weights of unequal norm let a few classes take most rows.
 * The adjustment is best effort: for 10 classes, 2 to 256 inputs and 5 seeds every class got
 * 7.9 to 11.7 % of the rows when this was written, but with a single input a 32-unit teacher
 * cannot give many classes a region of their own, and some classes stay empty.
 *
 * <p>Classification labels are the argmax class. Regression targets are the calibrated output
 * plus Gaussian noise of standard deviation {@value #REGRESSION_NOISE}, so the best possible
 * R^2 is about 0.99.
 *
 * <p>Only the parameters (and two seeds derived from them) are serialised. The teacher is built
 * lazily on first use and shared through a small per-JVM cache, because Spark deserialises a
 * fresh copy of this object for every task and rebuilding the teacher per task would repeat
 * the probe calibration. Building took 0.05 to 0.3 s for up to a few hundred inputs and 0.8 s
 * for 10,000 inputs on the development machine; the teacher holds 128 bytes per input.
 */
public final class SyntheticTeacher implements RowGenerator {
  private static final long serialVersionUID = 1L;

  /** Width of the teacher's hidden layer. */
  public static final int HIDDEN = 32;
  private static final int GROUP = 8; // hidden units summed together; divides HIDDEN
  /** Standard deviation of the Gaussian noise added to regression targets. */
  public static final double REGRESSION_NOISE = 0.1;
  static final int PROBE_ROWS = 4096;
  private static final int BALANCING_ROUNDS = 400;
  // Logits are standardised, so 0.01 makes the softmax nearly an argmax; lower converges slower.
  private static final double BALANCING_TEMPERATURE = 0.01;
  private static final long BALANCING_WORK = 100_000_000L; // probe logits visited, in total
  private static final int CACHE_ENTRIES = 8;
  /** Bounds that keep a teacher's arrays and its calibration within a few hundred MiB. */
  public static final int MAX_FEATURES = 1 << 20;
  public static final int MAX_CLASSES = 4096;

  // Independent draws are kept apart by deriving one seed per purpose from the user's seed.
  private static final long PURPOSE_INPUTS = 1;
  private static final long PURPOSE_WEIGHTS = 2;
  private static final long PURPOSE_PROBE = 3;
  private static final long PURPOSE_NOISE = 4;

  private static final Map<Key, Teacher> TEACHERS =
      new LinkedHashMap<>(16, 0.75f, true) { // access order: evicts the least recently used
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Teacher> eldest) {
          return size() > CACHE_ENTRIES;
        }
      };

  private final long rows;
  private final int features;
  private final int classes;
  private final long seed;
  private final long inputSeed;
  private final long noiseSeed;
  private transient volatile Teacher teacher;

  /**
   * @param rows number of rows, at least 1
   * @param features input width d, at least 1
   * @param classes 0 for regression, otherwise the number of classes (at least 2)
   */
  public SyntheticTeacher(long rows, int features, int classes, long seed) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be at least 1, got " + rows);
    }
    if (features < 1 || features > MAX_FEATURES) {
      throw new IllegalArgumentException("features must be in [1, " + MAX_FEATURES + "], got "
          + features);
    }
    if (classes < 0 || classes == 1 || classes > MAX_CLASSES) {
      throw new IllegalArgumentException("classes must be 0 (regression) or in [2, "
          + MAX_CLASSES + "], got " + classes);
    }
    this.rows = rows;
    this.features = features;
    this.classes = classes;
    this.seed = seed;
    this.inputSeed = purposeSeed(seed, PURPOSE_INPUTS);
    this.noiseSeed = purposeSeed(seed, PURPOSE_NOISE);
  }

  public long seed() {
    return seed;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int targetWidth() {
    return 1;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public void fill(long index, float[] x, int xOffset, float[] y, int yOffset) {
    RowGenerators.checkIndex(index, rows);
    Teacher t = teacher();
    CounterRandom.gaussians(inputSeed, index, 0, x, xOffset, features);
    float[] scratch = t.scratch.get(); // (HIDDEN + outputs): hidden activations, then outputs
    t.forward(x, xOffset, scratch);
    if (classes == 0) {
      y[yOffset] = (float) (scratch[HIDDEN]
          + REGRESSION_NOISE * CounterRandom.gaussian(noiseSeed, index, 0));
    } else {
      y[yOffset] = argmax(scratch, HIDDEN, classes);
    }
  }

  /**
   * Same rows as {@link #fill}, bit for bit, but computed a batch of rows at a time with the
   * batch as the innermost loop, which the JIT vectorises: the teacher's matrix products cost
   * several times less than row by row. Every row is still summed in the same order as in
   * {@code fill}, so batching changes no value.
   */
  @Override
  public void fillRows(long firstIndex, int count, float[] x, int xOffset, float[] y,
                       int yOffset) {
    RowGenerators.checkRange(firstIndex, count, rows);
    Teacher t = teacher();
    Batch b = t.batch.get();
    for (int start = 0; start < count; start += b.capacity) {
      int n = Math.min(b.capacity, count - start);
      for (int r = 0; r < n; r++) {
        int xo = xOffset + (start + r) * features;
        CounterRandom.gaussians(inputSeed, firstIndex + start + r, 0, x, xo, features);
        for (int j = 0; j < features; j++) {
          b.xt[j][r] = x[xo + j];
        }
      }
      t.forward(b, n);
      for (int r = 0; r < n; r++) {
        long index = firstIndex + start + r;
        if (classes == 0) {
          y[yOffset + start + r] = (float) (b.out[0][r]
              + REGRESSION_NOISE * CounterRandom.gaussian(noiseSeed, index, 0));
        } else {
          int best = 0;
          for (int c = 1; c < classes; c++) {
            if (b.out[c][r] > b.out[best][r]) {
              best = c;
            }
          }
          y[yOffset + start + r] = best;
        }
      }
    }
  }

  @Override
  public String describe() {
    return "synthetic teacher " + features + " -> " + HIDDEN + " tanh -> "
        + (classes == 0 ? "1 (regression, noise " + REGRESSION_NOISE + ")"
            : classes + " classes")
        + ", " + rows + " rows, seed " + seed;
  }

  private Teacher teacher() {
    Teacher t = teacher;
    if (t == null) {
      t = Teacher.shared(features, classes, seed);
      teacher = t; // a racing thread stores the same shared instance
    }
    return t;
  }

  private static long purposeSeed(long seed, long purpose) {
    return CounterRandom.hash(seed, purpose, 0);
  }

  private static int argmax(float[] v, int offset, int n) {
    int best = 0;
    for (int c = 1; c < n; c++) {
      if (v[offset + c] > v[offset + best]) {
        best = c;
      }
    }
    return best;
  }

  private record Key(int features, int classes, long seed) {}

  /** Per-thread work space of {@link #fillRows}: the batch is the second, contiguous index. */
  private static final class Batch {
    final int capacity;
    final float[][] xt; // (features, capacity): inputs, transposed
    final float[][] hidden; // (HIDDEN, capacity)
    final float[][] out; // (outputs, capacity)

    Batch(int features, int outputs) {
      // Up to 256 rows (long inner loops amortise their set-up), fewer for wide inputs so that
      // xt stays near 256 KiB.
      capacity = Math.max(8, Math.min(256, (1 << 16) / features));
      xt = new float[features][capacity];
      hidden = new float[HIDDEN][capacity];
      out = new float[outputs][capacity];
    }
  }

  /** The teacher network; built once per (features, classes, seed) and never changed after. */
  private static final class Teacher {
    final int features;
    final int outputs;
    // Hidden units in groups of 8, each group input-major: the forward pass keeps one group's
    // 8 sums in registers while it streams over the inputs. (The JIT of Java 17 does not
    // vectorise an accumulation into a scratch array at another offset, and 8 independent
    // sums hide the latency of the additions.)
    final float[] w1; // (HIDDEN / GROUP, features, GROUP)
    final float[] w2; // (outputs, HIDDEN)
    final float[] b2; // (outputs)
    final ThreadLocal<float[]> scratch;
    final ThreadLocal<Batch> batch;

    static Teacher shared(int features, int classes, long seed) {
      Key key = new Key(features, classes, seed);
      synchronized (TEACHERS) {
        // Built under the lock so that concurrent tasks wait for one build instead of each
        // running the probe calibration.
        return TEACHERS.computeIfAbsent(key, k -> new Teacher(features, classes, seed));
      }
    }

    private Teacher(int features, int classes, long seed) {
      this.features = features;
      this.outputs = Math.max(classes, 1);
      this.scratch = ThreadLocal.withInitial(() -> new float[HIDDEN + outputs]);
      this.batch = ThreadLocal.withInitial(() -> new Batch(features, outputs));
      long weightSeed = purposeSeed(seed, PURPOSE_WEIGHTS);
      w1 = new float[features * HIDDEN];
      double scale1 = 1 / Math.sqrt(features);
      for (int k = 0; k < HIDDEN; k++) {
        for (int j = 0; j < features; j++) {
          // Drawn by (unit, input) position, independent of the storage layout.
          double w = scale1 * CounterRandom.gaussian(weightSeed, (long) k * features + j, 0);
          w1[((k / GROUP) * features + j) * GROUP + k % GROUP] = (float) w;
        }
      }
      w2 = new float[outputs * HIDDEN];
      double scale2 = 1 / Math.sqrt(HIDDEN);
      for (int i = 0; i < w2.length; i++) {
        w2[i] = (float) (scale2 * CounterRandom.gaussian(weightSeed, i, 1));
      }
      b2 = new float[outputs];
      calibrate(classes, purposeSeed(seed, PURPOSE_PROBE));
    }

    /** Writes tanh hidden units to s[0, HIDDEN) and outputs to s[HIDDEN, HIDDEN + outputs). */
    void forward(float[] x, int xOffset, float[] s) {
      for (int g = 0; g < HIDDEN / GROUP; g++) {
        float h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0;
        int w = g * features * GROUP;
        for (int j = 0; j < features; j++, w += GROUP) {
          float xj = x[xOffset + j];
          h0 += xj * w1[w];
          h1 += xj * w1[w + 1];
          h2 += xj * w1[w + 2];
          h3 += xj * w1[w + 3];
          h4 += xj * w1[w + 4];
          h5 += xj * w1[w + 5];
          h6 += xj * w1[w + 6];
          h7 += xj * w1[w + 7];
        }
        int o = g * GROUP;
        s[o] = h0;
        s[o + 1] = h1;
        s[o + 2] = h2;
        s[o + 3] = h3;
        s[o + 4] = h4;
        s[o + 5] = h5;
        s[o + 6] = h6;
        s[o + 7] = h7;
      }
      for (int k = 0; k < HIDDEN; k++) {
        s[k] = (float) tanh(s[k]);
      }
      for (int c = 0; c < outputs; c++) {
        float z = b2[c];
        int row = c * HIDDEN;
        for (int k = 0; k < HIDDEN; k++) {
          z += w2[row + k] * s[k];
        }
        s[HIDDEN + c] = z;
      }
    }

    /**
     * The batched twin of {@link #forward(float[], int, float[])}: rows [0, n) of b.xt to
     * b.out. Each row's sums run over the same terms in the same order as there.
     */
    void forward(Batch b, int n) {
      // Four hidden units per pass over the inputs: each batch row of x is loaded once for
      // four multiply-adds, which matters because these loops are bound by loads and stores.
      for (int k = 0; k < HIDDEN; k += 4) {
        float[] h0 = b.hidden[k];
        float[] h1 = b.hidden[k + 1];
        float[] h2 = b.hidden[k + 2];
        float[] h3 = b.hidden[k + 3];
        Arrays.fill(h0, 0, n, 0f);
        Arrays.fill(h1, 0, n, 0f);
        Arrays.fill(h2, 0, n, 0f);
        Arrays.fill(h3, 0, n, 0f);
        int w = (k / GROUP) * features * GROUP + k % GROUP;
        for (int j = 0; j < features; j++, w += GROUP) {
          float w0 = w1[w];
          float w1j = w1[w + 1];
          float w2j = w1[w + 2];
          float w3 = w1[w + 3];
          float[] xj = b.xt[j];
          for (int r = 0; r < n; r++) {
            float v = xj[r];
            h0[r] += v * w0;
            h1[r] += v * w1j;
            h2[r] += v * w2j;
            h3[r] += v * w3;
          }
        }
      }
      for (int k = 0; k < HIDDEN; k++) {
        float[] h = b.hidden[k];
        for (int r = 0; r < n; r++) {
          h[r] = (float) tanh(h[r]);
        }
      }
      for (int c = 0; c < outputs; c++) {
        float[] z = b.out[c];
        Arrays.fill(z, 0, n, b2[c]);
        for (int k = 0; k < HIDDEN; k++) {
          float wck = w2[c * HIDDEN + k];
          float[] h = b.hidden[k];
          for (int r = 0; r < n; r++) {
            z[r] += wck * h[r];
          }
        }
      }
    }

    private void calibrate(int classes, long probeSeed) {
      float[] x = new float[features]; // (features)
      float[] s = new float[HIDDEN + outputs]; // (HIDDEN + outputs)
      float[] z = new float[PROBE_ROWS * outputs]; // (PROBE_ROWS, outputs)
      for (int p = 0; p < PROBE_ROWS; p++) {
        CounterRandom.gaussians(probeSeed, p, 0, x, 0, features);
        forward(x, 0, s); // b2 is still zero here
        for (int c = 0; c < outputs; c++) {
          z[p * outputs + c] = s[HIDDEN + c];
        }
      }
      // Standardise each output over the probe by folding scale and shift into w2 and b2.
      double[] bias = new double[outputs]; // (outputs)
      for (int c = 0; c < outputs; c++) {
        double sum = 0;
        double sumSq = 0;
        for (int p = 0; p < PROBE_ROWS; p++) {
          double v = z[p * outputs + c];
          sum += v;
          sumSq += v * v;
        }
        double mean = sum / PROBE_ROWS;
        double sd = Math.sqrt(Math.max(sumSq / PROBE_ROWS - mean * mean, 1e-12));
        for (int k = 0; k < HIDDEN; k++) {
          w2[c * HIDDEN + k] = (float) (w2[c * HIDDEN + k] / sd);
        }
        bias[c] = -mean / sd;
        for (int p = 0; p < PROBE_ROWS; p++) {
          z[p * outputs + c] = (float) (z[p * outputs + c] / sd);
        }
      }
      if (classes >= 2) {
        balance(z, bias);
      }
      for (int c = 0; c < outputs; c++) {
        b2[c] = (float) bias[c];
      }
    }

    /**
     * Chooses class biases so that each class wins about 1/C of the probe. Counting argmax
     * wins and nudging the biases oscillates when the classes' regions touch (narrow inputs);
     * instead this runs Sinkhorn scaling on the soft assignment softmax((z + bias) / T), which
     * converges to biases under which every class has exactly 1/C of the soft mass, and at
     * the small temperature T the argmax shares follow closely. Stops once every argmax share
     * is within 5 % of the target, or after a bounded amount of work (so that hundreds of
     * classes, with a handful of probe rows each, cost about a second).
     */
    private void balance(float[] z, double[] bias) {
      int[] wins = new int[outputs]; // (outputs)
      double[] mass = new double[outputs]; // (outputs): soft wins
      double[] e = new double[outputs]; // (outputs)
      double target = (double) PROBE_ROWS / outputs;
      long rounds = Math.min(BALANCING_ROUNDS, BALANCING_WORK / ((long) PROBE_ROWS * outputs));
      for (long round = 0; round < rounds; round++) {
        Arrays.fill(wins, 0);
        Arrays.fill(mass, 0);
        for (int p = 0; p < PROBE_ROWS; p++) {
          int best = 0;
          double bestValue = z[p * outputs] + bias[0];
          for (int c = 1; c < outputs; c++) {
            double v = z[p * outputs + c] + bias[c];
            if (v > bestValue) {
              best = c;
              bestValue = v;
            }
          }
          wins[best]++;
          double sum = 0; // at least 1: the best class contributes exp(0)
          for (int c = 0; c < outputs; c++) {
            double a = (z[p * outputs + c] + bias[c] - bestValue) / BALANCING_TEMPERATURE;
            // Below e^-50 a term cannot change the sum, which is at least 1; skipping it
            // saves most of the exponentials at this temperature.
            e[c] = a > -50 ? StrictMath.exp(a) : 0;
            sum += e[c];
          }
          for (int c = 0; c < outputs; c++) {
            mass[c] += e[c] / sum;
          }
        }
        boolean balanced = true;
        for (int c = 0; c < outputs; c++) {
          balanced &= Math.abs(wins[c] - target) <= Math.max(1, 0.05 * target);
        }
        if (balanced) {
          return;
        }
        for (int c = 0; c < outputs; c++) {
          // A class whose soft mass underflowed gets a large but finite raise.
          double ratio = Math.max(mass[c], Double.MIN_NORMAL) / target;
          bias[c] -= BALANCING_TEMPERATURE * StrictMath.log(ratio);
        }
      }
    }

    /** tanh from {@link StrictMath#exp} (exact on every JVM); saturates cleanly, never NaN. */
    private static double tanh(double a) {
      return 1 - 2 / (StrictMath.exp(2 * a) + 1);
    }
  }
}
