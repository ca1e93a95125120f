package org.sparkprop.cli;

import java.util.Optional;
import org.sparkprop.spark.SparkErrors;
import org.sparkprop.spark.compat.SparkLineCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sparkprop} command line: one subcommand per job. */
@Command(name = "sparkprop", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
    description = "Data-parallel synchronous SGD for feed-forward neural networks on Apache Spark.",
    subcommands = {TrainCommand.class, SweepCommand.class, EvaluateCommand.class, PredictCommand.class})
public final class Main {

  public static void main(String[] args) {
    // Before anything else runs: a jar of the other Spark line would otherwise fail mid-job with a
    // linkage error instead of saying which jar to use.
    Optional<String> wrongLine = SparkLineCheck.mismatch();
    if (wrongLine.isPresent()) {
      System.err.println("sparkprop: error: " + wrongLine.get());
      System.exit(2);
    }
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (for tests and embedding). */
  public static int execute(String... args) {
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
