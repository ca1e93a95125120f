/**
 * Real-infrastructure fixtures for the cluster tier ({@code *IT} tests, run by Failsafe in
 * {@code mvn verify}): a Spark installation folder built from the Maven-resolved Spark jars, a
 * standalone cluster of separate master and worker JVMs on 127.0.0.1, a driver launcher that runs
 * Spark's own {@code SparkSubmit} as a separate JVM, an in-process HDFS (MiniDFSCluster), and a
 * file system that kills its JVM part-way through a chosen write.
 *
 * <p>Every process started here is registered with {@link org.sparkprop.testing.ChildProcesses}:
 * its owner stops it (the fixtures are {@link java.lang.AutoCloseable}), and a JVM shutdown hook
 * kills whatever an aborted test run left behind.
 */
package org.sparkprop.testing;
