package org.sparkprop.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingState;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code "type": "round"} every N rounds (loss,
 * learning rate, gradient norm, the round's time split in milliseconds) and {@code "type": "epoch"}
 * per epoch (training loss, evaluation metrics, seconds). Flushed per line so a crashed run keeps
 * everything up to its last round.
 */
public final class MetricsLog implements TrainingListener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OutputStream out;
  private final int everyRounds;
  private final Map<String, Object> config;

  public MetricsLog(OutputStream out, int everyRounds, Map<String, Object> resolvedConfig) {
    this.out = out;
    this.everyRounds = Math.max(1, everyRounds);
    this.config = resolvedConfig;
  }

  @Override
  public void onStart(GlobalBatches batches, TrainingOptions options, TrainingState start) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "start");
    line.put("rows", batches.rows());
    line.put("batchSize", batches.batchSize());
    line.put("roundsPerEpoch", batches.batchesPerEpoch());
    line.put("resumedAtRound", start.round());
    line.set("config", JSON.valueToTree(config));
    write(line);
  }

  @Override
  public void onRound(RoundEvent e) {
    if (e.round() % everyRounds != 0) return;
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "round");
    line.put("epoch", e.epoch() + 1);
    line.put("round", e.round());
    line.put("rows", e.rows());
    line.put("loss", e.loss());
    line.put("learningRate", e.learningRate());
    line.put("gradientNorm", e.gradientNorm());
    ObjectNode ms = line.putObject("ms");
    ms.put("broadcast", e.time().broadcastNanos() / 1e6);
    ms.put("compute", e.time().computeNanos() / 1e6);
    ms.put("aggregate", e.time().aggregateNanos() / 1e6);
    ms.put("update", e.time().updateNanos() / 1e6);
    ms.put("other", e.time().otherNanos() / 1e6);
    ms.put("total", e.time().totalNanos() / 1e6);
    write(line);
  }

  @Override
  public void onEpoch(EpochEvent e) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "epoch");
    line.put("epoch", e.epoch() + 1);
    line.put("trainLoss", e.trainLoss());
    if (e.validation() != null) line.set("eval", JSON.valueToTree(e.validation()));
    line.put("seconds", e.seconds());
    write(line);
  }

  private void write(ObjectNode line) {
    try {
      out.write(JSON.writeValueAsString(line).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      out.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write metrics.jsonl", ex);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
