package org.sparkprop.spark.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs in each line's build: the line's own Spark passes the check, the other line's does not. */
class SparkLineCheckTest {

  @Test
  void theSparkThisLineIsTestedOnMatchesTheLineItIsBuiltFor() {
    assertEquals(SparkLine.SPARK, SparkLineCheck.minorOf(SparkLineCheck.runningSpark()));
    assertEquals(SparkLine.SCALA, SparkLineCheck.minorOf(SparkLineCheck.runningScala()));
    assertTrue(SparkLineCheck.mismatch().isEmpty(), () -> SparkLineCheck.mismatch().get());
  }

  @Test
  void theVersionFilesSayWhatSparksAndScalasVersionObjectsSay() {
    // The check reads the files so that a run without Spark does not start the Scala runtime; the
    // objects are what Spark and Scala report about themselves.
    assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION(), SparkLineCheck.runningSpark());
    assertEquals(scala.util.Properties$.MODULE$.versionNumberString(), SparkLineCheck.runningScala());
  }

  @Test
  void theOtherLinesSparkIsRefusedWithBothVersionsAndTheJarToUse() {
    boolean on42 = SparkLine.SPARK.equals("4.2");
    String otherSpark = on42 ? "3.5.9" : "4.2.0";
    String otherScala = on42 ? "2.12.18" : "2.13.18";
    String message = SparkLineCheck.mismatch(otherSpark, otherScala).orElseThrow();
    assertTrue(message.contains("built for Spark " + SparkLine.SPARK + " / Scala " + SparkLine.SCALA), message);
    assertTrue(message.contains("running Spark is " + otherSpark + " on Scala " + otherScala), message);
    assertTrue(message.contains(on42 ? "use the sparkprop_2.12 jar" : "use the sparkprop_2.13 jar"), message);
  }

  @Test
  void aPatchReleaseOfTheLineIsAcceptedAndAnotherMinorOrScalaIsNot() {
    assertTrue(SparkLineCheck.mismatch(SparkLine.SPARK + ".99", SparkLine.SCALA + ".1").isEmpty());
    assertTrue(SparkLineCheck.mismatch(SparkLine.SPARK + ".1", "2.11.12").isPresent(), "same Spark, other Scala");
    for (String spark : List.of("3.4.1", "4.0.0", "4.1.1")) {
      String message = SparkLineCheck.mismatch(spark, SparkLine.SCALA + ".0").orElseThrow();
      assertTrue(message.contains(spark) && message.contains("built for Spark 3.5 (sparkprop_2.12) and Spark 4.2"), message);
    }
    assertTrue(SparkLineCheck.mismatch("2.4.8", "2.11.12").orElseThrow().contains("built for Spark 3.5 (sparkprop_2.12) and Spark 4.2"));
    assertEquals("3.5", SparkLineCheck.minorOf("3.5.9"));
    assertEquals("4", SparkLineCheck.minorOf("4"));
  }
}
