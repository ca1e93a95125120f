package org.sparkprop.app;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;

/**
 * Where the wall time of a {@code train} run went, phase by phase, in the order they happen: the
 * JVM's start-up to {@code main}, the configuration (command line and job file), Spark's start (or
 * that it was not started), loading the data (read, pack, scale, cache), preparing the loop
 * (network, kernel, initial weights, checkpoint lookup), the first round, the rest of the round
 * loop (with its per-epoch evaluations), the final evaluation, writing the summary and the model,
 * and the report. Each phase runs from the end of the one before, so together they are the wall
 * time from the first measured instant; one not measured (start-up when the run was not started
 * by {@code main}, say) is null in {@code summary.json} and left out of the printed line.
 */
public final class RunPhases {
  /** The phases in order, as summary.json names them and the console line shows them. */
  public static final Map<String, String> NAMES = names();

  /** When main started (System.nanoTime()), or 0. */
  private static volatile long mainNanos;
  /** When main started (System.currentTimeMillis()), to compare with the JVM's start time. */
  private static volatile long mainMillis;
  /** When the command being run started parsing its arguments, per thread (tests run commands in-process). */
  private static final ThreadLocal<Long> COMMAND_START = new ThreadLocal<>();

  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final long firstNanos;
  private final boolean fromJvmStart;
  private final boolean fromCommand;
  private final double startUpSeconds;
  private long lastNanos;
  private String sparkNote;
  private double closedWall = Double.NaN;

  private RunPhases(long firstNanos, boolean fromJvmStart, boolean fromCommand, double startUpSeconds) {
    this.firstNanos = firstNanos;
    this.fromCommand = fromCommand;
    this.startUpSeconds = startUpSeconds;
    this.fromJvmStart = fromJvmStart;
    this.lastNanos = firstNanos;
  }

  private static Map<String, String> names() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("startUp", "start-up to main");
    m.put("config", "config");
    m.put("sparkStart", "Spark start");
    m.put("loading", "loading");
    m.put("preparing", "preparing");
    m.put("firstRound", "first round");
    m.put("roundLoop", "round loop");
    m.put("evaluation", "evaluation");
    m.put("writing", "summary and model");
    m.put("report", "report");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Called first thing in main. */
  public static void mainStarted() {
    mainNanos = System.nanoTime();
    mainMillis = System.currentTimeMillis();
  }

  /**
   * Seconds from the JVM's start (as the JVM records it, what the benchmarks measure from) to main;
   * asked only once a run needs it, since the management classes take a few dozen milliseconds to load.
   */
  private static double startUpSeconds() {
    try {
      return Math.max(0, (mainMillis - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3);
    } catch (RuntimeException | LinkageError e) { // no java.management module in a trimmed runtime
      return Double.NaN;
    }
  }

  /** Called when a command starts parsing its arguments, in the thread that will run it. */
  public static void commandStarted() {
    COMMAND_START.set(System.nanoTime());
  }

  /**
   * The phases of a run whose job code starts now. The configuration phase (ended by the caller)
   * runs from main when main started this thread's command, else from the command's start, else from
   * now; start-up, from the JVM's start to main, is known only in the first case.
   */
  static RunPhases begin() {
    long now = System.nanoTime();
    Long command = COMMAND_START.get();
    COMMAND_START.remove(); // one run per command; a later direct call measures from its own start
    double startUp = command != null && mainNanos != 0 && mainNanos <= command ? startUpSeconds() : Double.NaN;
    boolean viaMain = !Double.isNaN(startUp);
    RunPhases p = new RunPhases(command != null ? (viaMain ? mainNanos : command) : now, viaMain, command != null, startUp);
    if (viaMain) p.seconds.put("startUp", startUp);
    return p;
  }

  /** Ends {@code phase} now: it took the time since the previous phase ended. */
  void end(String phase) {
    end(phase, System.nanoTime());
  }

  private void end(String phase, long now) {
    if (!NAMES.containsKey(phase)) throw new IllegalArgumentException("no phase " + phase + "; phases: " + NAMES.keySet());
    if (phase.equals("sparkStart")) sparkNote = null; // started after all (auto found the packed rows too large)
    seconds.merge(phase, Math.max(0, now - lastNanos) / 1e9, Double::sum);
    lastNanos = now;
  }

  /** Spark was not started for this run: its phase is 0 s and says so. */
  void sparkNotStarted() {
    seconds.put("sparkStart", 0.0);
    sparkNote = "not started";
  }

  /** Ends the loading phase at the loop's start and times the first round and the rest of the loop. */
  TrainingListener loopListener() {
    return new TrainingListener() {
      private boolean first = true;

      @Override
      public void onStart(GlobalBatches batches, TrainingOptions options, TrainingState start) {
        end("preparing");
      }

      @Override
      public void onRound(RoundEvent event) {
        if (first) {
          first = false;
          end("firstRound");
        }
      }

      @Override
      public void onEnd(TrainingResult result) {
        end(first ? "firstRound" : "roundLoop");
      }
    };
  }

  /** Fixes the wall time at now: what {@link #toJson} and {@link #line} show from then on. */
  void close() {
    closedWall = wallSeconds();
  }

  /** Seconds from the first measured instant (the JVM's start when main ran) to now, or to {@link #close}. */
  double wallSeconds() {
    if (!Double.isNaN(closedWall)) return closedWall;
    return (System.nanoTime() - firstNanos) / 1e9 + (fromJvmStart ? startUpSeconds : 0);
  }

  /** The phases for summary.json: seconds per phase (null when not measured), the Spark note, the wall time. */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (String phase : NAMES.keySet()) {
      Double s = seconds.get(phase);
      if (s == null) o.putNull(phase);
      else o.put(phase, s);
    }
    if (sparkNote != null) o.put("spark", sparkNote);
    o.put("wallSeconds", wallSeconds());
    o.put("from", from());
    return o;
  }

  /** One line: "phases (s): start-up to main 0.31 | config 0.52 | Spark not started | ... | total 7.93 from JVM start". */
  String line() {
    StringJoiner j = new StringJoiner(" | ", "phases (s): ", "");
    for (Map.Entry<String, String> e : NAMES.entrySet()) {
      Double s = seconds.get(e.getKey());
      if (s == null) continue;
      if (e.getKey().equals("sparkStart") && sparkNote != null) j.add("Spark " + sparkNote);
      else j.add(String.format(Locale.ROOT, "%s %.2f", e.getValue(), s));
    }
    j.add(String.format(Locale.ROOT, "total %.2f from %s", wallSeconds(), from()));
    return j.toString();
  }

  /** Where the first phase starts: the JVM's start, the command's (run in-process), or the job's (called directly). */
  private String from() {
    return fromJvmStart ? "JVM start" : fromCommand ? "command start" : "job start";
  }
}
