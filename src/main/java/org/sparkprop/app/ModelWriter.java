package org.sparkprop.app;

import org.sparkprop.spark.input.DataSets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/** Writes a trained network as a model directory with everything a later reader needs (see {@link LoadedModel}). */
final class ModelWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelWriter() {
  }

  static void write(String dirUri, Configuration hadoop, NetworkSpec spec, TrainConfig cfg, TrainingResult result,
                    ObjectNode testMetrics, DataSets data, String kernel) throws IOException {
    write(dirUri, hadoop, spec, cfg, result, testMetrics, data.description(), data.train().partitions(),
        data.preprocessing(), data.input(), kernel);
  }

  /** Writes the model of a run whose data was described as {@code description} and packed in {@code partitions}. */
  static void write(String dirUri, Configuration hadoop, NetworkSpec spec, TrainConfig cfg, TrainingResult result,
                    ObjectNode testMetrics, String description, int partitions, Preprocessing preprocessing,
                    InputSchema input, String kernel) throws IOException {
    ObjectNode provenance = JSON.createObjectNode();
    provenance.put("dataSource", description);
    provenance.put("seed", cfg.train().seed());
    provenance.put("partitions", partitions);
    provenance.put("kernel", kernel);
    provenance.set("trainingConfig", JSON.valueToTree(cfg.resolved()));
    provenance.set("finalMetrics", testMetrics);
    provenance.put("trainLoss", result.trainLoss());
    provenance.put("epochs", result.epochs());
    provenance.put("rounds", result.rounds());
    provenance.put("stopReason", result.stopReason().configName());
    provenance.put("bestEpoch", result.bestEpoch());
    provenance.put("weightsSha256", WeightsDigest.sha256(result.params()));
    provenance.set("versions", versions());
    ObjectNode meta = LoadedModel.metadata(spec, preprocessing, input, provenance);
    new LoadedModel(spec, result.params(), preprocessing, input, meta).save(dirUri, hadoop, true);
  }

  static ObjectNode versions() {
    ObjectNode versions = JSON.createObjectNode();
    String own = ModelWriter.class.getPackage().getImplementationVersion();
    versions.put("sparkprop", own == null ? "development" : own);
    versions.put("spark", org.sparkprop.spark.compat.SparkLineCheck.runningSpark());
    versions.put("java", System.getProperty("java.version"));
    return versions;
  }
}
