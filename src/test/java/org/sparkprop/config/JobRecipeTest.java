package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobRecipeTest {

  private static JobRecipe recipe(Map<String, ?> facts, String... overrides) {
    return JobRecipe.of(TrainConfig.load(null, List.of(overrides)), facts);
  }

  @Test
  void everyTrainingKeyIsInTheRecipeButOutputsLoggingAndWhereSparkRunsAreNot() {
    JobRecipe r = recipe(Map.of());
    assertTrue(r.entries().containsKey("train.batchSize"));
    assertTrue(r.entries().containsKey("model.hidden"));
    assertTrue(r.entries().containsKey("train.seed"));
    for (String key : new String[] {"checkpoint.dir", "train.logEveryRounds", "spark.master", "spark.conf", "data.test"}) {
      assertFalse(r.entries().containsKey(key), key);
    }
  }

  @Test
  void theRunsLengthCountsOnlyForAScheduleThatSpansTheRun() {
    assertEquals(List.of(), recipe(Map.of(), "train.epochs=9").changesSince(recipe(Map.of(), "train.epochs=3"), false));
    List<JobRecipe.Change> cosine = recipe(Map.of(), "train.lrSchedule=cosine", "train.epochs=9")
        .changesSince(recipe(Map.of(), "train.lrSchedule=cosine", "train.epochs=3"), false);
    assertEquals(List.of(new JobRecipe.Change("train.epochs", "3", "9")), cosine);
  }

  @Test
  void aFactReplacesTheKeyItResolvesAndChangesAreListedByKeyWithBothValues() {
    JobRecipe then = recipe(Map.of("spark.partitions", 4, "data.trainRows", 1000L));
    JobRecipe now = recipe(Map.of("spark.partitions", 4, "data.trainRows", 1001L), "train.learningRate=0.5",
        "spark.partitions=4", "model.hidden=8");
    assertEquals(List.of(new JobRecipe.Change("data.trainRows", "1000", "1001"),
        new JobRecipe.Change("model.hidden", "[16, 16]", "[8]"),
        new JobRecipe.Change("train.learningRate", "0.003", "0.5")), now.changesSince(then, false));
  }

  @Test
  void aKeyOnlyOneSideRecordsIsAChangeUnlessOnlySharedKeysAreCompared() {
    JobRecipe then = JobRecipe.saved(Map.of("train.seed", "42"));
    JobRecipe now = JobRecipe.saved(Map.of("train.seed", "42", "math.kernel", "portable"));
    assertEquals(List.of(new JobRecipe.Change("math.kernel", "(not recorded)", "portable")), now.changesSince(then, false));
    assertEquals(List.of(), now.changesSince(then, true));
  }

  @Test
  void precisionIsRecordedAwayFromFp32AndAMissingOneReadsAsFp32() {
    // Checkpoints made before math.precision existed computed in fp32: they resume unchanged.
    assertFalse(recipe(Map.of()).entries().containsKey("math.precision"));
    JobRecipe before = JobRecipe.saved(recipe(Map.of()).entries()); // as a checkpoint before the key stored it
    assertEquals(List.of(), recipe(Map.of(), "math.precision=fp32").changesSince(before, false));
    JobRecipe bf16 = recipe(Map.of(), "math.precision=bf16");
    assertEquals("\"bf16\"", bf16.entries().get("math.precision"));
    assertEquals(List.of(new JobRecipe.Change("math.precision", "\"fp32\"", "\"bf16\"")),
        bf16.changesSince(recipe(Map.of()), false));
    assertEquals(List.of(new JobRecipe.Change("math.precision", "\"bf16\"", "\"fp32\"")),
        recipe(Map.of()).changesSince(bf16, false));
  }
}
