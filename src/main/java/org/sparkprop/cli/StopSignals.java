package org.sparkprop.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkprop.train.StopRequest;

/**
 * SIGTERM and SIGINT for a running job: the first one asks the job to stop at its next safe point
 * (a {@link StopRequest}; a job without round boundaries registers there what stopping means for it,
 * such as cancelling its Spark jobs); a second one ends the process at once, without cleanup.
 *
 * <p>A handler replaces the JVM's own for these signals: otherwise the JVM starts shutting down on
 * the first signal, and Spark's shutdown hook stops the SparkContext under the running round (the
 * stack traces and "Job cancelled because SparkContext was shut down" an operator would read as a
 * crash), before the run could write its checkpoint. The job's own {@code System.exit} later runs
 * the hooks as usual.
 *
 * <p>{@code sun.misc.Signal} is reached by reflection: it is the JDK's supported way to handle a
 * signal (module {@code jdk.unsupported}, exported to everyone), but javac warns about every direct
 * use, unsuppressibly, and the build turns warnings into errors.
 */
final class StopSignals implements AutoCloseable {
  private static final String[] NAMES = {"TERM", "INT"};

  private final PrintStream err;
  private final StopRequest stop;
  private final String firstMessage;
  private final List<Object[]> previous = new ArrayList<>(); // (signal, its handler before ours)
  private volatile int exitCode;        // 128 + the first signal's number; 0 while none came
  private Method restore;               // sun.misc.Signal.handle, to put the previous handlers back

  /** The handlers of the running command (null between commands), for {@link #fromOutside}. */
  private static volatile StopSignals current;
  /** Why a stop was asked for from outside before a command installed its handlers; null if not. */
  private static String pending;        // guarded by StopSignals.class

  private StopSignals(PrintStream err, StopRequest stop, String firstMessage) {
    this.err = err;
    this.stop = stop;
    this.firstMessage = firstMessage;
  }

  /**
   * Handles SIGTERM and SIGINT until {@link #close}: the first says {@code firstMessage} (what
   * happens now) and asks {@code stop}; the second halts the JVM with 128 + its number. Where the JVM
   * offers no signal handling, the JVM's defaults stay.
   */
  static StopSignals install(PrintStream err, StopRequest stop, String firstMessage) {
    StopSignals signals = new StopSignals(err, stop, firstMessage);
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method name = signalClass.getMethod("getName");
      Method number = signalClass.getMethod("getNumber");
      InvocationHandler onSignal = (proxy, method, args) -> switch (method.getName()) {
        case "handle" -> {
          signals.received((String) name.invoke(args[0]), (Integer) number.invoke(args[0]));
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> "sparkprop stop handler";
      };
      Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerClass},
          onSignal);
      for (String signalName : NAMES) {
        Object signal = signalClass.getConstructor(String.class).newInstance(signalName);
        signals.previous.add(new Object[] {signal, handle.invoke(null, signal, handler)});
      }
      signals.restore = handle;
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      err.println("sparkprop: warning: cannot handle SIGTERM/SIGINT here (" + e + "): a signal ends the run at once");
    }
    String early;
    synchronized (StopSignals.class) {
      current = signals;
      early = pending;
      pending = null;
    }
    if (early != null) signals.received(early, 15, false);
    return signals;
  }

  /**
   * A stop asked for by something other than a signal to this process, taken as a first SIGTERM
   * (exit code 143) but never as the second that exits at once: YARN's application master
   * interrupting the driver's thread when the application is killed. {@code why} is what the run
   * reports. Asked before a command has installed its handlers, it
   * applies when it does.
   */
  static void fromOutside(String why) {
    StopSignals signals;
    synchronized (StopSignals.class) {
      signals = current;
      if (signals == null) {
        if (pending == null) pending = why;
        return;
      }
    }
    signals.received(why, 15, false);
  }

  /** 128 + the number of the first signal received (143 for SIGTERM, 130 for SIGINT); 0 if none came. */
  int exitCode() {
    return exitCode;
  }

  private void received(String name, int number) {
    received("SIG" + name, number, true);
  }

  /** The first request says what happens and asks the stop; a later signal (not a later outside request) halts. */
  private void received(String signal, int number, boolean isSignal) {
    if (exitCode == 0) {
      exitCode = 128 + number;
      err.println(isSignal
          ? String.format(Locale.ROOT, "sparkprop: %s received: %s (send it again to exit at once)", signal, firstMessage)
          : String.format(Locale.ROOT, "sparkprop: %s: %s", signal, firstMessage));
      err.flush();
      stop.request(signal);
    } else if (isSignal) {
      err.println("sparkprop: second signal (" + signal + "): exiting at once, nothing saved");
      err.flush();
      Runtime.getRuntime().halt(128 + number);
    }
  }

  @Override
  public void close() {
    synchronized (StopSignals.class) {
      if (current == this) current = null;
    }
    if (restore == null) return;
    for (Object[] p : previous) {
      try {
        restore.invoke(null, p[0], p[1]);
      } catch (ReflectiveOperationException e) {
        // The JVM keeps our handler; it only sets a flag nobody reads any more.
      }
    }
  }
}
