package org.sparkprop.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.RowGenerators;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.nn.Loss;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.Initializer;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.EpochPermutation;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.GradientAccumulator;

/**
 * One task of the {@code scale} workload's rounds without Spark: the first of two partitions of
 * {@code rows} rows x 32 features, and {@link GradientAccumulator#add} on global batch t of 8,192 (about
 * 4,096 of them in this partition) through 32-64-64-10, t advancing each call. {@code impl=round}
 * is the task's whole work; {@code impl=gather} only walks the batch's positions and copies this
 * partition's rows, as the round does before each chunk's forward+backward. Comparing
 * {@code rows=1000000} with {@code rows=10000000} isolates what a 10x larger partition costs the
 * task itself (cache and TLB misses of random row reads) from Spark and the garbage collector.
 *
 * <p>Run: {@code mvn -Pbench test-compile exec:exec -Djmh.args="GatherBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GatherBenchmark {
  private static final int FEATURES = 32;
  private static final int BATCH = 8192;

  @Param({"1000000", "10000000"})
  public long rows;

  @Param({"round", "gather"})
  public String impl;

  private PackedBlock block;
  private GlobalBatches batches;
  private DenseNetwork network;
  private float[] params;
  private Workspace ws;
  private GradientAccumulator acc;
  private long batch;

  @Setup(Level.Trial)
  public void setUp() {
    NetworkSpec spec = new NetworkSpec(FEATURES, new int[] {64, 64}, Activation.RELU, 10, Activation.SOFTMAX,
        Loss.CROSS_ENTROPY);
    block = RowGenerators.pack(new SyntheticTeacher(rows, FEATURES, 10, 13), 0, (int) (rows / 2));
    batches = new GlobalBatches(rows, BATCH, 17);
    network = new DenseNetwork(spec, Kernels.gemm());
    params = Initializer.HE.initialise(spec, 17);
    ws = new Workspace(spec, block.targetWidth, 1024);
    acc = new GradientAccumulator(params.length);
  }

  @Benchmark
  public void task(Blackhole bh) {
    batch = (batch + 1) % batches.batchesPerEpoch();
    EpochPermutation permutation = batches.permutation(0);
    if (impl.equals("round")) {
      acc.add(network, params, block, permutation, batches.start(batch), batches.end(batch), ws);
      bh.consume(acc.count());
    } else {
      bh.consume(gather(permutation, batches.start(batch), batches.end(batch)));
    }
  }

  /** The selection and copy loop of {@link GradientAccumulator#add} alone. */
  private int gather(EpochPermutation permutation, long start, long end) {
    int filled = 0;
    int copied = 0;
    long last = block.endIndex();
    for (long p = start; p < end; p++) {
      long row = permutation.rowAt(p);
      if (row < block.firstIndex || row >= last) continue;
      int local = (int) (row - block.firstIndex);
      System.arraycopy(block.x, local * FEATURES, ws.input, filled * FEATURES, FEATURES);
      copied++;
      if (++filled == ws.capacity()) filled = 0;
    }
    return copied;
  }
}
