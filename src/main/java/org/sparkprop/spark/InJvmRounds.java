package org.sparkprop.spark;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.sparkprop.train.GradientAccumulator;

/**
 * A round's weights and gradients handed over inside one JVM, for Spark's local mode, where every
 * task runs in the driver's JVM. A broadcast there serialises and compresses the weights into the
 * block manager every round although no task ever reads those bytes (a local task gets the
 * driver's own array back), and every task result is serialised twice (the value, then the
 * result message) and deserialised twice on the driver: for a 265k-parameter network that is
 * 1 MB each way on the round's critical path, while both cores wait. Here the driver opens a round
 * with its weights, each task reads them and leaves its gradient in its partition's slot, and the
 * driver takes the gradients out in partition order: the same arrays the broadcast and the task
 * results would have given, so the same bits.
 *
 * <p>Order of use: {@link #open}; tasks call {@link #weights} and {@link #deposit}; the driver
 * calls {@link #take} for each partition, then {@link #close} (always, also when the job failed).
 * A task that runs after its round was closed (a zombie attempt) finds no weights and fails; its
 * result is not wanted any more. {@link PackedDataset#heldInJvm} hands over the cached blocks
 * themselves the same way (a round with no input, each task's result its partition's blocks).
 */
final class InJvmRounds {
  private static final ConcurrentHashMap<Long, Round> OPEN = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_ID = new AtomicLong();

  /** A round's input (the weights, or a local-step round's {@code LocalStart}) and one result slot per partition. */
  private record Round(Object input, AtomicReferenceArray<Object> results) {
  }

  private InJvmRounds() {
  }

  /** Opens a round over {@code weights} (read-only until {@link #close}) with one result slot per partition. */
  static long open(Object input, int partitions) {
    long id = NEXT_ID.incrementAndGet();
    OPEN.put(id, new Round(input, new AtomicReferenceArray<>(partitions)));
    return id;
  }

  /** The weights of round {@code id}, for a task. */
  static float[] weights(long id) {
    return (float[]) round(id).input;
  }

  /** The input of round {@code id} as the driver opened it (a local-step round's start), for a task. */
  static <T> T input(long id, Class<T> type) {
    return type.cast(round(id).input);
  }

  /**
   * Leaves a task's gradient in its partition's slot. A retried or speculative attempt of the same
   * partition computes the same bits from the same rows, so whichever lands last is as good.
   */
  static void deposit(long id, int partition, Object gradient) {
    round(id).results.set(partition, gradient);
  }

  /** The gradient partition {@code partition} left in round {@code id}. */
  static GradientAccumulator take(long id, int partition) {
    return take(id, partition, GradientAccumulator.class);
  }

  /** The result (a gradient, or a local-step round's model) partition {@code partition} left in round {@code id}. */
  static <T> T take(long id, int partition, Class<T> type) {
    T g = type.cast(round(id).results.get(partition));
    if (g == null) throw new IllegalStateException("round " + id + ": partition " + partition + " left no result");
    return g;
  }

  static void close(long id) {
    OPEN.remove(id);
  }

  /** Rounds open now (for tests: none should be left behind). */
  static int openRounds() {
    return OPEN.size();
  }

  private static Round round(long id) {
    Round r = OPEN.get(id);
    if (r == null) {
      throw new IllegalStateException("round " + id + " is over (or was opened in another JVM): an in-JVM round "
          + "runs only in Spark's local mode");
    }
    return r;
  }
}
