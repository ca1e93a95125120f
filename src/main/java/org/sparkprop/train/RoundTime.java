package org.sparkprop.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the wall time of one round went, in nanoseconds, or the sum of it over several rounds:
 * putting the parameters where the workers read them (broadcast), the slowest worker's forward
 * and backward (compute), combining the workers' results (aggregate), the optimizer step on the
 * driver (update), and the rest of the round (other: scheduling, task launch, result transfer).
 * The five parts add up to the round's wall time.
 */
public record RoundTime(long broadcastNanos, long computeNanos, long aggregateNanos, long updateNanos,
                        long otherNanos) {
  /** The names of the parts, in order, as {@link #meanMillis} and {@code summary.json} write them. */
  public static final String[] PARTS = {"broadcast", "compute", "aggregate", "update", "other"};

  public static final RoundTime ZERO = new RoundTime(0, 0, 0, 0, 0);

  /**
   * Splits one round: {@code gradientNanos} is the wall time of getting the merged gradient from
   * the source, of which the source accounts for broadcast, compute and aggregate; what they leave
   * is other (never negative: a source measuring its parts on other clocks may overshoot).
   */
  static RoundTime of(GradientSource.RoundResult result, long gradientNanos, long updateNanos) {
    return of(result.broadcastNanos(), result.computeNanos(), result.aggregateNanos(), gradientNanos, updateNanos);
  }

  /** {@link #of(GradientSource.RoundResult, long, long)} for a local-step round. */
  static RoundTime of(GradientSource.LocalStepsResult result, long sourceNanos, long updateNanos) {
    return of(result.broadcastNanos(), result.computeNanos(), result.aggregateNanos(), sourceNanos, updateNanos);
  }

  private static RoundTime of(long broadcast, long compute, long aggregate, long sourceNanos, long updateNanos) {
    long other = Math.max(0, sourceNanos - broadcast - compute - aggregate);
    return new RoundTime(broadcast, compute, aggregate, updateNanos, other);
  }

  public long totalNanos() {
    return broadcastNanos + computeNanos + aggregateNanos + updateNanos + otherNanos;
  }

  public RoundTime plus(RoundTime o) {
    return new RoundTime(broadcastNanos + o.broadcastNanos, computeNanos + o.computeNanos,
        aggregateNanos + o.aggregateNanos, updateNanos + o.updateNanos, otherNanos + o.otherNanos);
  }

  /** This sum over {@code rounds} rounds as mean milliseconds per round, by part name in order (zeros for none). */
  public Map<String, Double> meanMillis(long rounds) {
    long[] nanos = {broadcastNanos, computeNanos, aggregateNanos, updateNanos, otherNanos};
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < PARTS.length; i++) out.put(PARTS[i], rounds == 0 ? 0.0 : nanos[i] / 1e6 / rounds);
    return out;
  }
}
