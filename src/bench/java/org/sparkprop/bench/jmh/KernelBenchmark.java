package org.sparkprop.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.sparkprop.bench.KernelWorkload;

/**
 * Forward+backward through {@code DenseNetwork} next to the bare sgemm products it runs, one core:
 * {@code impl=network} is the trainer's code path, {@code impl=sgemm} the same products on native
 * operands with nothing else (see {@link KernelWorkload}). Secondary results: {@code gflop6}
 * counts 6 x weights x batch per call (the customary figure), {@code gflopRun} the products
 * actually run (no input gradient for the first layer); their ratio network/sgemm on
 * {@code gflopRun} is the share of BLAS speed the network code keeps (target 0.7).
 *
 * <p>{@code A}: batch 256 through 784-256-128-10; {@code B}: batch 1024 through 256-512-256-10.
 * Run: {@code mvn -Pbench test-compile exec:exec -Djmh.args="KernelBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class KernelBenchmark {

  @Param({"A", "B"})
  public String net;

  @Param({"network", "sgemm"})
  public String impl;

  private KernelWorkload work;

  /** GFLOP done, two ways; JMH divides by the iteration time, giving GFLOP/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public double gflop6;
    public double gflopRun;

    @Setup(Level.Iteration)
    public void reset() {
      gflop6 = 0;
      gflopRun = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    work = net.equals("A")
        ? new KernelWorkload(new int[] {784, 256, 128, 10}, 256)
        : new KernelWorkload(new int[] {256, 512, 256, 10}, 1024);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    work.close();
  }

  @Benchmark
  public void step(Flops flops, Blackhole bh) {
    if (impl.equals("network")) {
      bh.consume(work.runNetwork());
    } else {
      work.runSgemm();
    }
    flops.gflop6 += work.conventionalFlops() / 1e9;
    flops.gflopRun += work.executedFlops() / 1e9;
  }
}
