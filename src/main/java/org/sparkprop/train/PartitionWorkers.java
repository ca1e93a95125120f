package org.sparkprop.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads an in-process round computes its partitions on: the calling thread and
 * {@code threads - 1} pooled daemon threads, each a numbered worker that takes the next partition
 * not yet taken until none is left. A partition's result depends only on its rows and the round's
 * input, never on which worker computed it nor on what that worker computed before (a worker's
 * workspace is scratch, as a Spark executor thread's is), so any number of workers gives the bits
 * of one; the callers merge the partitions' results in partition order on the calling thread.
 *
 * <p>One set of workers serves a run (its rounds and its evaluations, which never overlap). The
 * pooled threads end after {@link #IDLE_SECONDS} without work, so a finished run leaves none behind
 * even though its evaluators may still be used after its last round; {@link #close} ends them at
 * once.
 */
public final class PartitionWorkers implements AutoCloseable {
  /** Seconds a pooled thread waits for the next round before it ends. */
  static final long IDLE_SECONDS = 10;
  private static final AtomicInteger POOLS = new AtomicInteger();

  /** One partition's work, done by worker {@code worker} (0 is the calling thread). */
  @FunctionalInterface
  public interface Task {
    void run(int worker, int partition);
  }

  private final int threads;
  private final ThreadPoolExecutor pool; // null for one thread: everything runs on the caller's

  private PartitionWorkers(int threads) {
    this.threads = threads;
    if (threads == 1) {
      this.pool = null;
      return;
    }
    int id = POOLS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads - 1, threads - 1, IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "sparkprop-partitions-" + id + "-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
  }

  /** Workers on {@code threads} threads (the caller's among them). */
  public static PartitionWorkers of(int threads) {
    if (threads < 1) throw new IllegalArgumentException("partition workers need at least one thread, got " + threads);
    return new PartitionWorkers(threads);
  }

  /** One worker: the calling thread, partitions one after another. */
  public static PartitionWorkers single() {
    return new PartitionWorkers(1);
  }

  /** Workers, hence the workspaces a caller keeps: one per worker. */
  public int threads() {
    return threads;
  }

  /**
   * Runs {@code task} once for every partition in [0, partitions) and returns when all are done.
   * If tasks failed, it still waits for the others (none then writes into the caller's state),
   * then throws the first failure in partition-taking order.
   */
  public void forEachPartition(int partitions, Task task) {
    if (pool == null || partitions <= 1) {
      for (int p = 0; p < partitions; p++) task.run(0, p);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    int helpers = Math.min(threads, partitions) - 1;
    List<Future<?>> running = new ArrayList<>(helpers);
    for (int w = 1; w <= helpers; w++) {
      int worker = w;
      running.add(pool.submit(() -> drain(worker, partitions, next, task)));
    }
    Throwable failure = null;
    try {
      drain(0, partitions, next, task);
    } catch (RuntimeException | Error e) {
      failure = e;
      next.set(partitions); // the helpers take no further partition
    }
    boolean interrupted = false;
    for (Future<?> f : running) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the helpers write into the caller's accumulators: wait for them all the same
        } catch (ExecutionException e) {
          if (failure == null) failure = e.getCause();
          break;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    if (failure instanceof RuntimeException r) throw r;
    if (failure instanceof Error err) throw err;
    if (failure != null) throw new IllegalStateException("a partition worker failed", failure);
  }

  private static void drain(int worker, int partitions, AtomicInteger next, Task task) {
    for (int p = next.getAndIncrement(); p < partitions; p = next.getAndIncrement()) task.run(worker, p);
  }

  @Override
  public void close() {
    if (pool != null) pool.shutdown();
  }
}
