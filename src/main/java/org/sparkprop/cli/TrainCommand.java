package org.sparkprop.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.app.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a network on Spark and write summary.json, metrics.jsonl and the model into the output directory.")
final class TrainCommand implements Callable<Integer> {

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

  @Option(names = "--verbose", description = "Spark's own logging at INFO instead of WARN.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    // Validate everything before Spark starts: a typo should cost milliseconds, not a cluster start.
    TrainConfig cfg = TrainConfig.load(config, overrides);
    if (verbose) Configurator.setRootLevel(Level.INFO);
    ResumePolicy policy = resumeWithChanges ? ResumePolicy.WITH_CHANGES : ResumePolicy.of(resume);
    TrainJob.run(cfg, output, policy, System.out);
    return 0;
  }
}
