package org.sparkprop.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.app.TrainJob;
import org.sparkprop.app.WarmUp;
import org.sparkprop.train.RunStatus;
import org.sparkprop.train.StopRequest;
import org.sparkprop.train.TargetMetric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a network on Spark and write summary.json, metrics.jsonl and the model into the output directory.",
        "SIGTERM or SIGINT (Ctrl-C) stops it at the next round boundary: a checkpoint when checkpoint.dir is set,",
        "summary.json with status interrupted, the command that resumes it, exit code 143 or 130.",
        "A second signal exits at once."})
final class TrainCommand implements Callable<Integer> {
  /** Exit code of a run stopped by a cancelled Spark job group rather than a signal: as SIGTERM's. */
  static final int CANCELLED_EXIT = 143;

  @Spec
  CommandSpec command;

  @Option(names = "--config", description = "Job file (HOCON); keys and defaults are listed in conf/reference.conf.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one key (repeatable). Lists are comma-separated: --set model.hidden=256,128; "
          + "--set model.hidden= means no hidden layer.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--output", required = true, description = "Output directory (local path or Hadoop URI).")
  String output;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in checkpoint.dir, if its recipe is"
      + " this run's (configuration, data, partitions, kernel); a change is refused with a list of the changed keys.")
  boolean resume;

  @Option(names = "--resume-with-changes", description = "As --resume, but continue even if the recipe changed: the"
      + " changes are printed and recorded in summary.json, and the run no longer repeats an uninterrupted one bit for bit.")
  boolean resumeWithChanges;

  @Option(names = "--stop-at", paramLabel = "METRIC=VALUE",
      description = "End training at the first epoch whose evaluation (validation rows, else the test set) reaches"
          + " this: accuracy=0.85 (at or above), loss=0.3 or mse=0.1 (at or below). The run completes as usual."
          + " Sets train.stopAt.")
  String stopAt;

  @Option(names = "--verbose", description = "Spark's own logging at INFO instead of WARN.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    WarmUp.start(); // logging, OpenBLAS and Java2D start on another core while the configuration is read
    // Validate everything before Spark starts: a typo should cost milliseconds, not a cluster start.
    if (stopAt != null) {
      checkTarget(stopAt);
      overrides.add("train.stopAt=" + stopAt);
    }
    TrainConfig cfg = TrainConfig.load(config, overrides);
    WarmUp.awaitLogging(); // before the first log line and the verbose level: log4j configures on the warm-up thread
    if (verbose) Configurator.setRootLevel(Level.INFO);
    ResumePolicy policy = resumeWithChanges ? ResumePolicy.WITH_CHANGES : ResumePolicy.of(resume);
    StopRequest stop = new StopRequest();
    try (StopSignals signals = StopSignals.install(System.err, stop, "stopping at the next round boundary")) {
      ObjectNode summary = TrainJob.run(cfg, output, policy, System.out, stop);
      if (!RunStatus.INTERRUPTED.jsonName().equals(summary.path("status").asText())) return 0;
      System.out.println(ResumeLine.of(summary, cfg.checkpoint().enabled(), launcher(),
          command.commandLine().getParseResult().originalArgs()));
      return signals.exitCode() != 0 ? signals.exitCode() : CANCELLED_EXIT;
    }
  }

  /** Refuses a malformed --stop-at by the option's name, before it becomes train.stopAt. */
  private void checkTarget(String text) {
    try {
      TargetMetric.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), "--stop-at " + e.getMessage(), e);
    }
  }

  /** How the user started sparkprop, as the launch scripts tell it (-Dsparkprop.launcher); else "sparkprop". */
  private static String launcher() {
    String given = System.getProperty("sparkprop.launcher", "").trim();
    return given.isEmpty() ? "sparkprop" : given;
  }
}
