package org.sparkprop.cli;

import java.util.Optional;
import java.util.Properties;
import org.sparkprop.app.RunPhases;
import org.sparkprop.spark.SparkErrors;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.spark.compat.SparkLineCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sparkprop} command line: one subcommand per job. */
@Command(name = "sparkprop", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
    description = "Data-parallel synchronous SGD for feed-forward neural networks on Apache Spark.",
    subcommands = {TrainCommand.class, SweepCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class})
public final class Main {

  public static void main(String[] args) throws Exception {
    RunPhases.mainStarted();
    // Before anything else runs: a jar of the other Spark line would otherwise fail mid-job with a
    // linkage error instead of saying which jar to use.
    Optional<String> wrongLine = SparkLineCheck.mismatch();
    if (wrongLine.isPresent()) {
      System.err.println("sparkprop: error: " + wrongLine.get());
      System.exit(2);
    }
    if (!exitsByReturning(System.getProperties())) {
      int code = execute(args);
      markClassArchiveUsable(code);
      System.exit(code);
    }
    // Inside YARN's application master the final status is read from how main ends: returning is
    // SUCCEEDED, and any System.exit, even exit(0), is an early exit, so FAILED.
    int code = executeInterruptibly(args, "the YARN application master is stopping the driver (application killed)");
    if (code != 0) throw SparkLine.userAppExit(code);
  }

  /**
   * Leaves the file that {@code -Dsparkprop.cds.done} names when the command succeeded: local.sh
   * then knows that the class-data archive this JVM writes as it exits (-XX:ArchiveClassesAtExit)
   * holds the classes of a complete run, not of one that stopped at a typo, and uses only such an
   * archive. A failure to write it costs only that speed-up.
   */
  static void markClassArchiveUsable(int code) {
    String done = System.getProperty("sparkprop.cds.done", "");
    if (code != 0 || done.isEmpty()) return;
    // One archive serves every later run: a run that trained without Spark starts it once here, so
    // that Spark's classes are archived too for the runs that need it (seconds, once per build).
    if (!SparkSessions.running()) SparkWarmUp.startAndStop();
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of(done), "exit 0\n");
    } catch (java.io.IOException | RuntimeException e) {
      // no archive for the next runs: they load their classes from the jars, as without one
    }
  }

  /**
   * Runs a command line in a thread of its own while this thread waits, and takes an interrupt of
   * this thread as a stop request ({@link StopSignals#fromOutside}), as the first SIGTERM is:
   * YARN's application master interrupts the driver's thread when the application is killed, and
   * an interrupt landing in the middle of a Spark job or a checkpoint write would turn the graceful
   * stop into an error. The command's thread inherits this one's Spark properties and class loader.
   */
  static int executeInterruptibly(String[] args, String interruptMeans) {
    int[] code = {2};
    Throwable[] failure = {null};
    Thread command = new Thread(() -> {
      try {
        code[0] = execute(args);
      } catch (Throwable t) { // an Error past picocli's handler: rethrown in the waiting thread
        failure[0] = t;
      }
    }, "sparkprop-command");
    command.setContextClassLoader(Thread.currentThread().getContextClassLoader());
    command.start();
    while (command.isAlive()) {
      try {
        command.join();
      } catch (InterruptedException e) {
        StopSignals.fromOutside(interruptMeans);
      }
    }
    if (failure[0] instanceof Error error) throw error;
    if (failure[0] != null) throw new IllegalStateException(failure[0]);
    return code[0];
  }

  /**
   * Whether main runs as the driver of a YARN application in cluster deploy mode, a thread of
   * YARN's application master (which sets the Spark configuration as system properties): there,
   * main must return rather than exit the JVM.
   */
  static boolean exitsByReturning(Properties system) {
    return "cluster".equals(system.getProperty("spark.submit.deployMode"))
        && system.getProperty("spark.master", "").startsWith("yarn");
  }

  /** Runs a command line and returns its exit code (for tests and embedding). */
  public static int execute(String... args) {
    RunPhases.commandStarted();
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      // Expected failures (bad configuration, bad data, divergence) get one clear line, not a stack trace.
      // Spark wraps a task's exception in its own; the message shown is the task's.
      commandLine.getErr().println("sparkprop: error: " + SparkErrors.userMessage(ex));
      if (Boolean.getBoolean("sparkprop.debug")) ex.printStackTrace(commandLine.getErr());
      return 2;
    });
    return cli.execute(args);
  }
}
