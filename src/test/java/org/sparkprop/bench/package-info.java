/**
 * JMH benchmarks, compiled with the tests and run on demand (never by Surefire):
 * {@code mvn -Pbench test-compile exec:exec -Djmh.args="SgemmBenchmark"}.
 */
package org.sparkprop.bench;
