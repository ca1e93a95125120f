package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Whether a session runs, answered without loading SparkSession when no class loader has loaded it. */
class SparkSessionsRunningTest {

  @Test
  void theClassLoadersSayWhichClassesTheyLoadedWithoutLoadingOthers() throws Exception {
    // The test JVM opens java.lang as the launch scripts do; without that the answer comes from SparkSession.
    assertTrue(SparkSessions.LoadedClasses.known(), "ClassLoader.findLoadedClass reachable");
    ClassLoader ours = getClass().getClassLoader();
    assertTrue(SparkSessions.LoadedClasses.loaded(ours, SparkSessionsRunningTest.class.getName()));
    assertTrue(SparkSessions.LoadedClasses.loaded(ours, "java.lang.String"), "loaded by a parent loader");
    // A loader of its own over the same class path, delegating to nothing but the JDK: it has loaded nothing yet.
    URL classes = SparkSessions.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes}, null)) {
      String name = SparkSessions.class.getName();
      assertFalse(SparkSessions.LoadedClasses.loaded(fresh, name));
      assertFalse(SparkSessions.LoadedClasses.loaded(fresh, name), "asking does not load it");
      assertFalse(SparkSessions.LoadedClasses.loaded(fresh, "org.sparkprop.NoSuchClass"));
      fresh.loadClass(name);
      assertTrue(SparkSessions.LoadedClasses.loaded(fresh, name));
    }
  }

  @Test
  void aRunningSessionIsSeenAndAStoppedOneIsNot() {
    SparkSession session = SparkSessions.create("local[1]", Map.of());
    try {
      assertTrue(SparkSessions.running());
    } finally {
      session.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
    assertFalse(SparkSessions.running(), "SparkSession is loaded now, so this answer comes from SparkSession");
  }
}
