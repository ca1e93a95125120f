package org.sparkprop.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A trained model as saved by {@link ModelStore}: the flat weight vector and a JSON object that
 * describes everything needed to use it (architecture, activations, preprocessing, label
 * mapping, provenance). This package does not interpret the architecture; it only ties the
 * JSON to the weights through {@code parameterCount}. Immutable; the weights are copied in and
 * out.
 */
public final class ModelRecord {
  private final int formatVersion;
  private final String metadataJson;
  private final float[] weights;

  /** @param metadataJson a JSON object; {@code formatVersion} and {@code parameterCount} are added on save */
  public ModelRecord(String metadataJson, float[] weights) {
    this(ModelStore.FORMAT_VERSION, checkObject(metadataJson), weights.clone());
  }

  public ModelRecord(ObjectNode metadata, float[] weights) {
    this(ModelStore.FORMAT_VERSION, Objects.requireNonNull(metadata, "metadata").toString(),
        weights.clone());
  }

  /** For the loader, which owns the array it read. */
  ModelRecord(int formatVersion, String metadataJson, float[] weights) {
    this.formatVersion = formatVersion;
    this.metadataJson = metadataJson;
    this.weights = Objects.requireNonNull(weights, "weights");
  }

  public int formatVersion() {
    return formatVersion;
  }

  /** As passed in, or for a loaded model the text of its {@code metadata.json}. */
  public String metadataJson() {
    return metadataJson;
  }

  /** A fresh parse each call, so a caller may change what it gets. */
  public ObjectNode metadata() {
    try {
      return (ObjectNode) Json.parse(metadataJson);
    } catch (Exception e) {
      throw new IllegalStateException("metadata was checked on construction", e);
    }
  }

  public float[] weights() {
    return weights.clone();
  }

  public int parameterCount() {
    return weights.length;
  }

  float[] weightsShared() {
    return weights;
  }

  private static String checkObject(String json) {
    Objects.requireNonNull(json, "metadataJson");
    JsonNode node;
    try {
      node = Json.parse(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("metadataJson is not valid JSON: " + Json.reason(e), e);
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("metadataJson must be a JSON object, got " + node.getNodeType());
    }
    return json;
  }
}
