package org.sparkprop.spark.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Optional;
import java.util.Properties;

/**
 * Compares the Spark and Scala a driver runs on with the line this jar was built for. A jar of the
 * other line would fail later, half-way through a job, with a linkage error (e.g. Scala 2.12 has no
 * {@code scala.jdk.javaapi.CollectionConverters}); the check lets the driver refuse at start with a
 * message that names both versions and the jar to use instead. It reads the version files that
 * Spark's and Scala's own version objects read ({@code spark-version-info.properties}, the Scala
 * library jar's {@code library.properties}) rather than those objects: loading them starts the Scala
 * runtime (~1-2 s of class loading), which a {@code train} run without Spark never needs otherwise.
 * Only when a file is missing does it ask the objects ({@code org.apache.spark.package$},
 * {@code scala.util.Properties$}), which every line has.
 */
public final class SparkLineCheck {
  private SparkLineCheck() {
  }

  /** The running Spark's version, e.g. {@code 3.5.9}. */
  public static String runningSpark() {
    ClassLoader loader = SparkLineCheck.class.getClassLoader();
    String version = versionIn(loader.getResource("spark-version-info.properties"), "version");
    return version != null ? version : org.apache.spark.package$.MODULE$.SPARK_VERSION();
  }

  /** The running Scala library's version, e.g. {@code 2.12.18}. */
  public static String runningScala() {
    // The library.properties of the jar that holds scala.Option, as scala.util.Properties picks it:
    // another jar on the class path may have a file of that name.
    URL option = SparkLineCheck.class.getClassLoader().getResource("scala/Option.class");
    String version = null;
    if (option != null && option.toString().endsWith("!/scala/Option.class")) {
      String jar = option.toString();
      try {
        version = versionIn(new URL(jar.substring(0, jar.length() - "scala/Option.class".length()) + "library.properties"),
            "version.number");
      } catch (java.net.MalformedURLException e) {
        version = null;
      }
    }
    return version != null ? version : scala.util.Properties$.MODULE$.versionNumberString();
  }

  /** The value of {@code key} in the properties file at {@code url}, or null when there is none. */
  private static String versionIn(URL url, String key) {
    if (url == null) return null;
    Properties p = new Properties();
    try (InputStream in = url.openStream()) {
      p.load(in);
    } catch (IOException e) {
      return null;
    }
    String value = p.getProperty(key);
    return value == null || value.isBlank() ? null : value.trim();
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
