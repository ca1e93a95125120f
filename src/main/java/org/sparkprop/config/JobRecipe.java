package org.sparkprop.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.sparkprop.optim.ScheduleKind;

/**
 * What decides the bits of a run, as one text value per key: every configuration key except
 * those that only say where to write, what to log, where to run or how long to go, plus the facts
 * that the data and the cluster decided (rows, features, partitions, kernel, preprocessing).
 * Checkpoints store it; resuming compares the checkpoint's with the run's and lists each change.
 *
 * <p>How long to go ({@code train.epochs}, {@code train.maxRounds}) belongs to the recipe only
 * when the schedule depends on it ({@code train.lrSchedule = cosine} spans the whole run):
 * otherwise a resumed run with more epochs follows the same steps, only further.
 */
public final class JobRecipe {

  /** Keys that never change a weight: outputs, logging, where Spark runs and how it caches. */
  private static final Set<String> NOT_RECIPE = Set.of("checkpoint.dir", "checkpoint.everyRounds", "checkpoint.keep",
      "train.logEveryRounds", "spark.master", "spark.storageLevel", "spark.conf", "data.test", "data.testLabels",
      // Rounds on the driver or as Spark jobs give the same bits (InProcessGradientSource).
      "train.execution");

  /** The run's length: part of the recipe only for a schedule that spans the whole run. */
  private static final Set<String> LENGTH = Set.of("train.epochs", "train.maxEpochs", "train.maxRounds", "train.stopAt");

  /**
   * Keys recorded only away from their default, by key: their default is what every checkpoint made
   * before the key existed computed with, so those stay resumable without a change.
   */
  private static final Map<String, String> RECORDED_UNLESS = Map.of("math.precision", TrainConfig.renderValue("fp32"));

  private final SortedMap<String, String> entries;

  private JobRecipe(SortedMap<String, String> entries) {
    this.entries = Collections.unmodifiableSortedMap(entries);
  }

  /**
   * The recipe of a run.
   *
   * @param facts what the data and the cluster decided, by name (e.g. {@code data.trainRows});
   *              a fact named like a key replaces the key's value (e.g. {@code spark.partitions},
   *              the count actually used rather than the 0 that asked for a derived one)
   */
  public static JobRecipe of(TrainConfig cfg, Map<String, ?> facts) {
    SortedMap<String, String> e = new TreeMap<>();
    boolean lengthMatters = cfg.train().lrSchedule() == ScheduleKind.COSINE;
    for (Map.Entry<String, Object> k : cfg.resolved().entrySet()) {
      if (NOT_RECIPE.contains(k.getKey()) || (!lengthMatters && LENGTH.contains(k.getKey()))) continue;
      String value = TrainConfig.renderValue(k.getValue());
      if (value.equals(RECORDED_UNLESS.get(k.getKey()))) continue;
      e.put(k.getKey(), value);
    }
    for (Map.Entry<String, ?> f : facts.entrySet()) e.put(f.getKey(), TrainConfig.renderValue(f.getValue()));
    return new JobRecipe(e);
  }

  /** A recipe as a checkpoint stored it. */
  public static JobRecipe saved(Map<String, String> entries) {
    return new JobRecipe(new TreeMap<>(entries));
  }

  /**
   * A recipe rebuilt from a checkpoint of a version that stored only its resolved configuration:
   * values rendered as the run's are, so that only real differences show.
   */
  public static JobRecipe fromResolved(Map<String, ?> resolved) {
    SortedMap<String, String> e = new TreeMap<>();
    for (Map.Entry<String, ?> k : resolved.entrySet()) e.put(k.getKey(), TrainConfig.renderValue(k.getValue()));
    return new JobRecipe(e);
  }

  /** Key to value text, sorted by key. */
  public SortedMap<String, String> entries() {
    return entries;
  }

  /** One key whose value differs between a checkpoint and this run (kept in a Spark ML model's summary). */
  public record Change(String key, String checkpoint, String run) implements java.io.Serializable {
    @Override
    public String toString() {
      return key + ": checkpoint " + checkpoint + ", this run " + run;
    }
  }

  /**
   * Each key whose value differs from {@code checkpoint}'s, sorted by key.
   *
   * @param onlyShared compare only the keys both record (for a checkpoint of an older version,
   *                   which recorded fewer); otherwise a key one side lacks is a change
   */
  public List<Change> changesSince(JobRecipe checkpoint, boolean onlyShared) {
    Set<String> keys = new TreeSet<>(entries.keySet());
    keys.addAll(checkpoint.entries.keySet());
    List<Change> changes = new ArrayList<>();
    for (String k : keys) {
      // A key recorded only away from its default was at its default where it is missing.
      String then = checkpoint.entries.getOrDefault(k, RECORDED_UNLESS.get(k));
      String now = entries.getOrDefault(k, RECORDED_UNLESS.get(k));
      if (onlyShared && (then == null || now == null)) continue;
      if (then == null || !then.equals(now)) {
        changes.add(new Change(k, then == null ? "(not recorded)" : then, now == null ? "(not recorded)" : now));
      }
    }
    return changes;
  }
}
