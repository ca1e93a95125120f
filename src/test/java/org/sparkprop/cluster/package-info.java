/**
 * The cluster tier: the training guarantees checked on real multi-JVM Spark standalone
 * clusters and a real HDFS, with real faults (executor and driver JVMs killed by process id, a
 * driver dying mid-checkpoint, workers decommissioned and added). Failsafe runs these
 * {@code *IT} classes in {@code mvn verify}, after the cluster jar is packaged.
 */
package org.sparkprop.cluster;
