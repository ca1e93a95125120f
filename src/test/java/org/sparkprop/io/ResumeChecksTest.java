package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.TrainingState;

/**
 * What resuming refuses (another network size, another optimizer, damaged best-epoch weights, a
 * changed recipe, also for checkpoints of the version that recorded only the configuration) and
 * the loop's checkpoint sink on a store.
 */
class ResumeChecksTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final LoadedModel model;
  private final TrainConfig cfg = TrainConfig.defaults();
  private final JobRecipe recipe;

  ResumeChecksTest() throws IOException {
    model = LoadedModel.load(FrozenModelTest.resource("v1-moons").toUri().toString(), TestFiles.conf());
    recipe = JobRecipe.of(cfg, Map.of("model.network", model.spec().describe(),
        TrainingCheckpoints.PREPROCESSING, TrainingCheckpoints.preprocessingText(model.preprocessing())));
  }

  private TrainingState state(float[] best) {
    float[] w = model.weights();
    return new TrainingState(3, 5, 41, w, new OptimizerState(cfg.train().optimizer().configName(), 41,
        new float[][] {w.clone(), w.clone()}), 12.375, 160, 0.5, 2, best, best == null ? 0 : 2);
  }

  private Checkpoint checkpoint(float[] best) {
    return TrainingCheckpoints.toCheckpoint(state(best), cfg, model.spec(), model.preprocessing(), recipe);
  }

  /** {@code c} with its metadata edited, as a damaged or older checkpoint would hold it. */
  private static Checkpoint withMetadata(Checkpoint c, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    ObjectNode meta = (ObjectNode) JSON.readTree(c.metadataJson());
    edit.accept(meta);
    return Checkpoint.builder().epoch(c.epoch()).round(c.round()).seed(c.seed()).weights(c.weights())
        .optimizerKind(c.optimizerKind()).optimizerSteps(c.optimizerSteps()).optimizerSlots(c.optimizerSlots())
        .metadataJson(meta.toString()).build();
  }

  private TrainingCheckpoints.Resumed resume(Checkpoint c, NetworkSpec spec, TrainConfig config, JobRecipe r,
                                             ResumePolicy policy) throws IOException {
    return TrainingCheckpoints.resume(c, "ckpt-test", spec, config, r, policy);
  }

  @Test
  void aNetworkOfAnotherSizeCannotTakeTheWeights() {
    NetworkSpec other = new NetworkSpec(2, new int[] {3}, Activation.TANH, 1, Activation.SIGMOID, Loss.BCE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resume(checkpoint(null), other, cfg, recipe, ResumePolicy.WITH_CHANGES));
    assertEquals("the checkpoint ckpt-test holds " + model.spec().parameterCount() + " parameters but the network "
        + other.describe() + " has 13: was model.* changed since it was written? The weights cannot be carried over; start afresh",
        e.getMessage());
  }

  @Test
  void anotherOptimizerCannotTakeTheState() {
    TrainConfig sgd = TrainConfig.load(null, List.of("train.optimizer=sgd"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resume(checkpoint(null), model.spec(), sgd, recipe, ResumePolicy.WITH_CHANGES));
    assertEquals("the checkpoint ckpt-test was written with train.optimizer = " + cfg.train().optimizer().configName()
        + " but this run has sgd: its optimizer state cannot be carried over; start afresh", e.getMessage());
  }

  @Test
  void changesAreCountedAndListedOnePerLine() throws IOException {
    // Values are shown as the configuration writes them: text quoted as in JSON.
    JobRecipe two = JobRecipe.of(cfg, Map.of("model.network", "other", TrainingCheckpoints.PREPROCESSING, "{}"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resume(checkpoint(null), model.spec(), cfg, two, ResumePolicy.SAME_RECIPE));
    String[] lines = e.getMessage().split("\n");
    assertEquals("the checkpoint ckpt-test was written by another recipe than this run's; resuming would not continue the same"
        + " run (2 changes):", lines[0]);
    assertEquals("  data.preprocessing: checkpoint " + JSON.writeValueAsString(TrainingCheckpoints.preprocessingText(
        model.preprocessing())) + ", this run \"{}\"", lines[1]);
    assertEquals("  model.network: checkpoint \"" + model.spec().describe() + "\", this run \"other\"", lines[2]);
    assertEquals("Restore the checkpoint's values, start afresh (without --resume), or continue with these changes"
        + " (--resume-with-changes; the run will then not repeat any uninterrupted run bit for bit)", lines[3]);
    assertEquals(4, lines.length);
    JobRecipe one = JobRecipe.of(cfg, Map.of("model.network", "other",
        TrainingCheckpoints.PREPROCESSING, TrainingCheckpoints.preprocessingText(model.preprocessing())));
    String single = assertThrows(IllegalArgumentException.class,
        () -> resume(checkpoint(null), model.spec(), cfg, one, ResumePolicy.SAME_RECIPE)).getMessage();
    assertTrue(single.startsWith("the checkpoint ckpt-test was written by another recipe than this run's; resuming would not"
        + " continue the same run (1 change):\n  model.network: "), single);
  }

  @Test
  void anOlderCheckpointIsComparedOnTheConfigurationSeedAndPreprocessingItRecorded() throws IOException {
    Checkpoint older = withMetadata(checkpoint(null), m -> m.remove("recipe"));
    assertEquals(List.of(), resume(older, model.spec(), cfg, recipe, ResumePolicy.SAME_RECIPE).changes());
    // Keys the older checkpoint did not record (model.network here) are not changes.
    JobRecipe otherNetwork = JobRecipe.of(cfg, Map.of("model.network", "other",
        TrainingCheckpoints.PREPROCESSING, TrainingCheckpoints.preprocessingText(model.preprocessing())));
    assertEquals(List.of(), resume(older, model.spec(), cfg, otherNetwork, ResumePolicy.SAME_RECIPE).changes());
    JobRecipe otherPreprocessing = JobRecipe.of(cfg, Map.of(TrainingCheckpoints.PREPROCESSING, "{}"));
    List<JobRecipe.Change> changes = resume(older, model.spec(), cfg, otherPreprocessing, ResumePolicy.WITH_CHANGES).changes();
    assertEquals(List.of(TrainingCheckpoints.PREPROCESSING), changes.stream().map(JobRecipe.Change::key).toList());
    TrainConfig otherRate = TrainConfig.load(null, List.of("train.learningRate=0.5"));
    JobRecipe rate = JobRecipe.of(otherRate, Map.of(TrainingCheckpoints.PREPROCESSING,
        TrainingCheckpoints.preprocessingText(model.preprocessing())));
    assertEquals(List.of("train.learningRate"), resume(older, model.spec(), otherRate, rate, ResumePolicy.WITH_CHANGES).changes()
        .stream().map(JobRecipe.Change::key).toList());
    TrainConfig otherSeed = TrainConfig.load(null, List.of("train.seed=43"));
    JobRecipe seed = JobRecipe.of(otherSeed, Map.of(TrainingCheckpoints.PREPROCESSING,
        TrainingCheckpoints.preprocessingText(model.preprocessing())));
    assertEquals(List.of("train.seed"), resume(older, model.spec(), otherSeed, seed, ResumePolicy.WITH_CHANGES).changes()
        .stream().map(JobRecipe.Change::key).toList());
    Checkpoint noConfig = withMetadata(older, m -> {
      m.remove("config");
      m.remove("preprocessing");
    });
    assertEquals(List.of(), resume(noConfig, model.spec(), otherRate, otherPreprocessing, ResumePolicy.SAME_RECIPE).changes(),
        "nothing recorded, nothing to compare but the seed");
  }

  @Test
  void damagedBestEpochWeightsAreRefused() throws IOException {
    Checkpoint notBase64 = withMetadata(checkpoint(model.weights()), m -> ((ObjectNode) m.get("loop")).put("bestWeights", "@@@"));
    CorruptFileException e = assertThrows(CorruptFileException.class,
        () -> resume(notBase64, model.spec(), cfg, recipe, ResumePolicy.SAME_RECIPE));
    assertTrue(e.getMessage().startsWith("the checkpoint ckpt-test is damaged: its metadata field loop.bestWeights is not Base64"
        + " of float32 values ("), e.getMessage());
    Checkpoint oddBytes = withMetadata(checkpoint(model.weights()), m -> ((ObjectNode) m.get("loop")).put("bestWeights", "AAAAAAA="));
    assertEquals("the checkpoint ckpt-test is damaged: its metadata field loop.bestWeights is not Base64 of float32 values (not a"
        + " float array: 5 bytes)", assertThrows(CorruptFileException.class,
            () -> resume(oddBytes, model.spec(), cfg, recipe, ResumePolicy.SAME_RECIPE)).getMessage());
    Checkpoint shortOne = withMetadata(checkpoint(model.weights()), m -> ((ObjectNode) m.get("loop")).put("bestWeights",
        FloatsBase64.encode(new float[] {1, 2})));
    assertEquals("the checkpoint ckpt-test is damaged: its best-epoch weights (loop.bestWeights) hold 2 parameters, its weights "
        + model.spec().parameterCount(), assertThrows(CorruptFileException.class,
            () -> resume(shortOne, model.spec(), cfg, recipe, ResumePolicy.SAME_RECIPE)).getMessage());
  }

  @Test
  void floatsInBase64AreExact() {
    float[] v = {0f, -0f, Float.MIN_VALUE, Float.intBitsToFloat(0x7fc00001), 1e38f};
    float[] back = FloatsBase64.decode(FloatsBase64.encode(v));
    assertEquals(v.length, back.length);
    for (int i = 0; i < v.length; i++) assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]));
    assertEquals("AACAPw==", FloatsBase64.encode(new float[] {1f}), "little-endian bits of 1.0f: 00 00 80 3f");
    assertEquals(0, FloatsBase64.decode("").length);
  }

  @Test
  void theSinkSavesEachStateAndSaysWhere() throws IOException {
    CheckpointStore store = new CheckpointStore(TestFiles.uri(tmp.resolve("ckpts")), TestFiles.conf(), 2);
    TrainingCheckpoints.Sink sink = new TrainingCheckpoints.Sink(store, cfg, model.spec(), model.preprocessing(), recipe);
    assertEquals("", sink.lastLocation());
    sink.save(state(null));
    assertEquals(store.directory() + "/ckpt-000000000041", sink.lastLocation());
    Checkpoint saved = store.latest().orElseThrow();
    assertEquals(41, saved.round());
    assertArrayEquals(model.weights(), saved.weights());
    assertEquals(List.of(), resume(saved, model.spec(), cfg, recipe, ResumePolicy.SAME_RECIPE).changes());
    // The same round again: the store refuses to replace a good checkpoint, and the sink says where it was writing.
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> sink.save(state(null)));
    assertEquals("cannot write a checkpoint to " + store.directory(), e.getMessage());
    assertTrue(Files.exists(tmp.resolve("ckpts/ckpt-000000000041")));
  }
}
