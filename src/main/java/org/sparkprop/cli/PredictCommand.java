package org.sparkprop.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparkprop.app.PredictJob;
import org.sparkprop.train.CancelledWorkException;
import org.sparkprop.train.StopRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Predict with a trained model on Spark, applying its saved preprocessing; Spark writes the output",
        "in parallel: id (if the input has one), row, prediction, and a probability_<class> column per class."})
final class PredictCommand implements Callable<Integer> {
  @Mixin
  DataOptions data;

  @Option(names = "--output", required = true, paramLabel = "URI", description = "Output directory (must not exist).")
  String output;

  @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|parquet", description = "Output format (default csv).")
  String format;

  @Option(names = "--input-format", paramLabel = "csv|libsvm|parquet|idx", description = "Format of --data (default: the model's training format).")
  String inputFormat;

  @Override
  public Integer call() throws Exception {
    String out = format.toLowerCase(Locale.ROOT);
    if (!out.equals("csv") && !out.equals("parquet")) {
      throw new IllegalArgumentException("--format must be csv or parquet, got '" + format + "'");
    }
    StopRequest stop = new StopRequest();
    try (StopSignals signals = StopSignals.install(System.err, stop, "cancelling its Spark jobs")) {
      try {
        PredictJob.run(data.request(Formats.input(inputFormat)), output, out, System.out, stop);
        return 0;
      } catch (CancelledWorkException e) {
        System.err.println("sparkprop: " + e.getMessage());
        return signals.exitCode() != 0 ? signals.exitCode() : TrainCommand.CANCELLED_EXIT;
      }
    }
  }
}
