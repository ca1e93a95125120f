/**
 * Measuring tools without Spark: the forward+backward kernel workload next to bare sgemm, order
 * statistics of timings, and a description of the machine. The Spark workloads of the
 * {@code bench} command live in {@code org.sparkprop.spark.perf}; the JMH benchmarks in the tests'
 * {@code org.sparkprop.bench}.
 */
package org.sparkprop.perf;
