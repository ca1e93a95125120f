package org.sparkprop.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.nn.NetworkSpec;

/**
 * A saved model made usable again: the network (architecture and weights), the preprocessing its
 * inputs need, and how its training data was read. Built from a model directory by
 * {@link #load}, which checks the format version, the weights' checksum and every field it needs;
 * a missing or wrong field is named in the error.
 *
 * <p>Fields of {@code metadata.json}, format version 1 (those marked * are needed to load):
 * {@code formatVersion}*, {@code parameterCount}*, {@code architecture}* (inputs, hidden,
 * hiddenActivation, outputs, outputActivation, loss), {@code preprocessing}* (featureScaling
 * {method, shift, scale}, targetScaling {shift, scale}, labels: class names by index or null),
 * {@code input}* (format, features, featureNames, header, delimiter, labelColumn, featuresColumn,
 * idColumn), {@code task}, {@code classes}, {@code dataSource}, {@code seed},
 * {@code trainingConfig}, {@code finalMetrics}, {@code trainLoss}, {@code weightsSha256},
 * {@code versions} (sparkprop, spark, java).
 */
public final class LoadedModel {
  private final NetworkSpec spec;
  private final float[] weights;
  private final Preprocessing preprocessing;
  private final InputSchema input;
  private final ObjectNode metadata;

  public LoadedModel(NetworkSpec spec, float[] weights, Preprocessing preprocessing, InputSchema input, ObjectNode metadata) {
    if (weights.length != spec.parameterCount()) {
      throw new IllegalArgumentException(spec.describe() + " needs " + spec.parameterCount() + " weights, got " + weights.length);
    }
    this.spec = spec;
    this.weights = weights;
    this.preprocessing = preprocessing;
    this.input = input;
    this.metadata = metadata;
  }

  /**
   * The metadata a model is saved with: {@code provenance} (data source, seed, training config,
   * metrics, versions...) plus the fields a loader needs, built from the objects themselves.
   */
  public static ObjectNode metadata(NetworkSpec spec, Preprocessing preprocessing, InputSchema input, ObjectNode provenance) {
    ObjectNode meta = Json.MAPPER.createObjectNode();
    meta.set("architecture", ModelFields.architecture(spec));
    meta.put("task", preprocessing.classification() ? "classification" : "regression");
    meta.put("classes", preprocessing.classification() ? preprocessing.labels().classes() : 0);
    meta.put("targetWidth", 1);
    meta.set("preprocessing", ModelFields.preprocessing(preprocessing));
    meta.set("input", ModelFields.input(input));
    provenance.properties().forEach(e -> {
      if (!meta.has(e.getKey())) meta.set(e.getKey(), e.getValue());
    });
    return meta;
  }

  /** Saves this model to {@code dirUri} with {@link ModelStore} (atomically). */
  public void save(String dirUri, Configuration conf, boolean overwrite) throws IOException {
    ModelStore.save(dirUri, conf, new ModelRecord(metadata, weights), overwrite);
  }

  /** Loads and checks a model directory. */
  public static LoadedModel load(String dirUri, Configuration conf) throws IOException {
    ModelRecord saved = ModelStore.load(dirUri, conf);
    String file = new Path(new Path(dirUri), ModelStore.METADATA).toString();
    ObjectNode meta = saved.metadata();
    ModelFields.Reader r = new ModelFields.Reader(file);
    NetworkSpec spec = ModelFields.readArchitecture(meta, r);
    if (spec.parameterCount() != saved.parameterCount()) {
      throw new CorruptFileException(file + ": the architecture " + spec.describe() + " needs " + spec.parameterCount()
          + " parameters but the model holds " + saved.parameterCount());
    }
    Preprocessing prep = ModelFields.readPreprocessing(meta, r, spec.inputs());
    InputSchema input = ModelFields.readInput(meta, r);
    if (input.features() != spec.inputs()) {
      throw r.invalid("input.features", "is " + input.features() + " but the network has " + spec.inputs() + " inputs");
    }
    if (prep.classification() && prep.labels().classes() != Math.max(2, spec.outputs()) && !(spec.outputs() == 1
        && prep.labels().classes() == 2)) {
      throw r.invalid("preprocessing.labels", "names " + prep.labels().classes() + " classes but the network has "
          + spec.outputs() + " outputs");
    }
    return new LoadedModel(spec, saved.weights(), prep, input, meta);
  }

  public NetworkSpec spec() {
    return spec;
  }

  public float[] weights() {
    return weights.clone();
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  public InputSchema input() {
    return input;
  }

  public ObjectNode metadata() {
    return metadata.deepCopy();
  }

  public int formatVersion() {
    return metadata.path("formatVersion").asInt(ModelStore.FORMAT_VERSION);
  }
}
