package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.math.GemmReference.Case;

/**
 * Spark runs several tasks per executor JVM, each calling the one shared Gemm at the same time.
 */
class GemmConcurrencyTest {

  private static final int THREADS = 4;
  private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS);

  @AfterAll
  static void shutdown() throws InterruptedException {
    POOL.shutdownNow();
    POOL.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrentCallsEachGetTheirOwnResult() throws Exception {
    Gemm gemm = new OpenBlasGemm();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int seed = t;
      results.add(POOL.submit(() -> {
        // Different shapes per thread, so that a thread reading another's scratch would notice.
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          cases.add(GemmReference.randomCase(rnd, (i & 1) != 0, (i & 2) != 0,
              40 + 7 * seed + i, 30 + 5 * seed, 60 + 3 * i, 1f, 0.5f, seed, i % 3));
        }
        start.await();
        int checked = 0;
        for (int round = 0; round < 30; round++) {
          for (Case c : cases) {
            GemmReference.check(c, c.run(gemm), "openblas thread " + seed);
            checked++;
          }
        }
        return checked;
      }));
    }
    for (Future<Integer> f : results) assertEquals(30 * 6, f.get(120, TimeUnit.SECONDS));
  }

  @Test
  void concurrentCallsWritingDisjointBlocksOfOneArray() throws Exception {
    // Every thread writes its own rows of one shared C while reading one shared A. JavaCPP's
    // float[] overloads copy whole arrays back after each call, which would undo the other
    // threads' rows; staging copies back only the caller's block.
    Gemm gemm = new OpenBlasGemm();
    // Large enough that the calls overlap: with the float[] overloads, 2 threads lose rows in
    // about a third of the rounds at this size.
    int rowsEach = 128;
    int n = 256;
    int k = 256;
    SplittableRandom rnd = new SplittableRandom(11);
    float[] a = GemmReference.random(rnd, THREADS * rowsEach * k); // (THREADS * rowsEach, k)
    float[] b = GemmReference.random(rnd, k * n); // (k, n)
    float[] expected = new float[THREADS * rowsEach * n]; // (THREADS * rowsEach, n)
    new JavaGemm().sgemm(false, false, THREADS * rowsEach, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);

    for (int round = 0; round < 50; round++) {
      float[] c = new float[THREADS * rowsEach * n]; // (THREADS * rowsEach, n), shared
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int row0 = t * rowsEach;
        done.add(POOL.submit(() -> {
          start.await();
          gemm.sgemm(false, false, rowsEach, n, k, 1f, a, row0 * k, k, b, 0, n, 0f, c, row0 * n, n);
          return null;
        }));
      }
      for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
      for (int x = 0; x < c.length; x++) {
        // Same kernel on the same rows: the float results agree to within rounding of the order.
        assertEquals(expected[x], c[x], 1e-3f, "round " + round + ", element " + x);
      }
    }
  }
}
