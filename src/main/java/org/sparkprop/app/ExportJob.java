package org.sparkprop.app;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.io.onnx.OnnxExport;

/**
 * The {@code export} command's work: a saved model directory as one file another runtime serves.
 * Needs no Spark: the model is read and the file written through Hadoop's file systems.
 */
public final class ExportJob {
  /** The formats export writes. */
  public static final String ONNX = "onnx";

  private ExportJob() {
  }

  /** Writes the model in {@code modelDir} as {@code format} to {@code output}; an existing output is replaced only when asked. */
  public static void run(String modelDir, String format, String output, boolean overwrite, PrintStream console)
      throws IOException {
    if (!ONNX.equals(format.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("unknown export format '" + format + "'; expected " + ONNX);
    }
    Configuration hadoop = new Configuration();
    LoadedModel model = LoadedModel.load(modelDir, hadoop);
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("sparkprop.network", model.spec().describe());
    properties.put("sparkprop.task", model.preprocessing().classification() ? "classification" : "regression");
    properties.put("sparkprop.featureScaling", model.preprocessing().features().method().configName());
    String digest = model.metadata().path("weightsSha256").asText("");
    if (!digest.isEmpty()) properties.put("sparkprop.weightsSha256", digest);
    OnnxExport.write(output, hadoop, overwrite, model.spec(), model.weights(), model.preprocessing(), properties);
    console.println("model: " + model.spec().describe());
    console.println("wrote " + output + " (ONNX, input " + OnnxExport.FEATURES + ", outputs "
        + (model.preprocessing().classification() ? OnnxExport.LABEL + ", " + OnnxExport.CLASS
        + (org.sparkprop.train.Predictions.hasProbabilities(model.spec(), model.preprocessing())
            ? ", " + OnnxExport.PROBABILITY : "") : OnnxExport.PREDICTION) + ")");
  }
}
