package org.sparkprop.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.sparkprop.app.SweepJob;
import org.sparkprop.config.SweepPlan;
import org.sparkprop.train.StopRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Train a grid of configurations in one Spark application and write index.html (a table of the cells",
        "and, for 2-D data, their decision boundaries laid out as the grid), sweep.json, and cells/cell-NN/ with what",
        "train writes for each cell. Cells that read the same data share one cached copy; each cell gives the bits a",
        "train run of its configuration gives. Example:",
        "  sweep --config conf/spiral.conf --grid model.hidden=4;8;16;4,4 --grid data.playground.extraFeatures=;x1sq,x2sq"
            + " --output out/sweep",
        "Several figures on one page: --figure TITLE before each figure's --grid options. Arguments can come from a",
        "file: sweep @conf/course.sweep --output out/course (one argument or option per line, # for comments).",
        "SIGTERM or SIGINT stops the running cells at their next round boundary and skips the rest."})
final class SweepCommand implements Callable<Integer> {
  @Option(names = "--config", description = "Job file (HOCON) every cell starts from; keys and defaults are in conf/reference.conf.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key for every cell (repeatable), as for train.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--figure", paramLabel = "TITLE",
      description = "Start a figure with this title; the --grid options after it, up to the next --figure, are its"
          + " axes. Several figures train in one application and share one page, each in its own section, as a"
          + " course sets its figures one after another.")
  List<String> figures = new ArrayList<>();

  @Option(names = "--grid", required = true, paramLabel = "KEY=V1;V2;...",
      description = "One axis of the grid: a key and its values separated by ';' (repeatable; quote it in a shell)."
          + " A list value is comma-separated (model.hidden=4;8,8) and an empty value is the empty list or string"
          + " (data.playground.extraFeatures=;x1sq,x2sq). The first axis gives the rows of the picture grid, the others"
          + " its columns.")
  List<String> grid = new ArrayList<>();

  @Spec
  CommandSpec spec;

  @Option(names = "--output", required = true, description = "Output directory (local path or Hadoop URI).")
  String output;

  @Option(names = "--parallel", defaultValue = "0", paramLabel = "N",
      description = "Cells trained at the same time; 0 (default) = as many as the cluster has room for: one per"
          + " driver core for cells whose rounds run on the driver, cores / partitions for those run as Spark jobs.")
  int parallel;

  @Option(names = "--verbose", description = "Spark's own logging at INFO instead of WARN.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    // Every cell is validated before Spark starts: a typo in one value should not cost a cluster start.
    SweepPlan plan = SweepPlan.load(config, overrides, figureArgs(spec.commandLine().getParseResult().expandedArgs()));
    if (verbose) Configurator.setRootLevel(Level.INFO);
    StopRequest stop = new StopRequest();
    try (StopSignals signals = StopSignals.install(System.err, stop, "stopping the running cells at their next round boundary")) {
      SweepJob.run(plan, output, parallel, System.out, stop);
      return signals.exitCode();
    }
  }

  /**
   * The figures in the order of the command line (after {@code @file} expansion): picocli collects
   * each option's values apart, and which {@code --grid} follows which {@code --figure} is in that order.
   */
  private List<SweepPlan.FigureArgs> figureArgs(List<String> args) {
    List<SweepPlan.FigureArgs> result = new ArrayList<>();
    String title = null;
    List<String> axes = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String value = a.startsWith("--figure=") || a.startsWith("--grid=") ? a.substring(a.indexOf('=') + 1)
          : (a.equals("--figure") || a.equals("--grid")) && i + 1 < args.size() ? args.get(++i) : null;
      if (value == null) continue;
      if (a.startsWith("--figure")) {
        if (!axes.isEmpty() || title != null) result.add(new SweepPlan.FigureArgs(title, axes));
        title = value;
        axes = new ArrayList<>();
      } else {
        axes.add(value);
      }
    }
    result.add(new SweepPlan.FigureArgs(title, axes));
    List<String> titles = result.stream().map(SweepPlan.FigureArgs::title).filter(t -> t != null).toList();
    List<String> grids = result.stream().flatMap(f -> f.grid().stream()).toList();
    if (!grids.equals(grid) || !titles.equals(figures)) {
      // Only an option value that reads as --grid or --figure (e.g. --set --grid) could make them differ.
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "could not tell which --grid belongs to which --figure; give them as --figure=TITLE and --grid=KEY=V1;V2;...");
    }
    return result;
  }
}
