package org.sparkprop.testing;

import org.sparkprop.spark.SparkSessions;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Spark sessions for tests: loopback only, no UI, Sparkprop's own defaults (Kryo with registration required). */
public final class LocalSpark {
  private LocalSpark() {
  }

  /** A session on {@code master}: the running one if it has that master, else a new one. */
  public static JavaSparkContext start(String master) {
    SparkSession session = create(master);
    if (!session.sparkContext().master().equals(master)) {
      // Spark hands out the context already running in this JVM (one an earlier test left) whatever
      // master is asked for: stop it, so the test gets the cores it is about.
      session.sparkContext().stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      session = create(master);
    }
    return JavaSparkContext.fromSparkContext(session.sparkContext());
  }

  private static SparkSession create(String master) {
    return SparkSessions.create(master, Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false",
        "spark.task.maxFailures", "4"));
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
