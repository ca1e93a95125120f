package org.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line in process: configuration problems are reported before Spark starts, with
 * exit code 2 and one line per problem, and the help lists every option.
 */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream realOut;
  private PrintStream realErr;

  @TempDir
  Path tmp;

  @BeforeEach
  void capture() {
    realOut = System.out;
    realErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(realOut);
    System.setErr(realErr);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMistypedKeyFailsBeforeSparkStartsWithASuggestion() {
    int code = Main.execute("train", "--config", "conf/spiral.conf", "--set", "train.batchSiz=32",
        "--output", tmp.resolve("out").toString());
    assertEquals(2, code);
    assertTrue(err().contains("unknown key 'train.batchSiz' in --set train.batchSiz=32; did you mean 'train.batchSize'?"), err());
    assertTrue(SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty(),
        "no Spark context may be started for a bad configuration");
    assertFalse(Files.exists(tmp.resolve("out")), "nothing is written for a bad configuration");
  }

  @Test
  void aBadValueNamesKeyValueAndRangeAndEveryProblemIsListed() throws Exception {
    Path job = tmp.resolve("job.conf");
    Files.writeString(job, "train {\n  learningRate = -0.1\n  epochs = -1\n}\nmodel.activation = relux\n");
    int code = Main.execute("train", "--config", job.toString(), "--output", tmp.resolve("out").toString());
    assertEquals(2, code);
    String e = err();
    assertTrue(e.contains("train.learningRate"), e);
    assertTrue(e.contains("-0.1"), e);
    assertTrue(e.contains("train.epochs"), e);
    assertTrue(e.contains("relux") && e.contains("relu"), e);
    assertTrue(e.contains(job.toString()), "the file is named: " + e);
    assertTrue(SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty());
  }

  @Test
  void aSweepsFiguresComeFromAnArgumentFileAndAreCheckedBeforeSparkStarts() throws Exception {
    // picocli's @file: one argument per line, quotes and # comments; --figure starts a new figure.
    Path args = tmp.resolve("two.sweep");
    Files.writeString(args, "# two figures\n--config conf/course.conf\n--figure \"width\"\n--grid \"model.hidden=2;4\"\n"
        + "--grid train.epochs=1;2\n--figure \"depth\"\n--grid \"model.hidden=8;0\"\n--grid=train.epochs=1;2\n");
    int code = Main.execute("sweep", "@" + args, "--output", tmp.resolve("out").toString());
    assertEquals(2, code, err());
    // Each figure has its own two axes: nothing reads as a key given twice.
    assertTrue(err().contains("figure 'depth': grid cell model.hidden=0 train.epochs=1: model.hidden"), err());
    assertFalse(err().contains("already an axis"), err());
    assertFalse(err().contains("figure 'width'"), "the first figure is valid: " + err());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing is written before every cell is valid");
  }

  @Test
  void aMissingJobFileIsNamed() {
    int code = Main.execute("train", "--config", tmp.resolve("nope.conf").toString(), "--output", tmp.toString());
    assertEquals(2, code);
    assertTrue(err().contains("nope.conf"), err());
  }

  @Test
  void trainHelpListsEveryOption() {
    assertEquals(0, Main.execute("train", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option : new String[] {"--config", "--set", "--output", "--resume", "--verbose"}) {
      assertTrue(help.contains(option), option + " missing from:\n" + help);
    }
  }

  @Test
  void withoutOutputTheUsageErrorSaysWhatIsMissing() {
    int code = Main.execute("train", "--config", "conf/spiral.conf");
    assertEquals(2, code);
    assertTrue(err().contains("--output"), err());
  }

  @Test
  void versionNamesTheBuildAndWhatItRunsWith() throws Exception {
    assertEquals(0, Main.execute("--version"));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\\R");
    java.util.Properties pom = new java.util.Properties();
    try (var in = MainTest.class.getResourceAsStream("/org/sparkprop/cli/" + VersionInfo.BUILD_PROPERTIES)) {
      pom.load(in);
    }
    assertFalse(pom.getProperty("version").contains("${"), "the version is filled in by the build");
    assertTrue(lines[0].startsWith("sparkprop " + pom.getProperty("version") + " (commit "), lines[0]);
    assertTrue(lines[1].startsWith("Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Scala "
        + scala.util.Properties.versionNumberString() + ", Java " + System.getProperty("java.version")), lines[1]);
    assertEquals("BLAS: " + org.sparkprop.math.Kernels.description(), lines[2]);
  }

  @Test
  void theResumeCommandIsTheSameCommandLineWithResumeQuotedForTheShell() {
    assertEquals("submit-scripts/local.sh --spark 3.5 train --config conf/spiral.conf --set model.hidden= --set"
        + " 'data.train=/data/my file.csv' --set 'spark.master=local[2]' --output out/x --resume",
        ResumeLine.command("submit-scripts/local.sh --spark 3.5",
        java.util.List.of("train", "--config", "conf/spiral.conf", "--set", "model.hidden=", "--set",
            "data.train=/data/my file.csv", "--set", "spark.master=local[2]", "--output", "out/x")));
    assertEquals("sparkprop train --resume --output o", ResumeLine.command("sparkprop",
        java.util.List.of("train", "--resume", "--output", "o")));
    assertEquals("'it'\\''s'", ResumeLine.quote("it's"));
  }

  @Test
  void onlyAYarnClusterModeDriverEndsMainByReturningAndItsFailureCarriesTheExitCode() {
    // YARN's application master runs main in a thread and takes any System.exit, exit(0) included,
    // for an early exit (application FAILED); everywhere else the exit code must reach the shell.
    assertTrue(Main.exitsByReturning(properties("yarn", "cluster")));
    assertFalse(Main.exitsByReturning(properties("yarn", "client")));
    assertFalse(Main.exitsByReturning(properties("spark://127.0.0.1:7077", "cluster")));
    assertFalse(Main.exitsByReturning(properties("local[2]", null)));
    assertFalse(Main.exitsByReturning(new java.util.Properties()));
    Exception e = org.sparkprop.spark.compat.SparkLine.userAppExit(143);
    assertEquals(143, ((org.apache.spark.SparkUserAppException) e).exitCode(), "the application master reports this code");
  }

  private static java.util.Properties properties(String master, String deployMode) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("spark.master", master);
    if (deployMode != null) p.setProperty("spark.submit.deployMode", deployMode);
    return p;
  }
}
