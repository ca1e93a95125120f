package org.sparkprop.report;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingState;

/**
 * After the first rounds, says whether the global batch keeps the executors busy: the measured
 * median compute time per round against the fixed cost of a round (broadcast, scheduling,
 * aggregation, update), and the batch size at which compute would be 80% of a round. Measured
 * rather than guessed, because the fixed cost differs by an order of magnitude between local mode
 * and a cluster. Where the fixed cost dominates it also names the {@code train.localSteps} that
 * pays it once per that many batches at the same batch size (local SGD: fewer rounds instead of
 * bigger ones, for when a bigger batch would hurt convergence or not fit).
 */
public final class BatchSizeAdvisor implements TrainingListener {
  private static final int SAMPLE_ROUNDS = 12;
  private final Consumer<String> out;
  private final long[] compute = new long[SAMPLE_ROUNDS];
  private final long[] fixed = new long[SAMPLE_ROUNDS];
  private int seen;
  private int batchSize;
  private int localSteps = 1;
  private boolean done;

  public BatchSizeAdvisor(PrintStream out) {
    this(out::println);
  }

  /** Advice goes to {@code lines}, e.g. {@link ProgressDisplay#message} so it does not break a progress bar. */
  public BatchSizeAdvisor(Consumer<String> lines) {
    this.out = lines;
  }

  @Override
  public void onStart(GlobalBatches batches, TrainingOptions options, TrainingState start) {
    batchSize = batches.batchSize();
    localSteps = options == null ? 1 : options.localSteps();
  }

  @Override
  public void onRound(RoundEvent e) {
    if (done) return;
    // The first two rounds include JIT warm-up and first broadcasts: not representative.
    if (e.round() <= 2) return;
    compute[seen] = e.time().computeNanos();
    fixed[seen] = e.time().totalNanos() - e.time().computeNanos();
    if (++seen == SAMPLE_ROUNDS) advise();
  }

  @Override
  public void onEnd(org.sparkprop.train.TrainingResult result) {
    if (!done && seen >= 3) advise();
  }

  private void advise() {
    done = true;
    double c = median(compute, seen) / 1e6;
    double f = median(fixed, seen) / 1e6;
    double busy = c / (c + f);
    // compute scales with the batch and with the steps of a round: busy 80% needs compute = 4 x fixed.
    long suggested = c > 0 ? Math.round(batchSize * 4 * f / c) : 0;
    long steps = c > 0 ? Math.max(2, (long) Math.ceil(localSteps * 4 * f / c)) : 0;
    String verdict = busy >= 0.7 ? "the executors are busy"
        : String.format(Locale.ROOT, "the fixed cost dominates; a global batch of about %,d would make compute 80%% of a "
            + "round, or train.localSteps = %d at this batch (each partition steps on its own rows between two "
            + "averagings: fewer rounds, noisier steps)", suggested, steps);
    out.accept(String.format(Locale.ROOT, "round time: compute %.1f ms, fixed cost %.1f ms (compute %.0f%%): %s", c, f,
        busy * 100, verdict));
  }

  private static double median(long[] values, int n) {
    long[] copy = Arrays.copyOf(values, n);
    Arrays.sort(copy);
    return copy[n / 2];
  }
}
