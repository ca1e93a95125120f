package org.sparkprop.cli;

import java.util.concurrent.Callable;
import org.sparkprop.app.ExportJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a trained model as a file that runs without Spark: ONNX, with the model's feature and target",
        "scaling inside the graph. Input 'features' (raw rows, float32); outputs 'prediction' (regression), or 'label',",
        "'class' and, for softmax and sigmoid outputs, 'probability' (classification)."})
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model directory train wrote (any Hadoop URI).")
  String model;

  @Option(names = "--format", paramLabel = "onnx", defaultValue = ExportJob.ONNX, description = "Format of the output (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write it (any Hadoop URI).")
  String output;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    ExportJob.run(model, format, output, overwrite, System.out);
    return 0;
  }
}
