package org.sparkprop.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.io.ModelStore;
import org.sparkprop.io.SavedModel;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.TrainingResult;
import org.sparkprop.train.WeightsDigest;

/** Writes a trained network as a model directory with the metadata a later reader needs. */
final class ModelWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelWriter() {
  }

  static void write(String dirUri, Configuration hadoop, NetworkSpec spec, TrainConfig cfg, TrainingResult result,
                    ObjectNode testMetrics, DataSets data) throws IOException {
    ObjectNode meta = JSON.createObjectNode();
    ObjectNode arch = meta.putObject("architecture");
    arch.put("inputs", spec.inputs());
    arch.set("hidden", JSON.valueToTree(spec.hidden()));
    arch.put("hiddenActivation", spec.hiddenActivation().configName());
    arch.put("outputs", spec.outputs());
    arch.put("outputActivation", spec.outputActivation().configName());
    arch.put("loss", spec.loss().configName());
    arch.put("layout", "per layer from the input: W (out, in) row-major, then b (out); float32 little-endian");
    meta.put("classes", data.classes());
    meta.put("targetWidth", data.train().targetWidth());
    meta.put("dataSource", data.description());
    meta.put("seed", cfg.train().seed());
    meta.set("trainingConfig", JSON.valueToTree(cfg.resolved()));
    meta.set("finalMetrics", testMetrics);
    meta.put("trainLoss", result.trainLoss());
    meta.put("weightsSha256", WeightsDigest.sha256(result.params()));
    ObjectNode versions = meta.putObject("versions");
    String own = ModelWriter.class.getPackage().getImplementationVersion();
    versions.put("sparkprop", own == null ? "development" : own);
    versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    versions.put("java", System.getProperty("java.version"));
    ModelStore.save(dirUri, hadoop, new SavedModel(meta, result.params()), true);
  }
}
