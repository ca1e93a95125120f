package org.sparkprop.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingState;

/**
 * Progress as plain lines, for logs that are not a terminal: a line every N rounds (rounds done of
 * the epoch, samples per second, current loss, time left in the epoch) and one summary line per
 * epoch.
 */
public final class PlainProgress implements ProgressDisplay {
  private final PrintStream out;
  private final int everyRounds;
  private long roundsPerEpoch;
  private int epochs;
  private long epochStartNanos;
  private long epochRows;
  private long epochRounds;

  private final String rowSource; // "" or "  rows from ...", appended to every round's line

  public PlainProgress(PrintStream out, int everyRounds) {
    this(out, everyRounds, "");
  }

  /** @param rowSource where rounds read their rows, e.g. "rows from local disk, 0.5 MiB/round"; "" for nothing */
  public PlainProgress(PrintStream out, int everyRounds, String rowSource) {
    this.out = out;
    this.everyRounds = Math.max(1, everyRounds);
    this.rowSource = rowSource.isEmpty() ? "" : "  " + rowSource;
  }

  @Override
  public void onStart(GlobalBatches batches, TrainingOptions options, TrainingState start) {
    roundsPerEpoch = batches.batchesPerEpoch();
    epochs = options.epochLimit();
    epochStartNanos = System.nanoTime();
    out.printf(Locale.ROOT, "training on %,d rows: %d epochs x %,d rounds of global batch %,d%s%n", batches.rows(),
        epochs, roundsPerEpoch, batches.batchSize(),
        start.round() > 0 ? String.format(Locale.ROOT, " (resumed at round %,d)", start.round()) : "");
  }

  @Override
  public void onRound(RoundEvent e) {
    epochRows += e.rows();
    epochRounds++;
    if (e.round() % everyRounds != 0) return;
    double seconds = (System.nanoTime() - epochStartNanos) / 1e9;
    double rate = seconds > 0 ? epochRows / seconds : 0;
    long left = roundsPerEpoch - (e.batch() + 1);
    double eta = epochRounds > 0 ? seconds / epochRounds * left : 0;
    out.printf(Locale.ROOT, "  epoch %d/%d  round %,d/%,d  loss %.4f  %,.0f samples/s  %.1f ms/round  ETA %s%s%n",
        e.epoch() + 1, epochs, e.batch() + 1, roundsPerEpoch, e.loss(), rate, e.time().totalNanos() / 1e6, duration(eta),
        rowSource);
  }

  @Override
  public void onEpoch(EpochEvent e) {
    out.println(epochLine(e, epochs));
    epochStartNanos = System.nanoTime();
    epochRows = 0;
    epochRounds = 0;
  }

  @Override
  public void message(String line) {
    out.println(line);
  }

  /** The one line printed per epoch: training loss, evaluation metrics, seconds. */
  static String epochLine(EpochEvent e, int epochs) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f", e.epoch() + 1,
        epochs, e.trainLoss()));
    if (e.validation() != null) {
      for (Map.Entry<String, Double> m : e.validation().entrySet()) {
        sb.append(String.format(Locale.ROOT, "  eval %s %.4f", m.getKey(), m.getValue()));
      }
    }
    sb.append(String.format(Locale.ROOT, "  (%.1f s)", e.seconds()));
    return sb.toString();
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
