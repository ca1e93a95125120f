package org.sparkprop.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running (or finished) driver JVM started by {@link DriverLauncher}: its process, its output,
 * and the training progress read from that output. Closing it kills it if it still runs.
 */
public final class DriverProcess implements AutoCloseable {
  /** The console progress line of one round: "epoch 2/3  round 5/20  ...  123.4 ms/round". */
  private static final Pattern ROUND = Pattern.compile("epoch (\\d+)/\\d+\\s+round ([\\d,]+)/([\\d,]+).*?([\\d.]+) ms/round");

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final long startNanos = System.nanoTime();

  DriverProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** One round as printed by the driver: the global round number (1-based) and its wall time. */
  public record Round(long round, double millis) {}

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String stdout() {
    return Logs.read(stdout);
  }

  public String stderr() {
    return Logs.read(stderr);
  }

  public double secondsSinceStart() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Waits for the driver to exit and returns its exit code; fails with its output after {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("driver " + name + " still running after " + timeout.toSeconds() + " s\n" + tails());
    }
    return process.exitValue();
  }

  /** Waits for a successful exit (code 0); fails with the driver's output otherwise. */
  public void awaitSuccess(Duration timeout) throws InterruptedException {
    int code = awaitExit(timeout);
    if (code != 0) throw new AssertionError("driver " + name + " exited with " + code + "\n" + tails());
  }

  /** The rounds printed so far, in order (the job must log every round: train.logEveryRounds=1). */
  public List<Round> rounds() {
    List<Round> rounds = new ArrayList<>();
    Matcher m = ROUND.matcher(stdout());
    while (m.find()) {
      long epoch = Long.parseLong(m.group(1));
      long inEpoch = Long.parseLong(m.group(2).replace(",", ""));
      long perEpoch = Long.parseLong(m.group(3).replace(",", ""));
      rounds.add(new Round((epoch - 1) * perEpoch + inEpoch, Double.parseDouble(m.group(4))));
    }
    return rounds;
  }

  /** The last global round the driver reported, 0 before the first. */
  public long lastRound() {
    List<Round> r = rounds();
    return r.isEmpty() ? 0 : r.get(r.size() - 1).round();
  }

  /** Waits until the driver has reported round {@code round}; fails if it exits first or after {@code timeout}. */
  public void awaitRound(long round, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (lastRound() < round) {
      if (!process.isAlive()) {
        throw new AssertionError("driver " + name + " exited (" + process.exitValue() + ") before round " + round + "\n" + tails());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("driver " + name + " did not reach round " + round + " in " + timeout.toSeconds() + " s\n" + tails());
      }
      StandaloneCluster.sleep(100);
    }
  }

  /** Kills the driver JVM by its process id (SIGKILL: no shutdown hooks, no clean-up) and waits for it. */
  public void kill() {
    ChildProcesses.stop(process);
  }

  /** The last lines of stdout and stderr, for failure messages. */
  public String tails() {
    return Logs.tail(stdout, 25, name + " stdout") + Logs.tail(stderr, 40, name + " stderr");
  }

  @Override
  public void close() {
    if (process.isAlive()) ChildProcesses.stop(process);
  }
}
