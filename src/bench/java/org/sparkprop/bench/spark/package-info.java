/**
 * The Spark workloads of the {@code bench} command: the round loop's fixed cost next to Spark's
 * own broadcast-and-aggregate floor, end-to-end throughput on synthetic data, Spark MLlib's MLP on
 * the same data (in a child JVM, so its native BLAS gets its own environment), scaling in rows and
 * rounds, cached memory, Fashion-MNIST time to accuracy and the cluster cost model. Every workload
 * returns its figures as a map that the command prints as one JSON line; timings that are compared
 * are taken in the same run, interleaved where they can be, because the machines are shared.
 * Their unit tests (of the arithmetic, not of speed) sit beside them and run with the suite.
 */
package org.sparkprop.bench.spark;
