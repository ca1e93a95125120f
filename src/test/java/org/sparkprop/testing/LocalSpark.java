package org.sparkprop.testing;

import org.sparkprop.spark.SparkSessions;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Spark sessions for tests: loopback only, no UI, Sparkprop's own defaults (Kryo with registration required). */
public final class LocalSpark {
  private LocalSpark() {
  }

  public static JavaSparkContext start(String master) {
    SparkSession session = SparkSessions.create(master, Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false",
        "spark.task.maxFailures", "4"));
    return JavaSparkContext.fromSparkContext(session.sparkContext());
  }

  public static void stop(JavaSparkContext sc) {
    if (sc != null) SparkSession.active().stop();
  }

  /**
   * Stops the session a job under test started itself (the train, sweep and predict jobs create
   * their own) and forgets it, so that the next test's job starts a new one with its own settings.
   */
  public static void stopActive() {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }
}
