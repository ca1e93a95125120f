package org.sparkprop.spark.compat;

import org.apache.spark.SparkUserAppException;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark line this build is for, Spark 4.2 on Scala 2.13, and the few calls whose Scala API
 * differs between lines (collection converters; {@code Seq} is {@code scala.collection.immutable.Seq}
 * in Scala 2.13 and {@code scala.collection.Seq} in 2.12). Each line has its own copy of this class
 * in {@code src/lines/<line>/java}; the rest of the code is shared. Spark ML's params metadata is
 * written and read through a {@code SparkSession} on Spark 4 and a {@code SparkContext} on Spark 3.5.
 */
public final class SparkLine {
  /** The Spark minor version this build is compiled and tested against. */
  public static final String SPARK = "4.2";
  /** Its Scala binary version: the suffix of the artifact, {@code sparkprop_2.13}. */
  public static final String SCALA = "2.13";

  private SparkLine() {
  }

  /** A Scala iterator seen as a Java one (no copy). */
  public static <T> java.util.Iterator<T> asJava(scala.collection.Iterator<T> it) {
    return CollectionConverters.asJava(it);
  }

  /** A Scala sequence seen as a Java list (no copy). */
  public static <T> java.util.List<T> asJava(scala.collection.Seq<T> seq) {
    return CollectionConverters.asJava(seq);
  }

  /**
   * A Java list copied into a Scala immutable list, which is the {@code Seq} that Spark's methods
   * take on every line.
   */
  public static <T> scala.collection.immutable.List<T> asScala(java.util.List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  /** Writes a Spark ML stage's params as Spark's own stages do ({@code metadata/} under {@code path}). */
  public static void saveMetadata(Params instance, String path, SparkSession spark) {
    DefaultParamsWriter.saveMetadata(instance, path, spark);
  }

  /** Reads what {@link #saveMetadata} wrote, checking that it belongs to {@code className}. */
  public static DefaultParamsReader.Metadata loadMetadata(String path, SparkSession spark, String className) {
    return DefaultParamsReader.loadMetadata(path, spark, className);
  }

  /**
   * How a driver's {@code main} ends with a non-zero exit code where it runs inside YARN's
   * application master (cluster deploy mode): thrown, it makes the application FAILED with that
   * exit code, where {@code System.exit} would be reported as an early exit (code 16).
   */
  public static Exception userAppExit(int exitCode) {
    return new SparkUserAppException(exitCode, null);
  }
}
