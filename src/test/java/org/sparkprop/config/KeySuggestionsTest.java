package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySuggestionsTest {
  private static final List<String> KEYS = List.of("train.learningRate", "train.l2", "train.epochs",
      "train.seed", "data.synthetic.seed", "model.hidden", "model.activation", "checkpoint.dir");

  @Test
  void distanceCountsATranspositionAsOneEdit() {
    assertEquals(1, KeySuggestions.distance("trian", "train"));
    assertEquals(1, KeySuggestions.distance("learnigRate", "learningRate"));
    assertEquals(0, KeySuggestions.distance("", ""));
    assertEquals(3, KeySuggestions.distance("abc", ""));
  }

  @Test
  void closeKeysAreSuggestedAndFarOnesAreNot() {
    assertEquals(List.of("train.learningRate"), KeySuggestions.forKey("train.learnigRate", KEYS));
    assertEquals(List.of("model.hidden"), KeySuggestions.forKey("model.hiddenLayers", KEYS));
    assertEquals(List.of("train.epochs"), KeySuggestions.forKey("epoch", KEYS));
    assertEquals(List.of("checkpoint.dir"), KeySuggestions.forKey("chekpoint.dir", KEYS));
    assertEquals(List.of(), KeySuggestions.forKey("train.lr", KEYS));
    assertEquals(List.of(), KeySuggestions.forKey("model.optimizer", KEYS));
  }

  @Test
  void valuesAreSuggestedTheSameWay() {
    List<String> activations = List.of("identity", "sigmoid", "tanh", "relu", "leaky_relu", "step");
    assertEquals(List.of("relu"), KeySuggestions.forValue("rellu", activations));
    assertEquals(List.of("leaky_relu"), KeySuggestions.forValue("leaky", activations));
    assertEquals(List.of("sigmoid"), KeySuggestions.forValue("sigmod", activations));
    assertEquals(List.of(), KeySuggestions.forValue("swish", activations));
  }
}
