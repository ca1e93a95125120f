package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SyntheticTeacherTest {

  @Test
  void shapesAndDescription() {
    SyntheticTeacher c = new SyntheticTeacher(1000, 20, 10, 5);
    assertEquals(1000, c.rows());
    assertEquals(20, c.features());
    assertEquals(10, c.classes());
    assertEquals(1, c.targetWidth());
    assertEquals("synthetic teacher 20 -> 32 tanh -> 10 classes, 1000 rows, seed 5",
        c.describe());
    assertEquals("synthetic teacher 3 -> 32 tanh -> 1 (regression, noise 0.1), 7 rows, seed -1",
        new SyntheticTeacher(7, 3, 0, -1).describe());
  }

  @Test
  void tenClassesEachGetAtLeastThreePercentOfRows() {
    int rows = 20_000;
    for (int features : new int[] {2, 3, 8, 64, 256}) {
      // Narrow inputs are where balancing is hard, so they get more seeds.
      for (long seed = 1; seed <= (features <= 3 ? 5 : 2); seed++) {
        int[] counts = classCounts(new SyntheticTeacher(rows, features, 10, seed));
        for (int c = 0; c < 10; c++) {
          assertTrue(counts[c] >= 0.03 * rows, "features " + features + ", seed " + seed
              + ": class " + c + " has " + counts[c] + " of " + rows + " rows");
        }
      }
    }
  }

  @Test
  void fewAndManyClassesAreNotDegenerate() {
    int rows = 20_000;
    int[] binary = classCounts(new SyntheticTeacher(rows, 16, 2, 4));
    assertTrue(binary[0] >= 0.4 * rows && binary[1] >= 0.4 * rows,
        Arrays.toString(binary));
    int[] three = classCounts(new SyntheticTeacher(rows, 16, 3, 4));
    for (int n : three) {
      assertTrue(n >= 0.25 * rows, Arrays.toString(three));
    }
    // 100 classes: about 41 probe rows per class to balance on, so shares are rougher.
    int[] hundred = classCounts(new SyntheticTeacher(rows, 64, 100, 4));
    for (int n : hundred) {
      assertTrue(n >= 0.003 * rows, Arrays.toString(hundred));
    }
  }

  @Test
  void inputsAreStandardNormalAndLabelsAreAFunctionOfThem() {
    SyntheticTeacher t = new SyntheticTeacher(5000, 16, 10, 8);
    PackedBlock b = RowGenerators.pack(t, 0, 5000);
    double sum = 0;
    double sumSq = 0;
    for (float v : b.x) {
      sum += v;
      sumSq += (double) v * v;
    }
    int n = b.x.length;
    assertEquals(0, sum / n, 5 / Math.sqrt(n));
    assertEquals(1, sumSq / n, 5 * Math.sqrt(2.0 / n));
    // A label that ignored the inputs would match its nearest neighbour's 10 % of the time.
    int agree = 0;
    int tested = 500;
    for (int i = 0; i < tested; i++) {
      int nearest = -1;
      double bestDistance = Double.MAX_VALUE;
      for (int j = 0; j < b.rows; j++) {
        if (j == i) {
          continue;
        }
        double d = 0;
        for (int k = 0; k < 16; k++) {
          double diff = b.x[i * 16 + k] - b.x[j * 16 + k];
          d += diff * diff;
        }
        if (d < bestDistance) {
          bestDistance = d;
          nearest = j;
        }
      }
      agree += b.y[i] == b.y[nearest] ? 1 : 0;
    }
    assertTrue(agree > 0.25 * tested, "nearest-neighbour agreement " + agree + "/" + tested);
  }

  @Test
  void regressionTargetsAreStandardisedTeacherOutputPlusNoise() {
    int rows = 20_000;
    PackedBlock b = RowGenerators.pack(new SyntheticTeacher(rows, 32, 0, 12), 0, rows);
    double sum = 0;
    double sumSq = 0;
    for (float v : b.y) {
      sum += v;
      sumSq += (double) v * v;
    }
    double mean = sum / rows;
    double variance = sumSq / rows - mean * mean;
    // Calibrated on a 4096-row probe, so mean 0 and variance 1 + 0.1^2 hold to a few percent.
    assertEquals(0, mean, 0.1);
    assertEquals(1.01, variance, 0.1);
  }

  @Test
  void fillRowsEqualsFillBitForBitAcrossBatchBoundaries() {
    int[][] shapes = {{1, 10}, {7, 0}, {33, 2}, {256, 10}, {1000, 3}};
    for (int[] shape : shapes) {
      int features = shape[0];
      SyntheticTeacher t = new SyntheticTeacher(2000, features, shape[1], 21);
      int first = 123;
      int count = 700; // several batches of 256 (65 for 1000 features) and a partial one
      float[] x = new float[5 + count * features];
      float[] y = new float[2 + count];
      t.fillRows(first, count, x, 5, y, 2);
      float[] rx = new float[features];
      float[] ry = new float[1];
      for (int r = 0; r < count; r++) {
        t.fill(first + r, rx, 0, ry, 0);
        for (int j = 0; j < features; j++) {
          assertEquals(Float.floatToRawIntBits(rx[j]),
              Float.floatToRawIntBits(x[5 + r * features + j]),
              "features " + features + " row " + r + " input " + j);
        }
        assertEquals(Float.floatToRawIntBits(ry[0]), Float.floatToRawIntBits(y[2 + r]),
            "features " + features + " row " + r + " target");
      }
    }
  }

  @Test
  void oneObjectSharedByConcurrentTasksGivesTheSameRows() throws Exception {
    // Spark runs several tasks on one deserialised object; the seed is fresh, so the threads
    // also race to build the teacher.
    SyntheticTeacher shared = new SyntheticTeacher(3000, 40, 5, 987_654_321L);
    int threads = 4;
    ExecutorService pool =
        Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<PackedBlock>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        boolean rowByRow = t % 2 == 0;
        results.add(pool.submit(() -> {
          start.await();
          if (!rowByRow) {
            return RowGenerators.pack(shared, 0, 3000);
          }
          float[] x = new float[3000 * 40];
          float[] y = new float[3000];
          for (int i = 0; i < 3000; i++) {
            shared.fill(i, x, i * 40, y, i);
          }
          return new PackedBlock(0, 3000, 40, 1, x, y);
        }));
      }
      start.countDown();
      PackedBlock expected = RowGenerators.pack(new SyntheticTeacher(3000, 40, 5, 987_654_321L),
          0, 3000);
      for (Future<PackedBlock> result : results) {
        PackedBlock b = result.get();
        RowGeneratorsTest.assertBitwiseEqual(expected.x, b.x, "x");
        RowGeneratorsTest.assertBitwiseEqual(expected.y, b.y, "y");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void generatesAMillionRowsOf256FeaturesWellUnderTenSeconds() {
    // CPU time of this thread, so that other processes on the machine do not count. A
    // quarter of the rows, extrapolated: the cost per row is constant.
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    SyntheticTeacher t = new SyntheticTeacher(1_000_000, 256, 10, 1);
    int chunk = 10_000;
    float[] x = new float[chunk * 256]; // (chunk, 256)
    float[] y = new float[chunk];
    t.fillRows(0, chunk, x, 0, y, 0); // builds the teacher and compiles the loops
    t.fillRows(chunk, chunk, x, 0, y, 0);
    int measured = 250_000;
    long start = bean.getCurrentThreadCpuTime();
    for (int first = 0; first < measured; first += chunk) {
      t.fillRows(first, chunk, x, 0, y, 0);
    }
    double seconds = (bean.getCurrentThreadCpuTime() - start) / 1e9 * (1_000_000.0 / measured);
    System.out.printf("SyntheticTeacher: 10^6 rows x 256 features in %.2f s of CPU time "
        + "(extrapolated from %d rows)%n", seconds, measured);
    assertTrue(seconds < 8, "10^6 x 256 would take " + seconds + " s of CPU time");
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertEquals("rows must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> new SyntheticTeacher(0, 4, 2, 1)).getMessage());
    assertEquals("features must be in [1, 1048576], got 0",
        assertThrows(IllegalArgumentException.class,
            () -> new SyntheticTeacher(10, 0, 2, 1)).getMessage());
    assertEquals("classes must be 0 (regression) or in [2, 4096], got 1",
        assertThrows(IllegalArgumentException.class,
            () -> new SyntheticTeacher(10, 4, 1, 1)).getMessage());
    assertEquals("classes must be 0 (regression) or in [2, 4096], got -2",
        assertThrows(IllegalArgumentException.class,
            () -> new SyntheticTeacher(10, 4, -2, 1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SyntheticTeacher(10, 4, 4097, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new SyntheticTeacher(10, (1 << 20) + 1, 2, 1));
    SyntheticTeacher t = new SyntheticTeacher(10, 4, 2, 1);
    float[] x = new float[40];
    float[] y = new float[10];
    assertEquals("rows [5, 11) are not inside [0, 10)",
        assertThrows(IndexOutOfBoundsException.class,
            () -> t.fillRows(5, 6, x, 0, y, 0)).getMessage());
  }

  private static int[] classCounts(SyntheticTeacher t) {
    PackedBlock b = RowGenerators.pack(t, 0, (int) t.rows());
    int[] counts = new int[t.classes()];
    for (float label : b.y) {
      counts[(int) label]++;
    }
    return counts;
  }
}
