/**
 * Benchmarks, outside the shipped jars: they compile with the tests (the build adds
 * {@code src/bench/java} as a test source root) and run on the test class path through
 * {@code submit-scripts/local.sh bench WORKLOAD...} ({@link org.sparkprop.bench.BenchCommand}, one
 * JSON line per workload). Here: the command, the forward+backward kernel workload next to bare
 * sgemm, order statistics of timings and a description of the machine. The Spark workloads are in
 * {@code bench.spark}, the JMH kernels in {@code bench.jmh}.
 * Their unit tests (of the arithmetic, not of speed) sit beside them and run with the suite.
 */
package org.sparkprop.bench;
