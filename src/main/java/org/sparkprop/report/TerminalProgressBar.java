package org.sparkprop.report;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * A progress bar per epoch on an interactive terminal (me.tongfei:progressbar): percentage,
 * rounds done of the epoch, elapsed time and ETA, with the current loss and samples per second
 * beside it, e.g. {@code epoch 3/40  53% │█████▎    │ 17/32 (0:00:01 / 0:00:00) loss 0.4123  2.1k samples/s};
 * when the epoch ends the bar is finished and the epoch's summary line printed below.
 * The library redraws the bar from its own thread every {@value #REDRAW_MILLIS} ms, so a fast
 * round loop pays only for a few field updates per round.
 */
public final class TerminalProgressBar implements ProgressDisplay {
  static final int REDRAW_MILLIS = 250;
  private final PrintStream out;
  private final ConsoleProgressBarConsumer consumer;
  private long roundsPerEpoch;
  private int epochs;
  private ProgressBar bar;        // null between epochs
  private long barStartNanos;
  private long barRows;
  private final String rowSource;

  /**
   * @param width the line width to draw in; 0 = the terminal's (read through JLine)
   */
  public TerminalProgressBar(PrintStream out, int width) {
    this(out, width, "");
  }

  /** @param rowSource where rounds read their rows, shown beside the rate; "" for nothing */
  public TerminalProgressBar(PrintStream out, int width, String rowSource) {
    this.rowSource = rowSource.isEmpty() ? "" : "  " + rowSource;
    this.out = out;
    this.consumer = width > 0 ? new ConsoleProgressBarConsumer(out, width) : new ConsoleProgressBarConsumer(out);
  }

  @Override
  public void onStart(GlobalBatches batches, TrainingOptions options, TrainingState start) {
    roundsPerEpoch = batches.batchesPerEpoch();
    epochs = options.epochLimit();
    out.printf(Locale.ROOT, "training on %,d rows: %d epochs x %,d rounds of global batch %,d%s%n", batches.rows(),
        epochs, roundsPerEpoch, batches.batchSize(),
        start.round() > 0 ? String.format(Locale.ROOT, " (resumed at round %,d)", start.round()) : "");
  }

  @Override
  public void onRound(RoundEvent e) {
    if (bar == null) open(e.epoch(), e.batch());
    barRows += e.rows();
    double seconds = (System.nanoTime() - barStartNanos) / 1e9;
    bar.stepTo(e.batch() + 1);
    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %s samples/s%s", e.loss(),
        compact(seconds > 0 ? barRows / seconds : 0), rowSource));
  }

  @Override
  public void onEpoch(EpochEvent e) {
    finishBar();
    out.println(PlainProgress.epochLine(e, epochs));
  }

  @Override
  public void onEnd(TrainingResult result) {
    finishBar();
  }

  @Override
  public synchronized void message(String line) {
    // One print call, so the redraw thread cannot slip between clearing the line and the text.
    out.print("\r" + " ".repeat(Math.max(0, consumer.getMaxRenderedLength() - 1)) + "\r" + line
        + System.lineSeparator());
    out.flush();
  }

  private void open(int epoch, long firstBatch) {
    barStartNanos = System.nanoTime();
    barRows = 0;
    // A resumed epoch starts part-way; the ETA then counts only rounds run in this process.
    bar = new ProgressBarBuilder()
        .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
        .setInitialMax(roundsPerEpoch)
        .startsFrom(firstBatch, Duration.ZERO)
        .setStyle(ProgressBarStyle.UNICODE_BLOCK)
        .setUpdateIntervalMillis(REDRAW_MILLIS)
        .setConsumer(consumer)
        .build();
  }

  /** 950, 12.3k, 4.56M: short enough to leave the bar room on an 80-column terminal. */
  static String compact(double rate) {
    if (rate < 1e4) return String.format(Locale.ROOT, "%.0f", rate);
    if (rate < 1e6) return String.format(Locale.ROOT, "%.1fk", rate / 1e3);
    return String.format(Locale.ROOT, "%.2fM", rate / 1e6);
  }

  private void finishBar() {
    if (bar != null) {
      bar.close(); // draws the final state and ends the line
      bar = null;
    }
  }
}
