package org.sparkprop.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.sparkprop.math.Kernels;
import org.sparkprop.report.TrainingReport;

/**
 * One-time start-up work a {@code train} run needs later but not yet, started in a thread of its own
 * while the command reads its configuration and data: starting the logging (log4j reads its
 * configuration and plugins), loading OpenBLAS (JavaCPP finds and links the native library) and
 * starting Java2D and ImageIO for the report's pictures, each ~1 s of a short run on a busy machine.
 * Neither depends on the data or changes what the run computes: they are the same process-wide
 * initialisations the run would make on first use, made earlier on a core that would otherwise
 * wait. A failure is left for the real use to report.
 */
public final class WarmUp {
  /** Counted down once the logging has read its configuration; null until a warm-up starts. */
  private static volatile CountDownLatch loggingReady;

  private WarmUp() {
  }

  /** Starts the warm-up of a run that draws a report. */
  public static void start() {
    start(true);
  }

  /**
   * Starts the warm-up in a daemon thread (it never keeps the JVM alive) and returns at once;
   * {@code report}: whether the run will draw a report (Java2D and ImageIO are started only then).
   */
  public static void start(boolean report) {
    CountDownLatch logging = new CountDownLatch(1);
    loggingReady = logging;
    Thread t = new Thread(() -> {
      try {
        try {
          LoggerFactory.getLogger(WarmUp.class).debug("warming up OpenBLAS{}", report ? " and Java2D" : "");
        } finally {
          logging.countDown();
        }
        Kernels.description();
        if (report) TrainingReport.warmUp();
      } catch (RuntimeException | LinkageError e) {
        LoggerFactory.getLogger(WarmUp.class).debug("warm-up failed; the run meets it again where it uses what failed", e);
      }
    }, "sparkprop-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Waits until the warm-up's logging has read its configuration (at most a few seconds), so that
   * the caller's first log lines are not dropped: a logger used while log4j is still configuring on
   * the warm-up thread has the default configuration's level, which drops INFO. Returns at once
   * when no warm-up was started.
   */
  public static void awaitLogging() {
    CountDownLatch logging = loggingReady;
    if (logging == null) return;
    try {
      logging.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
