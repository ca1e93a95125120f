package org.sparkprop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingListener.EpochEvent;
import org.sparkprop.train.TrainingListener.RoundEvent;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.StopReason;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.TrainingState;
import org.sparkprop.optim.OptimizerSettings;

/** The driver's console: a bar on a terminal, plain lines elsewhere, one summary line per epoch in both. */
class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** Two epochs of 10 rounds of 32 rows each, with a message in the middle of the first. */
  private String drive(ProgressDisplay display) {
    GlobalBatches batches = new GlobalBatches(320, 32, 1);
    display.onStart(batches, TrainingOptions.simple(OptimizerSettings.sgd(), 0.1, 2), TrainingState.initial(new float[0], null));
    long round = 0;
    for (int epoch = 0; epoch < 2; epoch++) {
      for (long b = 0; b < 10; b++) {
        round++;
        display.onRound(new RoundEvent(epoch, b, round, 32, 1.0 / round, 0.1, 1, 1_000_000, 2_000_000, 1_000_000,
            100_000, 500_000));
        if (round == 5) display.message("round time: advice");
      }
      display.onEpoch(new EpochEvent(epoch, 0.25 / (epoch + 1), Map.of("accuracy", 0.5 + epoch * 0.25), null, 1.5,
          new float[0]));
    }
    display.onEnd(new TrainingResult(new float[0], 2, round, 0.125, StopReason.EPOCHS, 0, 640, 3, Map.of()));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void outsideATerminalTheDisplayIsPlainLines() {
    assertInstanceOf(PlainProgress.class, ProgressDisplay.forConsole(out, 5));
    String text = drive(new PlainProgress(out, 5));
    assertTrue(!text.contains("\r"), "no carriage returns in a log file");
    List<String> lines = Arrays.asList(text.split("\n"));
    assertEquals("training on 320 rows: 2 epochs x 10 rounds of global batch 32", lines.get(0));
    assertTrue(lines.get(1).startsWith("  epoch 1/2  round 5/10  loss 0.2000  "), lines.get(1));
    assertTrue(lines.get(1).contains("samples/s") && lines.get(1).contains("ETA"), lines.get(1));
    assertEquals("round time: advice", lines.get(2));
    assertEquals("epoch 1/2  train loss 0.2500  eval accuracy 0.5000  (1.5 s)", lines.get(4));
    assertEquals("epoch 2/2  train loss 0.1250  eval accuracy 0.7500  (1.5 s)", lines.get(lines.size() - 1));
  }

  @Test
  void onATerminalEachEpochIsABarRedrawnInPlaceThenASummaryLine() {
    String text = drive(new TerminalProgressBar(out, 120));
    assertTrue(text.contains("\r"), "the bar is redrawn on its line");
    // The bar's last drawing of epoch 1: task name, rounds done of total, and our loss and rate.
    String[] drawings = text.split("[\r\n]");
    String last = Arrays.stream(drawings).filter(d -> d.startsWith("epoch 1/2 100%")).reduce((a, b) -> b).orElse("");
    assertTrue(last.contains("10/10"), "final drawing of epoch 1: " + last);
    assertTrue(last.contains("loss 0.1000") && last.contains("samples/s"), last);
    assertTrue(text.contains("epoch 1/2  train loss 0.2500  eval accuracy 0.5000  (1.5 s)\n"), text);
    assertTrue(text.contains("epoch 2/2  train loss 0.1250  eval accuracy 0.7500  (1.5 s)\n"), text);
    // A message clears the bar's line and stands on its own.
    assertTrue(text.contains("\rround time: advice\n"), text);
  }
}
