package org.sparkprop.spark.compat;

import java.util.Optional;

/**
 * Compares the Spark and Scala a driver runs on with the line this jar was built for. A jar of the
 * other line would fail later, half-way through a job, with a linkage error (e.g. Scala 2.12 has no
 * {@code scala.jdk.javaapi.CollectionConverters}); the check lets the driver refuse at start with a
 * message that names both versions and the jar to use instead. It only touches classes that every
 * line has ({@code org.apache.spark.package$} and {@code scala.util.Properties$}).
 */
public final class SparkLineCheck {
  private SparkLineCheck() {
  }

  /** The running Spark's version, e.g. {@code 3.5.9}. */
  public static String runningSpark() {
    return org.apache.spark.package$.MODULE$.SPARK_VERSION();
  }

  /** The running Scala library's version, e.g. {@code 2.12.18}. */
  public static String runningScala() {
    return scala.util.Properties$.MODULE$.versionNumberString();
  }

  /** Why this jar cannot run on the Spark and Scala of this JVM, or empty when they match its line. */
  public static Optional<String> mismatch() {
    return mismatch(runningSpark(), runningScala());
  }

  /** Why a jar of this line cannot run on the given Spark and Scala versions, or empty when it can. */
  public static Optional<String> mismatch(String spark, String scala) {
    if (minorOf(spark).equals(SparkLine.SPARK) && minorOf(scala).equals(SparkLine.SCALA)) return Optional.empty();
    return Optional.of("this jar (sparkprop_" + SparkLine.SCALA + ") is built for Spark " + SparkLine.SPARK
        + " / Scala " + SparkLine.SCALA + ", but the running Spark is " + spark + " on Scala " + scala + ": "
        + jarFor(spark));
  }

  /** Which of the built jars fits a Spark version. */
  private static String jarFor(String spark) {
    if (minorOf(spark).equals("3.5")) return "use the sparkprop_2.12 jar, built for Spark 3.5 / Scala 2.12";
    if (minorOf(spark).equals("4.2")) return "use the sparkprop_2.13 jar, built for Spark 4.2 / Scala 2.13";
    return "Sparkprop is built for Spark 3.5 (sparkprop_2.12) and Spark 4.2 (sparkprop_2.13) only";
  }

  /** {@code 3.5.9} to {@code 3.5}; a version without a second dot stays as it is. */
  static String minorOf(String version) {
    int first = version.indexOf('.');
    int second = first < 0 ? -1 : version.indexOf('.', first + 1);
    return second < 0 ? version : version.substring(0, second);
  }
}
