package org.sparkprop.report;

import java.io.PrintStream;
import org.sparkprop.train.TrainingListener;

/**
 * The driver's live view of a run: progress within each epoch and one summary line per epoch.
 * Other listeners print through {@link #message} so their lines do not collide with a progress
 * bar being redrawn on the same line.
 */
public interface ProgressDisplay extends TrainingListener {

  /** Prints one line of text for the user between progress updates. */
  void message(String line);

  /**
   * A progress bar when {@code out} is the standard output of an interactive terminal, else
   * plain lines every {@code everyRounds} rounds (CI logs, files, tests). The system property
   * {@code sparkprop.progress=plain} forces plain lines.
   */
  static ProgressDisplay forConsole(PrintStream out, int everyRounds) {
    return forConsole(out, everyRounds, "");
  }

  /**
   * As above, every round's line also saying where the round's rows came from, e.g.
   * {@code rows from local disk, 0.5 MiB/round} (empty for nothing).
   */
  static ProgressDisplay forConsole(PrintStream out, int everyRounds, String rowSource) {
    boolean terminal = out == System.out && System.console() != null
        && !"dumb".equals(System.getenv("TERM"))
        && !"plain".equalsIgnoreCase(System.getProperty("sparkprop.progress", ""));
    return terminal ? new TerminalProgressBar(out, 0, rowSource) : new PlainProgress(out, everyRounds, rowSource);
  }
}
