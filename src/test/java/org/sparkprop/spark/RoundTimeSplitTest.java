package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientSource;
import org.sparkprop.train.RoundTime;
import org.sparkprop.optim.OptimizerSettings;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingLoop;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingState;

/**
 * The per-round time split of the Spark trainer (broadcast, compute, aggregate, update, other)
 * accounts for the round's time, measured from outside the loop, and each part follows its cause.
 * Only ratios are asserted, with wide margins: the machine is shared and timings are noisy.
 */
class RoundTimeSplitTest {
  private static final SyntheticTeacher DATA = new SyntheticTeacher(8192, 12, 4, 5);
  private static JavaSparkContext sc;
  private static PackedDataset data;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
    data = PackedDataset.generate(sc, DATA, 2, StorageLevel.MEMORY_ONLY());
  }

  @AfterAll
  static void stop() {
    if (data != null) data.unpersist();
    LocalSpark.stop(sc);
  }

  private static NetworkSpec network(int... hidden) {
    return new NetworkSpec(12, hidden, Activation.TANH, 4, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
  }

  /** The rounds of a short run as the loop reported them, and the wall time of each as the test measured it. */
  private record Rounds(List<RoundTime> split, List<Long> measuredNanos) {
    long median(ToLongFunction<RoundTime> part) {
      // The first round pays for class loading and the first use of the cached blocks: left out.
      long[] v = split.subList(1, split.size()).stream().mapToLong(part).sorted().toArray();
      return v[v.length / 2];
    }
  }

  /**
   * Runs {@code rounds} rounds and times each from outside the loop: from the moment the loop asks
   * the source for the round's gradient to the moment it tells the listeners the round is done.
   */
  private static Rounds run(NetworkSpec spec, int batchSize, int rounds) {
    // Weights and gradients through Spark as on a cluster: local mode would hand them over in the JVM.
    SparkGradientSource spark = new SparkGradientSource(sc, data, spec, batchSize, 7, 1024, 8).serialisedEvenInLocalMode();
    long[] askedAt = new long[1];
    GradientSource timed = new GradientSource() {
      @Override
      public GlobalBatches batches() {
        return spark.batches();
      }

      @Override
      public RoundResult computeRound(float[] params, long epoch, long batch) {
        askedAt[0] = System.nanoTime();
        return spark.computeRound(params, epoch, batch);
      }
    };
    List<RoundTime> split = new ArrayList<>();
    List<Long> measured = new ArrayList<>();
    TrainingOptions options = TrainingOptions.simple(OptimizerSettings.sgd(), 0.01, 1000).withMaxRounds(rounds);
    TrainingLoop loop = new TrainingLoop(timed, options, null, null).addListener(new TrainingListener() {
      @Override
      public void onRound(RoundEvent e) {
        measured.add(System.nanoTime() - askedAt[0]);
        split.add(e.time());
      }
    });
    float[] init = Initializer.GLOROT.initialise(spec, 7);
    loop.run(TrainingState.initial(init, loop.newOptimizer(init.length).snapshot()));
    assertEquals(rounds, split.size());
    return new Rounds(split, measured);
  }

  @Test
  void theFivePartsAddUpToTheMeasuredRoundTime() {
    Rounds r = run(network(32, 32), 512, 30);
    long parts = r.split().stream().mapToLong(RoundTime::totalNanos).sum();
    long measured = r.measuredNanos().stream().mapToLong(Long::longValue).sum();
    // Between the test's clock readings and the loop's lie a method call and the construction of
    // the round event: microseconds against milliseconds per Spark round. 5% of the total also
    // absorbs a garbage-collection pause that falls into that gap on a busy machine. A part left out
    // (the task launch in "other") or counted twice (compute summed over the partitions) is far more.
    double ratio = (double) parts / measured;
    assertTrue(Math.abs(ratio - 1) < 0.05, "parts " + parts + " ns, measured " + measured + " ns: ratio " + ratio);
    for (RoundTime t : r.split()) {
      assertTrue(t.broadcastNanos() > 0 && t.computeNanos() > 0 && t.aggregateNanos() >= 0 && t.updateNanos() > 0
          && t.otherNanos() >= 0, t.toString());
    }
  }

  @Test
  void theBroadcastPartGrowsWithTheWeights() {
    // 12-8-4: 140 weights; 12-2048-2048-4: 4.2 million (16.8 MB), serialised, compressed and
    // stored in Spark's block manager by every round's broadcast. Small batches keep the rounds short.
    long small = run(network(8), 16, 12).median(RoundTime::broadcastNanos);
    long large = run(network(2048, 2048), 16, 12).median(RoundTime::broadcastNanos);
    assertTrue(large > 3 * small, "median broadcast: " + small + " ns for 140 weights, " + large + " ns for 4.2M");
  }

  @Test
  void theComputePartGrowsWithTheBatch() {
    // 64 rows per round against 4,096: 64 times the forward and backward work.
    NetworkSpec spec = network(64, 64);
    long small = run(spec, 64, 12).median(RoundTime::computeNanos);
    long large = run(spec, 4096, 12).median(RoundTime::computeNanos);
    assertTrue(large > 4 * small, "median compute: " + small + " ns at batch 64, " + large + " ns at batch 4096");
  }
}
