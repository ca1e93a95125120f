package org.sparkprop.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;

/**
 * Hooks for tests of faults and cluster changes; unset in normal runs, where they cost one map
 * lookup per round.
 *
 * <ul>
 *   <li>Task retries: when the driver sets the local property {@value #FAIL_FIRST_ATTEMPT_EVERY} to
 *       K, the first attempt of every task whose (round + partition) is a multiple of K throws, and
 *       Spark retries it. The Spark conf {@value #FAIL_FIRST_ATTEMPT_EVERY_CONF} does the same for
 *       a whole application.</li>
 *   <li>A round that only ends by cancellation: when the driver sets the local property
 *       {@value #BLOCK_ROUND_UNTIL_KILLED} to a round (0-based), that round's tasks wait until Spark kills
 *       them, so a test can cancel a job that is certainly still running.</li>
 *   <li>Cluster changes between rounds: the Spark conf {@value #HOLD_BEFORE_ROUNDS}, e.g.
 *       {@code 21=/tmp/go-21,41=/tmp/go-41}, makes the driver wait before starting round 21 (1-based,
 *       as printed) until the file {@code /tmp/go-21} exists, and so on. A test changes the cluster
 *       while the job is held, then releases it: without the hold, a short job races the cluster's
 *       own timing (an executor registering can take longer than the rest of the job).</li>
 * </ul>
 */
public final class TestFaults {
  public static final String FAIL_FIRST_ATTEMPT_EVERY = "sparkprop.test.failFirstAttemptEvery";
  public static final String BLOCK_ROUND_UNTIL_KILLED = "sparkprop.test.blockRoundUntilKilled";
  public static final String HOLD_BEFORE_ROUNDS = "spark.sparkprop.test.holdBeforeRounds";
  /** The Spark conf form of {@link #FAIL_FIRST_ATTEMPT_EVERY}, for a driver a test cannot reach into. */
  public static final String FAIL_FIRST_ATTEMPT_EVERY_CONF = "spark.sparkprop.test.failFirstAttemptEvery";

  private TestFaults() {
  }

  static void maybeFail(long round) {
    TaskContext ctx = TaskContext.get();
    if (ctx == null) return;
    String blocked = ctx.getLocalProperty(BLOCK_ROUND_UNTIL_KILLED);
    if (blocked != null && Long.parseLong(blocked) == round) {
      while (!ctx.isInterrupted()) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new IllegalStateException("test: round " + round + " blocked until its task was killed");
    }
    String every = ctx.getLocalProperty(FAIL_FIRST_ATTEMPT_EVERY);
    if (every == null || ctx.attemptNumber() > 0) return;
    long k = Long.parseLong(every);
    if ((round + ctx.partitionId()) % k == 0) {
      throw new IllegalStateException("injected test failure: round " + round + ", partition " + ctx.partitionId()
          + ", attempt " + ctx.attemptNumber());
    }
  }

  /** Sets {@link #FAIL_FIRST_ATTEMPT_EVERY} for the driver's jobs if the conf asks for it. */
  static void failFirstAttemptsIfConfigured(org.apache.spark.SparkContext sc) {
    String every = sc.getConf().get(FAIL_FIRST_ATTEMPT_EVERY_CONF, "").trim();
    if (!every.isEmpty()) sc.setLocalProperty(FAIL_FIRST_ATTEMPT_EVERY, every);
  }

  /** The rounds (1-based) to hold before, each with the file whose existence releases it. */
  static Map<Long, Path> holds(SparkConf conf) {
    Map<Long, Path> holds = new HashMap<>();
    String spec = conf.get(HOLD_BEFORE_ROUNDS, "").trim();
    if (spec.isEmpty()) return holds;
    for (String item : spec.split(",")) {
      String[] roundAndFile = item.split("=", 2);
      if (roundAndFile.length != 2) {
        throw new IllegalArgumentException(HOLD_BEFORE_ROUNDS + ": expected ROUND=FILE[,ROUND=FILE...], found '"
            + item + "'");
      }
      holds.put(Long.parseLong(roundAndFile[0].trim()), Path.of(roundAndFile[1].trim()));
    }
    return holds;
  }

  /** Blocks the driver before round {@code round} (1-based) while its release file is missing. */
  static void holdBefore(Map<Long, Path> holds, long round) {
    Path release = holds.get(round);
    if (release == null) return;
    // Printed so the test knows the job has reached the hold (it reads the driver's stdout).
    System.out.println("test hold: before round " + round + " until " + release + " exists");
    System.out.flush();
    try {
      while (!Files.exists(release)) Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while held before round " + round, e);
    }
    System.out.println("test hold: round " + round + " released");
    System.out.flush();
  }
}
