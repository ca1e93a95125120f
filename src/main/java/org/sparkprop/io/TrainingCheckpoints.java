package org.sparkprop.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
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
 * as their bits, so a resumed run continues bit for bit. Each checkpoint also
 * records the run's {@link JobRecipe}, which resuming compares with the new run's.
 */
public final class TrainingCheckpoints {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECIPE = "recipe";

  /** The recipe's fact holding the preprocessing statistics, as their JSON text. */
  public static final String PREPROCESSING = "data.preprocessing";

  private TrainingCheckpoints() {
  }

  static Checkpoint toCheckpoint(TrainingState s, TrainConfig cfg, NetworkSpec spec, Preprocessing preprocessing,
                                 JobRecipe recipe) {
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
    meta.set(RECIPE, JSON.valueToTree(recipe.entries()));
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

  /** Where a run continues, and what it changed to get there (empty unless it was allowed to). */
  public record Resumed(TrainingState state, List<JobRecipe.Change> changes) {
  }

  /**
   * The loop state saved in {@code c}, if the run's recipe is the checkpoint's: a resumed run then
   * ends with the bits of one that never stopped. A change of the network's size or of the
   * optimizer is refused in any case (the saved weights and optimizer state would not fit).
   *
   * @param name   the checkpoint's name, for messages
   * @param policy {@link ResumePolicy#WITH_CHANGES} accepts other recipe changes and returns them
   * @throws IllegalArgumentException listing each changed key with both values
   */
  public static Resumed resume(Checkpoint c, String name, NetworkSpec spec, TrainConfig cfg, JobRecipe recipe,
                               ResumePolicy policy) throws IOException {
    if (c.parameterCount() != spec.parameterCount()) {
      throw new IllegalArgumentException("the checkpoint " + name + " holds " + c.parameterCount()
          + " parameters but the network " + spec.describe() + " has " + spec.parameterCount()
          + ": was model.* changed since it was written? The weights cannot be carried over; start afresh");
    }
    if (!c.optimizerKind().equals(cfg.train().optimizer().configName())) {
      throw new IllegalArgumentException("the checkpoint " + name + " was written with train.optimizer = "
          + c.optimizerKind() + " but this run has " + cfg.train().optimizer().configName()
          + ": its optimizer state cannot be carried over; start afresh");
    }
    JsonNode meta = JSON.readTree(c.metadataJson());
    List<JobRecipe.Change> changes = changes(meta, c, recipe);
    if (!changes.isEmpty() && policy != ResumePolicy.WITH_CHANGES) {
      StringBuilder sb = new StringBuilder("the checkpoint " + name + " was written by another recipe than this run's;"
          + " resuming would not continue the same run (" + changes.size() + (changes.size() == 1 ? " change" : " changes")
          + "):");
      for (JobRecipe.Change ch : changes) sb.append("\n  ").append(ch);
      sb.append("\nRestore the checkpoint's values, start afresh (without --resume), or continue with these changes"
          + " (--resume-with-changes; the run will then not repeat any uninterrupted run bit for bit)");
      throw new IllegalArgumentException(sb.toString());
    }
    JsonNode loop = meta.path("loop");
    JsonNode best = loop.path("bestMetric");
    float[] bestWeights = bestWeights(loop, c, name);
    TrainingState state = new TrainingState(c.epoch(), loop.path("nextBatch").asLong(), c.round(), c.weights(),
        new OptimizerState(c.optimizerKind(), c.optimizerSteps(), c.optimizerSlots()),
        loop.path("epochLossSum").asDouble(), loop.path("epochRows").asLong(),
        best.isNull() || best.isMissingNode() ? Double.NaN : best.asDouble(), loop.path("epochsWithoutImprovement").asInt(),
        bestWeights, loop.path("bestEpoch").asInt());
    return new Resumed(state, changes);
  }

  /** The weights of the best epoch so far, if the run kept them; checked like the file's own entries. */
  private static float[] bestWeights(JsonNode loop, Checkpoint c, String name) throws CorruptFileException {
    if (!loop.hasNonNull("bestWeights")) return null;
    float[] best;
    try {
      best = FloatsBase64.decode(loop.path("bestWeights").asText());
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException("the checkpoint " + name + " is damaged: its metadata field loop.bestWeights is not"
          + " Base64 of float32 values (" + e.getMessage() + ")", e);
    }
    if (best.length != c.parameterCount()) {
      throw new CorruptFileException("the checkpoint " + name + " is damaged: its best-epoch weights (loop.bestWeights)"
          + " hold " + best.length + " parameters, its weights " + c.parameterCount());
    }
    return best;
  }

  /**
   * The run's recipe against the checkpoint's. A checkpoint of an older version recorded only its
   * configuration, seed and preprocessing: those are compared, key by key.
   */
  private static List<JobRecipe.Change> changes(JsonNode meta, Checkpoint c, JobRecipe recipe) throws IOException {
    if (meta.has(RECIPE)) {
      Map<String, String> saved = new TreeMap<>();
      meta.get(RECIPE).properties().forEach(e -> saved.put(e.getKey(), e.getValue().asText()));
      return recipe.changesSince(JobRecipe.saved(saved), false);
    }
    Map<String, Object> then = new TreeMap<>();
    if (meta.has("config")) then.putAll(JSON.convertValue(meta.get("config"), new TypeReference<Map<String, Object>>() { }));
    then.put("train.seed", c.seed());
    if (meta.has("preprocessing")) then.put(PREPROCESSING, meta.get("preprocessing").toString());
    return recipe.changesSince(JobRecipe.fromResolved(then), true);
  }

  /** The preprocessing as the recipe records it. */
  public static String preprocessingText(Preprocessing p) {
    return PreprocessingJson.write(p).toString();
  }

  /** The loop's checkpoint sink on a {@link CheckpointStore}. */
  public static final class Sink implements CheckpointSink {
    private final CheckpointStore store;
    private final TrainConfig cfg;
    private final NetworkSpec spec;
    private final Preprocessing preprocessing;
    private final JobRecipe recipe;
    private String last = "";

    public Sink(CheckpointStore store, TrainConfig cfg, NetworkSpec spec, Preprocessing preprocessing,
                JobRecipe recipe) {
      this.store = store;
      this.cfg = cfg;
      this.spec = spec;
      this.preprocessing = preprocessing;
      this.recipe = recipe;
    }

    @Override
    public void save(TrainingState state) {
      try {
        store.save(toCheckpoint(state, cfg, spec, preprocessing, recipe));
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
