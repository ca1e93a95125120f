package org.sparkprop.bench.spark;

import org.sparkprop.bench.Samples;
import org.sparkprop.train.TrainingListener;

/** Collects each round's wall time and its split, as the trainer measures them. */
final class RoundRecorder implements TrainingListener {
  final Samples total = new Samples();
  final Samples broadcast = new Samples();
  final Samples compute = new Samples();
  final Samples aggregate = new Samples();
  final Samples update = new Samples();
  final Samples other = new Samples();

  @Override
  public void onRound(RoundEvent e) {
    total.add(e.time().totalNanos());
    broadcast.add(e.time().broadcastNanos());
    compute.add(e.time().computeNanos());
    aggregate.add(e.time().aggregateNanos());
    update.add(e.time().updateNanos());
    other.add(e.time().otherNanos());
  }

  java.util.Map<String, Object> splitMedianMs() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("broadcast", Bench.round(broadcast.medianMs(), 2));
    m.put("compute", Bench.round(compute.medianMs(), 2));
    m.put("aggregate", Bench.round(aggregate.medianMs(), 2));
    m.put("update", Bench.round(update.medianMs(), 2));
    m.put("other", Bench.round(other.medianMs(), 2));
    return m;
  }
}
