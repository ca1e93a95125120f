package org.sparkprop.app;

import org.sparkprop.spark.PackedDataset;
import org.sparkprop.spark.input.DataSets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.BlockSample;
import org.sparkprop.data.InputSchema;
import org.sparkprop.driver.HeldSet;
import org.sparkprop.driver.HeldSets;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.data.Playground;
import org.sparkprop.data.RowGenerator;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.report.InputPlane;
import org.sparkprop.report.NetworkDiagram;
import org.sparkprop.report.ReportFiles;
import org.sparkprop.report.TrainingReport;

/**
 * Connects a train job to its report folder {@code DIR/report/}: takes small seeded samples of the
 * training and test rows from the cached partitions (one short Spark job each, before training
 * starts; the drawing itself runs on the driver), decides whether the data has a plane to draw,
 * and writes through the output directory's Hadoop file system.
 */
final class JobReport {
  /** Rows kept for the pictures and the per-epoch training metrics. */
  static final int TRAIN_SAMPLE_ROWS = 2000;
  static final int TEST_SAMPLE_ROWS = 1000;
  private static final long SAMPLE_SEED = 0x5EED_0F_5A4BL;

  private JobReport() {
  }

  static TrainingReport create(TrainConfig cfg, DataSets data, NetworkSpec spec, FileSystem fs, Path reportDir) {
    PackedBlock train = sample(data.train(), TRAIN_SAMPLE_ROWS);
    PackedBlock test = data.test() == null ? null : sample(data.test(), TEST_SAMPLE_ROWS);
    String evaluation = data.validation() != null ? "validation" : data.test() != null ? "test" : null;
    return create(cfg, spec, data.classes(), train, test, evaluation, data.train().features(), data.input(), fs,
        reportDir);
  }

  /** The report of a run without Spark, its samples taken from the sets held in the driver. */
  static TrainingReport create(TrainConfig cfg, HeldSets data, NetworkSpec spec, FileSystem fs, Path reportDir) {
    PackedBlock train = sample(data.train(), TRAIN_SAMPLE_ROWS);
    PackedBlock test = data.test() == null ? null : sample(data.test(), TEST_SAMPLE_ROWS);
    String evaluation = data.validation() != null ? "validation" : data.test() != null ? "test" : null;
    return create(cfg, spec, data.classes(), train, test, evaluation, data.train().features(), data.input(), fs,
        reportDir);
  }

  private static TrainingReport create(TrainConfig cfg, NetworkSpec spec, int classes, PackedBlock train, PackedBlock test,
                                       String evaluation, int features, InputSchema input, FileSystem fs, Path reportDir) {
    TrainingReport.Inputs inputs = new TrainingReport.Inputs(spec, classes, train, test, evaluation,
        plane(cfg, features), featureNames(cfg, input, features));
    return new TrainingReport(inputs, files(fs, reportDir));
  }

  /**
   * Where the report's files go. On a local disk, straight through java.nio: no .crc file beside
   * every picture (checksums protect data, not a web page), and no {@code chmod} process per file,
   * which Hadoop's local file system starts to set a new file's permissions when Hadoop's native
   * library is not installed (some 60 processes for the quick start's report). The files get the
   * same permissions, from the process's umask. Elsewhere, through the output's Hadoop file system.
   */
  static ReportFiles files(FileSystem fs, Path reportDir) {
    if (fs instanceof LocalFileSystem local) return ReportFiles.directory(local.pathToFile(reportDir).toPath());
    if (fs instanceof RawLocalFileSystem raw) return ReportFiles.directory(raw.pathToFile(reportDir).toPath());
    return name -> fs.create(new Path(reportDir, name), true);
  }

  /** The input features' names for the network drawing: the Playground's, the file's columns, or null. */
  static List<String> featureNames(TrainConfig cfg, DataSets data) {
    return featureNames(cfg, data.input(), data.train().features());
  }

  private static List<String> featureNames(TrainConfig cfg, InputSchema input, int features) {
    if (cfg.data().format() == TrainConfig.DataFormat.PLAYGROUND) {
      List<String> names = NetworkDiagram.playgroundFeatures(
          cfg.data().playground().extraFeatures().stream().map(Playground.ExtraFeature::configName).toList());
      return names.size() == features ? names : null;
    }
    List<String> names = input == null ? null : input.featureNames();
    return names != null && names.size() == features ? names : null;
  }

  /** About {@code maxRows} rows (all when there are fewer), the same whatever the partitioning. */
  static PackedBlock sample(PackedDataset set, int maxRows) {
    double fraction = Math.min(1.0, (double) maxRows / set.rows());
    long seed = SAMPLE_SEED;
    List<PackedBlock> parts = set.blocks().map(b -> BlockSample.of(b, fraction, seed)).collect();
    return BlockSample.concat(parts, set.features(), set.targetWidth());
  }

  /** The same sample of a set held in the driver: the same rows, whatever the partitioning. */
  static PackedBlock sample(HeldSet set, int maxRows) {
    double fraction = Math.min(1.0, (double) maxRows / set.rows());
    List<PackedBlock> parts = set.blocks().stream().map(b -> BlockSample.of(b, fraction, SAMPLE_SEED)).toList();
    return BlockSample.concat(parts, set.features(), set.targetWidth());
  }

  /**
   * The plane to draw: the Playground's own (x1, x2 and its derived features) for its unscaled
   * generated data, else the two features of any two-feature data set, else none.
   */
  static InputPlane plane(TrainConfig cfg, int features) {
    if (cfg.data().format() == TrainConfig.DataFormat.PLAYGROUND
        && cfg.data().effectiveScaling() == FeatureScaling.Method.NONE) {
      RowGenerator source = DataSets.generator(cfg);
      if (source instanceof Playground playground && playground.features() == features) {
        return InputPlane.playground(playground);
      }
    }
    return features == 2 ? InputPlane.twoFeatures() : null;
  }
}
