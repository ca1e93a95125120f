/**
 * Which Spark line this build is for, and the few calls whose API differs between the lines.
 * {@link org.sparkprop.spark.compat.SparkLine} has one copy per line (Spark 4.2 / Scala 2.13 in
 * {@code src/lines/spark-4.2/java}, Spark 3.5 / Scala 2.12 in {@code src/lines/spark-3.5/java});
 * everything else, {@link org.sparkprop.spark.compat.SparkLineCheck} included, is shared. It sits
 * below the engine so that every Spark-facing package may use it.
 */
package org.sparkprop.spark.compat;
