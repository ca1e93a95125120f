package org.sparkprop.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything a trainer needs to resume exactly where it stopped: the counters, the seed, the
 * weights, the optimizer's state and free-form JSON metadata (resolved configuration,
 * preprocessing statistics). Immutable: arrays are copied in and out, which costs a copy of the
 * weights per call, so fetch {@link #weights()} once rather than in a loop.
 */
public final class Checkpoint {
  /** The version of the checkpoint's own layout (entry names and meanings), not the container's. */
  public static final int FORMAT_VERSION = 1;

  private final int formatVersion;
  private final int epoch;
  private final long round;
  private final long seed;
  private final float[] weights;
  private final String optimizerKind;
  private final long optimizerSteps;
  private final float[][] optimizerSlots;
  private final String metadataJson;

  private Checkpoint(Builder b, int formatVersion) {
    this.formatVersion = formatVersion;
    this.epoch = b.epoch;
    this.round = b.round;
    this.seed = b.seed;
    this.weights = b.weights;
    this.optimizerKind = b.optimizerKind;
    this.optimizerSteps = b.optimizerSteps;
    this.optimizerSlots = b.optimizerSlots;
    this.metadataJson = b.metadataJson;
  }

  /** Named setters, because the positional form would take three longs in a row. */
  public static Builder builder() {
    return new Builder();
  }

  public int formatVersion() {
    return formatVersion;
  }

  /** Epochs completed. */
  public int epoch() {
    return epoch;
  }

  /** Global rounds (synchronous steps) completed; also the checkpoint's name. */
  public long round() {
    return round;
  }

  public long seed() {
    return seed;
  }

  public float[] weights() {
    return weights.clone();
  }

  public int parameterCount() {
    return weights.length;
  }

  public String optimizerKind() {
    return optimizerKind;
  }

  public long optimizerSteps() {
    return optimizerSteps;
  }

  public float[][] optimizerSlots() {
    float[][] copy = new float[optimizerSlots.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = optimizerSlots[i].clone();
    }
    return copy;
  }

  public int optimizerSlotCount() {
    return optimizerSlots.length;
  }

  public String metadataJson() {
    return metadataJson;
  }

  float[] weightsShared() {
    return weights;
  }

  float[] slotShared(int i) {
    return optimizerSlots[i];
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Checkpoint c)) {
      return false;
    }
    return formatVersion == c.formatVersion && epoch == c.epoch && round == c.round
        && seed == c.seed && optimizerSteps == c.optimizerSteps
        && optimizerKind.equals(c.optimizerKind) && metadataJson.equals(c.metadataJson)
        && Arrays.equals(weights, c.weights) && Arrays.deepEquals(optimizerSlots, c.optimizerSlots);
  }

  @Override
  public int hashCode() {
    return Objects.hash(formatVersion, epoch, round, seed, optimizerKind, optimizerSteps,
        metadataJson, Arrays.hashCode(weights), Arrays.deepHashCode(optimizerSlots));
  }

  @Override
  public String toString() {
    return "Checkpoint[round " + round + ", epoch " + epoch + ", " + weights.length
        + " weights, optimizer " + optimizerKind + " with " + optimizerSlots.length
        + " slots after " + optimizerSteps + " steps]";
  }

  public static final class Builder {
    private int epoch;
    private long round;
    private long seed;
    private float[] weights;
    private String optimizerKind;
    private long optimizerSteps;
    private float[][] optimizerSlots = new float[0][];
    private String metadataJson = "{}";

    private Builder() {}

    public Builder epoch(int epoch) {
      this.epoch = epoch;
      return this;
    }

    public Builder round(long round) {
      this.round = round;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder weights(float[] weights) {
      this.weights = weights;
      return this;
    }

    public Builder optimizerKind(String kind) {
      this.optimizerKind = kind;
      return this;
    }

    public Builder optimizerSteps(long steps) {
      this.optimizerSteps = steps;
      return this;
    }

    /** The optimizer's per-parameter state (momentum, moments); may be empty, as for plain SGD. */
    public Builder optimizerSlots(float[]... slots) {
      this.optimizerSlots = slots;
      return this;
    }

    /** Any JSON text; checked for well-formedness here so a bad one fails at save, not at resume. */
    public Builder metadataJson(String json) {
      this.metadataJson = json;
      return this;
    }

    public Checkpoint build() {
      check();
      Builder copy = new Builder();
      copy.epoch = epoch;
      copy.round = round;
      copy.seed = seed;
      copy.weights = weights.clone();
      copy.optimizerKind = optimizerKind;
      copy.optimizerSteps = optimizerSteps;
      copy.optimizerSlots = new float[optimizerSlots.length][];
      for (int i = 0; i < optimizerSlots.length; i++) {
        copy.optimizerSlots[i] = optimizerSlots[i].clone();
      }
      copy.metadataJson = metadataJson;
      return new Checkpoint(copy, FORMAT_VERSION);
    }

    /** For the codec: the arrays are freshly read and owned by nobody else, so no copy. */
    Checkpoint buildShared(int formatVersion) {
      check();
      return new Checkpoint(this, formatVersion);
    }

    private void check() {
      if (epoch < 0 || round < 0 || optimizerSteps < 0) {
        throw new IllegalArgumentException("epoch, round and optimizerSteps must be >= 0, got "
            + epoch + ", " + round + ", " + optimizerSteps);
      }
      Objects.requireNonNull(weights, "weights");
      if (optimizerKind == null || optimizerKind.isBlank()) {
        throw new IllegalArgumentException("optimizerKind must be set");
      }
      Objects.requireNonNull(optimizerSlots, "optimizerSlots");
      for (int i = 0; i < optimizerSlots.length; i++) {
        Objects.requireNonNull(optimizerSlots[i], "optimizerSlots[" + i + "]");
      }
      Objects.requireNonNull(metadataJson, "metadataJson");
      try {
        Json.parse(metadataJson);
      } catch (Exception e) {
        throw new IllegalArgumentException("metadataJson is not valid JSON: " + Json.reason(e), e);
      }
    }
  }
}
