package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sparkprop.spark.compat.SparkLine;

/**
 * The Python package's test suite (python/tests, pytest) on the wheel that {@code package} built:
 * {@code python/build.sh test} installs it into the virtual environment under the build directory
 * (made once with the supported PySpark from PyPI, then reused) and runs pytest against a real
 * local-mode Spark. Skipped, with the reason, where Python 3.11+ with its venv module is missing
 * ({@code .ci/run} installs it), and on Spark lines other than 4.2. The full pytest output is in
 * {@code <build dir>/python/pytest.log}.
 */
class PythonApiIT {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path BUILD_DIR = Path.of(System.getProperty("sparkprop.buildDir", ROOT.resolve("target").toString()));
  /** pytest's closing line, e.g. "40 passed in 105.90s (0:01:45)" (framed by '=' without -q). */
  private static final Pattern SUMMARY = Pattern.compile(
      "^[= ]*(\\d+ (?:passed|failed|errors?|skipped|deselected)(?:, \\d+ \\w+)*) in [0-9.]+s", Pattern.MULTILINE);

  private static boolean pythonWithVenv() throws Exception {
    try {
      Process p = new ProcessBuilder("python3", "-c",
          "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))").redirectErrorStream(true).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void thePytestSuitePassesOnTheBuiltWheel() throws Exception {
    assumeTrue(SparkLine.SPARK.equals("4.2"), "the Python package is for PySpark 4.2; this is the Spark "
        + SparkLine.SPARK + " line");
    assumeTrue(pythonWithVenv(), "no python3 >= 3.11 with the venv module on this machine: the Python tests are skipped");
    try (Stream<Path> wheels = Files.list(BUILD_DIR.resolve("python"))) {
      List<Path> found = wheels.filter(p -> p.getFileName().toString().matches("sparkprop-.*-py3-none-any\\.whl")).toList();
      assertEquals(1, found.size(), "one wheel built by `mvn package` in " + BUILD_DIR.resolve("python") + ": " + found);
    }
    Path log = BUILD_DIR.resolve("python/pytest.log");
    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("python/build.sh").toString(), "test", "-q", "--durations=8")
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("SPARKPROP_BUILD_DIR", BUILD_DIR.toString());
    Process p = pb.start();
    try {
      // The first run downloads PySpark (~450 MB) into the virtual environment; later runs reuse it.
      if (!p.waitFor(30, TimeUnit.MINUTES)) fail("python/build.sh test did not finish within 30 minutes; see " + log);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    Matcher summary = SUMMARY.matcher(out);
    String last = null;
    while (summary.find()) last = summary.group(1);
    System.out.println("pytest: " + last);
    assertEquals(0, p.exitValue(), "pytest failed (" + last + "); see " + log + ":\n" + tail(out));
    assertTrue(last != null && last.contains("passed") && !last.contains("failed") && !last.contains("error"),
        "pytest ran no test or reported failures: " + last);
  }

  private static String tail(String s) {
    return s.length() > 8000 ? "..." + s.substring(s.length() - 8000) : s;
  }
}
