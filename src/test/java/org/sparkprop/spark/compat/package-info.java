/**
 * Tests of the Spark line adapter and the built-for check; they run in both lines' builds, each
 * against its own Spark.
 */
package org.sparkprop.spark.compat;
