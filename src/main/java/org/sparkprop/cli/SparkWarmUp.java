package org.sparkprop.cli;

import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.SparkSessions;

/**
 * Starts a local Spark session, runs one small job and stops it: what the JVM that writes
 * local.sh's class-data archive does before it exits when its own run trained without Spark, so
 * that the archive also holds the classes of Spark's start-up and of a job for the runs that start
 * Spark. Nothing of it is kept or logged; a failure leaves the archive with what the run itself loaded.
 */
final class SparkWarmUp {
  private SparkWarmUp() {
  }

  static void startAndStop() {
    // Silent: the run's output is complete, and it must not look as if this run had started Spark.
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
    try {
      SparkSession session = SparkSessions.create("local[1]", Map.of("spark.ui.enabled", "false",
          "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));
      try {
        JavaSparkContext.fromSparkContext(session.sparkContext()).parallelize(List.of(1, 2), 2).map(i -> i + 1).count();
      } finally {
        session.stop();
      }
    } catch (RuntimeException | LinkageError e) {
      // the archive then holds what the run loaded: Spark's classes load from the jars when needed
    }
  }
}
