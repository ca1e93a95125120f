package org.sparkprop.io;

/**
 * Maps a {@link Checkpoint} to tensor-file entries and back. Version 1 entries:
 * {@code checkpoint.formatVersion}, {@code epoch}, {@code round}, {@code seed},
 * {@code optimizer.steps}, {@code optimizer.slots} (int64); {@code weights},
 * {@code optimizer.slot.0..n-1} (float32 arrays); {@code optimizer.kind}, {@code metadata}
 * (strings). Entries it does not know are ignored, so a later writer may add optional ones
 * without making older readers refuse the file.
 */
final class CheckpointCodec {
  static final String FORMAT_VERSION = "checkpoint.formatVersion";
  static final String EPOCH = "epoch";
  static final String ROUND = "round";
  static final String SEED = "seed";
  static final String WEIGHTS = "weights";
  static final String OPTIMIZER_KIND = "optimizer.kind";
  static final String OPTIMIZER_STEPS = "optimizer.steps";
  static final String OPTIMIZER_SLOTS = "optimizer.slots";
  static final String OPTIMIZER_SLOT = "optimizer.slot.";
  static final String METADATA = "metadata";

  static TensorFile encode(Checkpoint c) {
    TensorFile.Builder b = TensorFile.builder()
        .putLong(FORMAT_VERSION, c.formatVersion())
        .putLong(EPOCH, c.epoch())
        .putLong(ROUND, c.round())
        .putLong(SEED, c.seed())
        .putString(OPTIMIZER_KIND, c.optimizerKind())
        .putLong(OPTIMIZER_STEPS, c.optimizerSteps())
        .putLong(OPTIMIZER_SLOTS, c.optimizerSlotCount())
        .putString(METADATA, c.metadataJson())
        .putFloatsShared(WEIGHTS, c.weightsShared());
    for (int i = 0; i < c.optimizerSlotCount(); i++) {
      b.putFloatsShared(OPTIMIZER_SLOT + i, c.slotShared(i));
    }
    return b.build();
  }

  static Checkpoint decode(TensorFile f) throws CorruptFileException {
    String file = f.source();
    if (!f.contains(FORMAT_VERSION)) {
      throw new CorruptFileException(file + " is a tensor file but not a checkpoint: it has no "
          + FORMAT_VERSION + " entry");
    }
    long version = f.longValue(FORMAT_VERSION);
    if (version != Checkpoint.FORMAT_VERSION) {
      throw new UnsupportedVersionException(file + " has checkpoint format version " + version
          + "; this build reads version " + Checkpoint.FORMAT_VERSION + " only. It was written by"
          + " a newer Sparkprop, or the file is damaged");
    }
    long epoch = f.longValue(EPOCH);
    if (epoch < 0 || epoch > Integer.MAX_VALUE) {
      throw new CorruptFileException(file + " is damaged: epoch " + epoch + " is out of range");
    }
    long slots = f.longValue(OPTIMIZER_SLOTS);
    // The slots must be entries of this file, so the file's own entry count bounds them.
    if (slots < 0 || slots > f.names().size()) {
      throw new CorruptFileException(file + " is damaged: it declares " + slots
          + " optimizer slots but holds only " + f.names().size() + " entries");
    }
    float[][] slotValues = new float[(int) slots][];
    for (int i = 0; i < slots; i++) {
      slotValues[i] = f.floatsShared(OPTIMIZER_SLOT + i);
    }
    try {
      return Checkpoint.builder()
          .epoch((int) epoch)
          .round(f.longValue(ROUND))
          .seed(f.longValue(SEED))
          .weights(f.floatsShared(WEIGHTS))
          .optimizerKind(f.string(OPTIMIZER_KIND))
          .optimizerSteps(f.longValue(OPTIMIZER_STEPS))
          .optimizerSlots(slotValues)
          .metadataJson(f.string(METADATA))
          .buildShared((int) version);
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(file + " is damaged: " + e.getMessage(), e);
    }
  }

  private CheckpointCodec() {}
}
