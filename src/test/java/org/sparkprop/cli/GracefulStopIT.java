package org.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.testing.ChildProcesses;

/**
 * SIGTERM and SIGINT on a real {@code submit-scripts/local.sh train} process, as an operator, YARN
 * or a spot-instance reclaim sends them: the run stops after the round in flight, writes its
 * checkpoint and summary.json (status interrupted), prints one line with the command that resumes
 * it, and exits with 128 + the signal's number; resuming with that very command gives the bits of a
 * run that never stopped.
 *
 * <p>The signal must arrive mid-epoch at a known round, without timing: the driver is held before a
 * chosen round (the test-only Spark setting {@code spark.sparkprop.test.holdBeforeRounds}, which
 * prints when it waits), signalled while held, then released; so the round in flight is that one.
 */
class GracefulStopIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final String BUILD_DIR = System.getProperty("sparkprop.buildDir", ROOT.resolve("target").toString());
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  /**
   * Spiral, 2,000 training rows at batch 64: 32 rounds per epoch, 96 in all; the rounds as Spark
   * jobs (data this small would run them on the driver), where the hold and the stack traces are.
   */
  private static final String[] JOB = {"--config", "conf/spiral.conf", "--set", "train.epochs=3",
      "--set", "train.logEveryRounds=8", "--set", "train.execution=spark", "--set", "data.validationFraction=0"};

  @TempDir
  Path tmp;

  /** A launched driver: its process and where its output goes. */
  private record Driver(Process process, Path out, Path err) {
    String stdout() {
      return read(out);
    }

    String stderr() {
      return read(err);
    }

    int awaitExit() throws InterruptedException {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        ChildProcesses.stop(process);
        throw new AssertionError("the driver did not exit within " + TIMEOUT + "\n" + tails());
      }
      ChildProcesses.stop(process);
      return process.exitValue();
    }

    String tails() {
      return "--- stdout\n" + tail(stdout()) + "\n--- stderr\n" + tail(stderr());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static String tail(String s) {
    return s.length() > 6000 ? "..." + s.substring(s.length() - 6000) : s;
  }

  private Driver start(String holdBeforeRounds, List<String> command) throws IOException {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().put("SPARKPROP_BUILD_DIR", BUILD_DIR);
    pb.environment().put("SPARKPROP_DRIVER_MEMORY", "1g");
    if (holdBeforeRounds != null) {
      pb.environment().put("JAVA_OPTS", "-Dspark.sparkprop.test.holdBeforeRounds=" + holdBeforeRounds);
    }
    return new Driver(ChildProcesses.start(pb), out, err);
  }

  private List<String> train(Path output, Path checkpoints) {
    List<String> cmd = new ArrayList<>(List.of("submit-scripts/local.sh", "train"));
    cmd.addAll(Arrays.asList(JOB));
    // Every 7 rounds: periodic checkpoints around the stops (round 70 is one), none at round 40.
    if (checkpoints != null) cmd.addAll(List.of("--set", "checkpoint.dir=" + checkpoints, "--set", "checkpoint.everyRounds=7"));
    cmd.addAll(List.of("--output", output.toString()));
    return cmd;
  }

  /** Waits until the driver prints that it is held before {@code round}. */
  private static void awaitHold(Driver d, long round) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!d.stdout().contains("test hold: before round " + round + " ")) {
      if (!d.process().isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the driver never reached the hold before round " + round + "\n" + d.tails());
      }
      Thread.sleep(100);
    }
  }

  private static void signal(Driver d, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(d.process().pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -s " + name);
  }

  private static JsonNode summary(Path output) throws IOException {
    return JSON.readTree(output.resolve("summary.json").toFile());
  }

  /** Signals a run held before {@code round}, releases it, and checks the graceful path; returns the driver. */
  private Driver interrupt(List<String> command, long round, String signal, int exitCode) throws Exception {
    Path release = tmp.resolve("go-" + round);
    Driver d = start(round + "=" + release, command);
    awaitHold(d, round);
    signal(d, signal);
    long ackDeadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!d.stderr().contains("SIG" + signal + " received")) {
      assertTrue(System.nanoTime() < ackDeadline && d.process().isAlive(), "no acknowledgement\n" + d.tails());
      Thread.sleep(50);
    }
    Files.createFile(release);
    assertEquals(exitCode, d.awaitExit(), d.tails());
    String err = d.stderr();
    assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack traces on this path\n" + d.tails());
    assertFalse(err.contains("sparkprop: error"), d.tails());
    assertFalse(err.contains("ckpt-"), "periodic checkpoints are not logged at the default level\n" + d.tails());
    return d;
  }

  /** The command the interrupted run printed, split into its words (no word here needs quoting). */
  private static List<String> resumeCommand(Driver d) {
    String out = d.stdout();
    int at = out.indexOf("resume with: ");
    assertTrue(at >= 0, "no resume line\n" + d.tails());
    String line = out.substring(at + "resume with: ".length()).lines().findFirst().orElseThrow();
    return List.of(line.trim().split(" "));
  }

  @Test
  void sigtermThenSigintMidEpochResumeToTheBitsOfAnUninterruptedRun() throws Exception {
    Path straight = tmp.resolve("straight");
    Driver reference = start(null, train(straight, null));
    assertEquals(0, reference.awaitExit(), reference.tails());
    JsonNode expected = summary(straight);
    assertEquals("completed", expected.path("status").asText());
    assertEquals(96, expected.path("rounds").asLong());

    Path output = tmp.resolve("stopped");
    Path checkpoints = tmp.resolve("checkpoints");
    // Round 40 is the 8th of epoch 2: mid-epoch, and no periodic checkpoint falls on it.
    Driver first = interrupt(train(output, checkpoints), 40, "TERM", 143);
    JsonNode stopped = summary(output);
    assertEquals("interrupted", stopped.path("status").asText(), first.tails());
    assertEquals("SIGTERM", stopped.path("interruption").asText());
    assertEquals("interrupted", stopped.path("stopReason").asText());
    assertEquals(40, stopped.path("rounds").asLong(), "the round in flight is finished, no later one started");
    assertTrue(Files.isRegularFile(checkpoints.resolve("ckpt-000000000040")), "checkpoint of round 40");
    assertTrue(stopped.path("checkpoint").asText().endsWith("ckpt-000000000040"), stopped.toString());
    assertFalse(Files.exists(output.resolve("model")), "an interrupted run writes no model that looks finished");
    String line = first.stdout().lines().filter(l -> l.contains("resume with:")).findFirst().orElseThrow();
    assertTrue(line.startsWith("sparkprop: interrupted (SIGTERM) after round 40"), line);
    List<String> resume = resumeCommand(first);
    assertEquals("submit-scripts/local.sh", resume.get(0));
    assertEquals("--resume", resume.get(resume.size() - 1));

    // The resumed run is interrupted in turn, by SIGINT in epoch 3, and resumed with its own line.
    Driver second = interrupt(resume.subList(0, resume.size()), 70, "INT", 130);
    assertTrue(second.stdout().contains("resuming from "), second.tails());
    assertEquals(70, summary(output).path("rounds").asLong());
    assertTrue(second.stdout().contains("sparkprop: interrupted (SIGINT) after round 70"), second.tails());

    Driver last = start(null, resumeCommand(second));
    assertEquals(0, last.awaitExit(), last.tails());
    JsonNode done = summary(output);
    assertEquals("completed", done.path("status").asText());
    assertEquals(96, done.path("rounds").asLong());
    assertEquals(expected.path("weightsSha256").asText(), done.path("weightsSha256").asText(),
        "two stops and resumes end with the bits of the run that never stopped");
  }

  @Test
  void aSecondSignalExitsAtOnce() throws Exception {
    Path release = tmp.resolve("never");
    // Held before round 5 and never released: only the second signal can end it.
    Driver d = start("5=" + release, train(tmp.resolve("out"), null));
    awaitHold(d, 5);
    signal(d, "TERM");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!d.stderr().contains("SIGTERM received")) {
      assertTrue(System.nanoTime() < deadline && d.process().isAlive(), d.tails());
      Thread.sleep(50);
    }
    signal(d, "TERM");
    assertEquals(143, d.awaitExit(), d.tails());
    assertTrue(d.stderr().contains("second signal (SIGTERM): exiting at once"), d.tails());
  }
}
