/**
 * JMH benchmarks of the kernels, run on demand (never by Surefire):
 * {@code mvn -Pbench test-compile exec:exec -Djmh.args="SgemmBenchmark"}.
 */
package org.sparkprop.bench.jmh;
