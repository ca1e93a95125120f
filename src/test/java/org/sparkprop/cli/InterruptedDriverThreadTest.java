package org.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.testing.LocalSpark;

/**
 * The driver's thread interrupted mid-run, as YARN's application master interrupts it when the
 * application is killed (cluster deploy mode, where main must end by returning): the run takes the
 * graceful path of a first SIGTERM, with its checkpoint, summary and resume line, not an error.
 */
class InterruptedDriverThreadTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream realOut;
  private PrintStream realErr;

  @TempDir
  Path tmp;

  @BeforeEach
  void capture() {
    realOut = System.out;
    realErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(realOut);
    System.setErr(realErr);
    LocalSpark.stopActive();
  }

  @Test
  void anInterruptOfTheWaitingThreadStopsTheRunAtARoundBoundaryAsTheFirstSigtermDoes() throws Exception {
    Path output = tmp.resolve("out");
    Path checkpoints = tmp.resolve("ckpt");
    Thread waiting = Thread.currentThread();
    // Interrupts once round 20 of 128 has been printed: mid-epoch, with rounds still to come.
    Thread interrupter = new Thread(() -> {
      while (!out.toString(StandardCharsets.UTF_8).contains("round 20/")) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
      waiting.interrupt();
    }, "interrupter");
    interrupter.setDaemon(true);
    interrupter.start();
    int code = Main.executeInterruptibly(new String[] {"train", "--config", "conf/spiral.conf", "--set", "train.epochs=4",
        "--set", "train.logEveryRounds=1", "--set", "train.execution=spark", "--set", "spark.master=local[2]",
        "--set", "checkpoint.dir=" + checkpoints.toUri(), "--output", output.toString()}, "the test stops the driver");
    interrupter.interrupt();
    assertFalse(Thread.interrupted(), "the interrupt was consumed as a stop request");

    String stdout = out.toString(StandardCharsets.UTF_8);
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(143, code, stderr);
    assertTrue(stderr.contains("sparkprop: the test stops the driver: stopping at the next round boundary"), stderr);
    assertFalse(stderr.contains("sparkprop: error"), stderr);
    JsonNode summary = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
    assertEquals("interrupted", summary.path("status").asText());
    long rounds = summary.path("rounds").asLong();
    assertTrue(rounds >= 20 && rounds < 128, "stopped mid-run, after round " + rounds);
    assertTrue(stdout.contains("sparkprop: interrupted (the test stops the driver) after round " + rounds)
        && stdout.contains("resume with: sparkprop train "), stdout);
    try (Stream<Path> files = Files.list(checkpoints)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(String.format("%012d", rounds))),
          "a checkpoint of round " + rounds);
    }
  }
}
