package org.sparkprop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import org.sparkprop.math.Kernels;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code sparkprop --version}: Sparkprop's version and the commit it was built from, and what it
 * runs with here: Spark, Scala, Java and the BLAS kernel (all of which can change a run's bits or
 * speed, so a bug report should name them).
 */
final class VersionInfo implements IVersionProvider {
  static final String BUILD_PROPERTIES = "build.properties";

  @Override
  public String[] getVersion() throws IOException {
    Properties build = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream(BUILD_PROPERTIES)) {
      if (in != null) build.load(in);
    }
    return new String[] {
        String.format(Locale.ROOT, "sparkprop %s (commit %s)", build.getProperty("version", "unknown"),
            build.getProperty("commit", "unknown")),
        String.format(Locale.ROOT, "Spark %s, Scala %s, Java %s (%s)", org.apache.spark.package$.MODULE$.SPARK_VERSION(),
            scala.util.Properties.versionNumberString(), System.getProperty("java.version"),
            System.getProperty("java.vm.name")),
        "BLAS: " + Kernels.description()};
  }
}
