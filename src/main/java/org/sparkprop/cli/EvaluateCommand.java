package org.sparkprop.cli;

import java.util.concurrent.Callable;
import org.sparkprop.app.EvaluateJob;
import org.sparkprop.train.CancelledWorkException;
import org.sparkprop.train.StopRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a trained model on labelled data, on Spark: accuracy, per-class precision, recall and F1,",
        "confusion matrix and log-loss (classification); MSE, MAE and R2 (regression). Printed, and written as JSON."})
final class EvaluateCommand implements Callable<Integer> {
  @Mixin
  DataOptions data;

  @Option(names = "--format", paramLabel = "csv|libsvm|parquet|idx", description = "Format of --data (default: the model's training format).")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "Write the metrics JSON here (any Hadoop URI); default: print it.")
  String output;

  @Override
  public Integer call() throws Exception {
    StopRequest stop = new StopRequest();
    try (StopSignals signals = StopSignals.install(System.err, stop, "cancelling its Spark jobs")) {
      try {
        EvaluateJob.run(data.request(Formats.input(format)), output, System.out, stop);
        return 0;
      } catch (CancelledWorkException e) {
        System.err.println("sparkprop: " + e.getMessage());
        return signals.exitCode() != 0 ? signals.exitCode() : TrainCommand.CANCELLED_EXIT;
      }
    }
  }
}
