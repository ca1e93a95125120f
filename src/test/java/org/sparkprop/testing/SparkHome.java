package org.sparkprop.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark installation folder made from the Maven-resolved Spark jars, no Spark download:
 * {@code jars/} holds links to every jar of Spark's runtime class path (the project's provided
 * scope, listed by the build in {@code spark-classpath.txt}) and {@code conf/} is empty. That is
 * all a standalone worker needs to launch executors, given {@code SPARK_SCALA_VERSION} (its
 * Scala binary version, e.g. 2.13) in its environment (without it Spark's launcher looks
 * for a source build and every executor fails with "Cannot find any build directories").
 */
public final class SparkHome {
  private static final Pattern SPARK_CORE = Pattern.compile("spark-core_(\\d+\\.\\d+)-([^/]+)\\.jar");
  private final Path dir;
  private final String scalaBinaryVersion; // e.g. 2.13, from the name of the spark-core jar
  private final String sparkVersion;       // e.g. 4.2.0

  private SparkHome(Path dir, String scalaBinaryVersion, String sparkVersion) {
    this.dir = dir;
    this.scalaBinaryVersion = scalaBinaryVersion;
    this.sparkVersion = sparkVersion;
  }

  /** Builds the folder under {@code dir} (created; must not hold another installation). */
  public static SparkHome create(Path dir) throws IOException {
    return create(dir, Path.of(System.getProperty("sparkprop.sparkClasspath", buildDir().resolve("spark-classpath.txt").toString())));
  }

  /**
   * Builds the folder from a Spark class path listing (a line's {@code spark-classpath.txt}): the
   * cross-line tests make one installation per Spark line.
   */
  public static SparkHome create(Path dir, Path listing) throws IOException {
    if (!Files.isRegularFile(listing)) {
      throw new IllegalStateException("no Spark class path listing at " + listing
          + ": it is written by the build; run `mvn verify` (or `mvn process-test-classes`) first");
    }
    Path jars = Files.createDirectories(dir.resolve("jars"));
    Files.createDirectories(dir.resolve("conf"));
    String scala = null;
    String spark = null;
    for (String entry : Files.readString(listing).trim().split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry);
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, jar);
      Matcher core = SPARK_CORE.matcher(jar.getFileName().toString());
      if (core.matches()) {
        scala = core.group(1);
        spark = core.group(2);
      }
    }
    if (scala == null) throw new IllegalStateException("no spark-core jar in the Spark class path listing " + listing);
    return new SparkHome(dir, scala, spark);
  }

  /** The Spark version of this installation, e.g. {@code 4.2.0}. */
  public String sparkVersion() {
    return sparkVersion;
  }

  public Path dir() {
    return dir;
  }

  /** The class path Spark's scripts would give a daemon or a driver: conf/ then every jar. */
  public String classpath() {
    return dir.resolve("conf") + "/" + java.io.File.pathSeparator + dir.resolve("jars") + "/*";
  }

  /**
   * A JVM running {@code mainClass} with Spark's class path (plus {@code extraClasspath}), the Java 17
   * module options, and an environment that binds Spark to loopback and finds this installation.
   */
  public ProcessBuilder java(String heap, List<String> jvmArgs, List<String> extraClasspath, String mainClass,
                             List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.addAll(jvmOptions());
    cmd.addAll(jvmArgs);
    List<String> cp = new ArrayList<>(List.of(classpath()));
    cp.addAll(extraClasspath);
    cmd.add("-cp");
    cmd.add(String.join(java.io.File.pathSeparator, cp));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", dir.toString());
    env.put("SPARK_SCALA_VERSION", scalaBinaryVersion);
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.remove("SPARK_CONF_DIR");
    env.remove("HADOOP_CONF_DIR");
    return pb;
  }

  /** The project's build directory (target/ unless the build was told otherwise). */
  public static Path buildDir() {
    return Path.of(System.getProperty("sparkprop.buildDir", "target")).toAbsolutePath();
  }

  /** The application jar spark-submit ships to executors: the shaded "cluster" jar of the build. */
  public static Path applicationJar() {
    String configured = System.getProperty("sparkprop.clusterJar");
    Path jar;
    if (configured != null) {
      jar = Path.of(configured);
    } else {
      try (var files = Files.list(buildDir())) {
        jar = files.filter(p -> p.getFileName().toString().endsWith("-cluster.jar")).findFirst().orElse(buildDir().resolve("sparkprop-cluster.jar"));
      } catch (IOException e) {
        jar = buildDir().resolve("sparkprop-cluster.jar");
      }
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no application jar at " + jar + ": the cluster tier runs after `mvn package`;"
          + " run it with `mvn verify`");
    }
    return jar;
  }

  /**
   * The module options Spark gives its own executors on Java 17, which a JVM started as plain
   * {@code java ... SparkSubmit} lacks: from the build (property sparkprop.jvmOptions), or read
   * from pom.xml when a test runs outside Maven.
   */
  public static List<String> jvmOptions() {
    String options = System.getProperty("sparkprop.jvmOptions");
    if (options == null) {
      try {
        Matcher m = Pattern.compile("<sparkprop.jvmOptions>([^<$]+)</sparkprop.jvmOptions>").matcher(Files.readString(Path.of("pom.xml")));
        if (!m.find()) throw new IllegalStateException("pom.xml defines no sparkprop.jvmOptions");
        options = m.group(1);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the JVM options from pom.xml", e);
      }
    }
    return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }
}
