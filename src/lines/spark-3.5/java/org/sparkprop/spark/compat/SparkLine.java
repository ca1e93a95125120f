package org.sparkprop.spark.compat;

import org.apache.spark.SparkUserAppException;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The Spark line this build is for, Spark 3.5 on Scala 2.12, and the few calls whose Scala API
 * differs between lines (Scala 2.12 has no {@code scala.jdk.javaapi.CollectionConverters}: its
 * converters are {@code scala.collection.JavaConverters}). Each line has its own copy of this class
 * in {@code src/lines/<line>/java}; the rest of the code is shared. Spark ML's params metadata is
 * written and read through a {@code SparkSession} on Spark 4 and a {@code SparkContext} on Spark 3.5.
 */
public final class SparkLine {
  /** The Spark minor version this build is compiled and tested against. */
  public static final String SPARK = "3.5";
  /** Its Scala binary version: the suffix of the artifact, {@code sparkprop_2.12}. */
  public static final String SCALA = "2.12";

  private SparkLine() {
  }

  /** A Scala iterator seen as a Java one (no copy). */
  public static <T> java.util.Iterator<T> asJava(scala.collection.Iterator<T> it) {
    return JavaConverters.asJavaIterator(it);
  }

  /** A Scala sequence seen as a Java list (no copy). */
  public static <T> java.util.List<T> asJava(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaList(seq);
  }

  /**
   * A Java list copied into a Scala immutable list, which is the {@code Seq} that Spark's methods
   * take on every line.
   */
  public static <T> scala.collection.immutable.List<T> asScala(java.util.List<T> list) {
    return JavaConverters.asScalaBuffer(list).toList();
  }

  /** Writes a Spark ML stage's params as Spark's own stages do ({@code metadata/} under {@code path}). */
  public static void saveMetadata(Params instance, String path, SparkSession spark) {
    DefaultParamsWriter.saveMetadata(instance, path, spark.sparkContext(), Option.empty(), Option.empty());
  }

  /** Reads what {@link #saveMetadata} wrote, checking that it belongs to {@code className}. */
  public static DefaultParamsReader.Metadata loadMetadata(String path, SparkSession spark, String className) {
    return DefaultParamsReader.loadMetadata(path, spark.sparkContext(), className);
  }

  /**
   * How a driver's {@code main} ends with a non-zero exit code where it runs inside YARN's
   * application master (cluster deploy mode): thrown, it makes the application FAILED with that
   * exit code, where {@code System.exit} would be reported as an early exit (code 16).
   */
  public static Exception userAppExit(int exitCode) {
    return new SparkUserAppException(exitCode);
  }
}
