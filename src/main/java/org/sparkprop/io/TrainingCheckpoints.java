package org.sparkprop.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.CheckpointSink;
import org.sparkprop.train.TrainingState;

/**
 * Maps the loop's {@link TrainingState} to the checkpoint file format and back. The loop counters
 * the file format has no field for (position in the epoch, the epoch's running loss, early
 * stopping, the best epoch's weights when they are to be restored) travel in the metadata JSON with
 * the resolved configuration; doubles are written in their shortest round-tripping form and floats
 * as their bits, so a resumed run continues bit for bit.
 */
public final class TrainingCheckpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingCheckpoints() {
  }

  static Checkpoint toCheckpoint(TrainingState s, TrainConfig cfg, NetworkSpec spec, Preprocessing preprocessing) {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("network", spec.describe());
    meta.put("parameterCount", spec.parameterCount());
    ObjectNode loop = meta.putObject("loop");
    loop.put("nextBatch", s.nextBatch());
    loop.put("epochLossSum", s.epochLossSum());
    loop.put("epochRows", s.epochRows());
    loop.put("bestMetric", Double.isNaN(s.bestMetric()) ? null : s.bestMetric());
    loop.put("epochsWithoutImprovement", s.epochsWithoutImprovement());
    if (s.bestParams() != null) {
      loop.put("bestEpoch", s.bestEpoch());
      loop.put("bestWeights", FloatsBase64.encode(s.bestParams()));
    }
    meta.set("config", JSON.valueToTree(cfg.resolved()));
    if (preprocessing != null) meta.set("preprocessing", PreprocessingJson.write(preprocessing));
    return Checkpoint.builder()
        .epoch(s.epoch())
        .round(s.round())
        .seed(cfg.train().seed())
        .weights(s.params())
        .optimizerKind(s.optimizer().kind())
        .optimizerSteps(s.optimizer().steps())
        .optimizerSlots(s.optimizer().slots())
        .metadataJson(meta.toString())
        .build();
  }

  /**
   * The loop state saved in {@code c}. The preprocessing fitted on this run's data must equal the
   * checkpoint's: if the training files changed since, resuming would continue on other inputs.
   */
  public static TrainingState toState(Checkpoint c, NetworkSpec spec, TrainConfig cfg, Preprocessing preprocessing)
      throws IOException {
    JsonNode saved = JSON.readTree(c.metadataJson());
    if (preprocessing != null && saved.has("preprocessing")) {
      Preprocessing then = PreprocessingJson.read(saved, "the checkpoint's metadata", spec.inputs());
      if (!then.equals(preprocessing)) {
        throw new IllegalArgumentException("the checkpoint was written with other preprocessing statistics (feature"
            + " scaling or classes) than this run's training data gives: the data changed since, and resuming would not"
            + " continue the same run. Start afresh, or restore the original data");
      }
    }
    return toState(c, spec, cfg);
  }

  public static TrainingState toState(Checkpoint c, NetworkSpec spec, TrainConfig cfg) throws IOException {
    if (c.parameterCount() != spec.parameterCount()) {
      throw new IllegalArgumentException("the checkpoint holds " + c.parameterCount() + " parameters but the network "
          + spec.describe() + " has " + spec.parameterCount() + ": was model.* changed since it was written?");
    }
    if (c.seed() != cfg.train().seed()) {
      throw new IllegalArgumentException("the checkpoint was written with train.seed = " + c.seed()
          + " but this run has " + cfg.train().seed() + ": resuming would not continue the same run");
    }
    if (!c.optimizerKind().equals(cfg.train().optimizer().configName())) {
      throw new IllegalArgumentException("the checkpoint was written with train.optimizer = " + c.optimizerKind()
          + " but this run has " + cfg.train().optimizer().configName());
    }
    JsonNode loop = JSON.readTree(c.metadataJson()).path("loop");
    JsonNode best = loop.path("bestMetric");
    float[] bestWeights = loop.hasNonNull("bestWeights") ? FloatsBase64.decode(loop.path("bestWeights").asText()) : null;
    if (bestWeights != null && bestWeights.length != c.parameterCount()) {
      throw new IllegalArgumentException("the checkpoint's best-epoch weights hold " + bestWeights.length
          + " parameters, its weights " + c.parameterCount() + ": the checkpoint is damaged");
    }
    return new TrainingState(c.epoch(), loop.path("nextBatch").asLong(), c.round(), c.weights(),
        new OptimizerState(c.optimizerKind(), c.optimizerSteps(), c.optimizerSlots()),
        loop.path("epochLossSum").asDouble(), loop.path("epochRows").asLong(),
        best.isNull() || best.isMissingNode() ? Double.NaN : best.asDouble(), loop.path("epochsWithoutImprovement").asInt(),
        bestWeights, loop.path("bestEpoch").asInt());
  }

  /** The loop's checkpoint sink on a {@link CheckpointStore}. */
  public static final class Sink implements CheckpointSink {
    private final CheckpointStore store;
    private final TrainConfig cfg;
    private final NetworkSpec spec;
    private final Preprocessing preprocessing;
    private String last = "";

    public Sink(CheckpointStore store, TrainConfig cfg, NetworkSpec spec, Preprocessing preprocessing) {
      this.store = store;
      this.cfg = cfg;
      this.spec = spec;
      this.preprocessing = preprocessing;
    }

    @Override
    public void save(TrainingState state) {
      try {
        store.save(toCheckpoint(state, cfg, spec, preprocessing));
        last = store.directory() + "/" + CheckpointStore.nameFor(state.round());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write a checkpoint to " + store.directory(), e);
      }
    }

    @Override
    public String lastLocation() {
      return last;
    }
  }
}
