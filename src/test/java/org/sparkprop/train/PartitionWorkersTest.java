package org.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.testing.TestOptimizers;

/**
 * The in-process rounds and evaluations computed on 1, 2 and 3 threads over 8 partitions give the
 * bits of one partition after another (and of an independent sequential source); every partition
 * is computed exactly once per round; a failed partition fails the round after the others finish.
 */
class PartitionWorkersTest {
  private static final NetworkSpec SPEC =
      new NetworkSpec(2, new int[] {16, 8}, Activation.TANH, 2, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  private static final RowGenerator ROWS = new Playground("circle", 800, 0.1, 1);
  private static final int BATCH = 64;
  private static final long SEED = 3;
  private static final int FAN_IN = 4; // 8 partitions: the two-level merge

  /** Eight uneven partitions of consecutive rows. */
  private static List<List<PackedBlock>> partitions() {
    int[] sizes = {60, 140, 90, 110, 70, 130, 100, 100};
    List<List<PackedBlock>> out = new ArrayList<>();
    long first = 0;
    for (int n : sizes) {
      out.add(List.of(RowGenerators.pack(ROWS, first, n)));
      first += n;
    }
    return out;
  }

  private static String train(GradientSource source, int localSteps, Evaluator evaluator, List<Double> losses) {
    TrainingOptions options = TrainingOptions.simple(TestOptimizers.usual(OptimizerKind.ADAM), 0.02, 3)
        .withLocalSteps(localSteps);
    TrainingLoop loop = new TrainingLoop(source, options, evaluator, null);
    loop.addListener(new TrainingListener() {
      @Override
      public void onRound(RoundEvent event) {
        losses.add(event.loss());
      }

      @Override
      public void onEpoch(EpochEvent event) {
        losses.addAll(event.validation().values());
      }
    });
    float[] p = Initializer.GLOROT.initialise(SPEC, SEED);
    return WeightsDigest.sha256(loop.run(TrainingState.initial(p, loop.newOptimizer(p.length).snapshot())).params());
  }

  @Test
  void anyNumberOfThreadsGivesTheBitsOfOnePartitionAfterAnother() {
    List<List<PackedBlock>> parts = partitions();
    List<PackedBlock> flat = new ArrayList<>();
    for (List<PackedBlock> p : parts) flat.add(p.get(0));
    for (int localSteps : new int[] {1, 4}) {
      List<Double> reference = new ArrayList<>();
      String expected = train(new PartitionedSource(new DenseNetwork(SPEC, Kernels.gemm()), flat, BATCH, SEED, FAN_IN),
          localSteps, evaluator(parts, PartitionWorkers.single()), reference);
      for (int threads : new int[] {1, 2, 3}) {
        try (PartitionWorkers workers = PartitionWorkers.of(threads)) {
          List<Double> losses = new ArrayList<>();
          String sha = train(new InProcessGradientSource(parts, 800, 1, SPEC, BATCH, SEED, 1024, FAN_IN,
              Kernels.loadedKernel(), workers), localSteps, evaluator(parts, workers), losses);
          String at = threads + " threads, localSteps " + localSteps;
          assertEquals(expected, sha, at);
          assertEquals(reference, losses, at + ": round losses and validation metrics");
        }
      }
    }
  }

  private static Evaluator evaluator(List<List<PackedBlock>> parts, PartitionWorkers workers) {
    return new InProcessEvaluator(parts, 1, 2, SPEC, 1024, TargetScaling.IDENTITY, workers);
  }

  @Test
  void everyPartitionIsComputedOnceByOneOfTheWorkers() {
    try (PartitionWorkers workers = PartitionWorkers.of(3)) {
      for (int round = 0; round < 50; round++) {
        AtomicIntegerArray times = new AtomicIntegerArray(8);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        workers.forEachPartition(8, (w, p) -> {
          times.incrementAndGet(p);
          seen.add(w);
        });
        for (int p = 0; p < 8; p++) assertEquals(1, times.get(p), "round " + round + ", partition " + p);
        for (int w : seen) assertTrue(w >= 0 && w < 3, "worker " + w);
      }
    }
  }

  @Test
  void aFailedPartitionFailsTheRoundOnceTheOthersAreDone() {
    try (PartitionWorkers workers = PartitionWorkers.of(3)) {
      AtomicIntegerArray done = new AtomicIntegerArray(8);
      IllegalStateException failure = new IllegalStateException("partition 5 failed");
      IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> workers.forEachPartition(8, (w, p) -> {
        if (p == 5) throw failure;
        sleep();
        done.incrementAndGet(p);
      }));
      assertSame(failure, thrown);
      // When it returned, no worker was still computing: what was started is finished.
      Map<Integer, Integer> before = snapshot(done);
      sleep();
      assertEquals(before, snapshot(done), "a worker went on after the round failed");
    }
  }

  private static Map<Integer, Integer> snapshot(AtomicIntegerArray a) {
    Map<Integer, Integer> m = new java.util.TreeMap<>();
    for (int i = 0; i < a.length(); i++) m.put(i, a.get(i));
    return m;
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
