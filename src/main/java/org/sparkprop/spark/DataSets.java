package org.sparkprop.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowRange;
import org.sparkprop.data.RowSource;
import org.sparkprop.data.SyntheticTeacher;

/**
 * The training, validation and test sets a job's configuration describes, packed and cached.
 * Validation and test are null when the configuration has none.
 */
public record DataSets(PackedDataset train, PackedDataset validation, PackedDataset test, String description) {

  public static DataSets load(TrainConfig cfg, JavaSparkContext sc, int partitions) {
    TrainConfig.Data data = cfg.data();
    StorageLevel level = StorageLevel.fromString(cfg.spark().storageLevel());
    switch (data.format()) {
      case PLAYGROUND:
      case SYNTHETIC:
        return generated(cfg, generator(cfg), sc, partitions, level);
      default:
        throw new UnsupportedOperationException("data.format = " + data.format().configName()
            + " is not available in this version yet; use playground or synthetic");
    }
  }

  static RowSource generator(TrainConfig cfg) {
    TrainConfig.Data data = cfg.data();
    if (data.format() == TrainConfig.DataFormat.SYNTHETIC) {
      TrainConfig.Synthetic s = data.synthetic();
      return new SyntheticTeacher(s.rows(), s.features(), s.classes(), s.seed());
    }
    TrainConfig.Playground p = data.playground();
    java.util.List<String> extras = new java.util.ArrayList<>();
    for (TrainConfig.ExtraFeature f : p.extraFeatures()) extras.add(f.configName());
    return new Playground(p.name().configName(), p.rows(), p.noise(), cfg.train().seed(), extras);
  }

  /** Splits generated rows by index range: training first, then validation, then test. */
  private static DataSets generated(TrainConfig cfg, RowSource all, JavaSparkContext sc, int partitions, StorageLevel level) {
    long n = all.rows();
    long test = Math.round(n * cfg.data().testFraction());
    long validation = Math.round((n - test) * cfg.data().validationFraction());
    long train = n - test - validation;
    if (train <= 0) {
      throw new IllegalArgumentException("data.testFraction + data.validationFraction leave no training rows of " + n);
    }
    PackedDataset trainSet = PackedDataset.generate(sc, new RowRange(all, 0, train), partitions, level);
    PackedDataset validationSet = validation == 0 ? null
        : PackedDataset.generate(sc, new RowRange(all, train, validation), partitions, level);
    PackedDataset testSet = test == 0 ? null
        : PackedDataset.generate(sc, new RowRange(all, train + validation, test), partitions, level);
    String description = all.describe() + String.format(java.util.Locale.ROOT, ": %,d training, %,d validation, %,d test rows",
        train, validation, test);
    return new DataSets(trainSet, validationSet, testSet, description);
  }

  public int classes() {
    return train.classes();
  }

  public void unpersist() {
    train.unpersist();
    if (validation != null) validation.unpersist();
    if (test != null) test.unpersist();
  }
}
