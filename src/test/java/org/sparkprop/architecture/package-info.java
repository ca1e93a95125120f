/**
 * The architecture as a test: the layer order of the main packages, Spark and Scala only in the
 * Spark-facing packages, and no cycles between packages.
 */
package org.sparkprop.architecture;
