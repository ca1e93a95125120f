package org.sparkprop.app;

import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.spark.SparkEvaluator;
import org.sparkprop.spark.RunJobs;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.input.InputLoader;
import org.sparkprop.spark.input.OpenedInput;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.RowStore;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.nn.Loss;
import org.sparkprop.train.ClassMetrics;
import org.sparkprop.train.CancelledWorkException;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.StopRequest;

/**
 * The {@code evaluate} command's work: load a model, read labelled data with the model's saved
 * preprocessing, and compute the metrics on the executors (per-partition statistics merged in
 * partition order): accuracy, per-class precision, recall and F1, the confusion matrix and the
 * log-loss for a classifier; MSE, MAE and R² (in the target's units) for a regression.
 */
public final class EvaluateJob {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private EvaluateJob() {
  }

  /**
   * @param output where to write the metrics as JSON (any Hadoop URI), or null to print them
   * @return the metrics as written
   */
  public static ObjectNode run(ModelData request, String output, PrintStream console) throws IOException {
    return run(request, output, console, new StopRequest());
  }

  /**
   * As above; {@code stop} cancels the job's Spark jobs, and nothing is written.
   *
   * @throws CancelledWorkException when stopped or cancelled before the metrics were complete
   */
  public static ObjectNode run(ModelData request, String output, PrintStream console, StopRequest stop)
      throws IOException {
    SparkSession spark = SparkSessions.create(request.master(), Map.of());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try (RunJobs jobs = RunJobs.start(sc, "evaluate", RunJobs.newRunId("evaluate"))) {
      stop.whenRequested(() -> sc.cancelJobGroup(jobs.jobGroup()));
      jobs.describe("evaluating " + request.model());
      return evaluate(request, output, console, spark, sc);
    } catch (Exception e) { // SparkException is checked, yet Spark's Scala code throws it undeclared
      if (!RunJobs.isCancellation(e)) throw RunJobs.unchecked(e);
      throw new CancelledWorkException("evaluate was " + (stop.requested() ? "stopped (" + stop.reason() + ")"
          : "cancelled") + " before its metrics were complete; nothing was written", e);
    }
  }

  private static ObjectNode evaluate(ModelData request, String output, PrintStream console, SparkSession spark,
                                     JavaSparkContext sc) throws IOException {
    LoadedModel model = LoadedModel.load(request.model(), sc.hadoopConfiguration());
    console.println("model: " + model.spec().describe());
    boolean classes = model.preprocessing().classification();
    int partitions = request.partitions() > 0 ? request.partitions() : sc.defaultParallelism();
    LabelMode mode = classes ? LabelMode.CLASSES
        : EvaluationAccumulator.multiLabel(model.spec(), 0) ? LabelMode.MULTI_LABEL : LabelMode.VALUES;
    OpenedInput input = DataSets.expecting(request.open(spark, model, mode, partitions),
        model.spec().inputs(), model.preprocessing().labels(), "the model");
    InputLoader.Plan plan = new InputLoader.Plan(request.skipBadRows(), request.maxBadFraction(), model.preprocessing(),
        model.preprocessing().features().method(), false, ValidationSplit.none(), PartitionSizing.fixed(partitions), RowStore.AUTO,
        InputLoader.OPTION_BAD_ROW_ADVICE);
    InputLoader.Result data = InputLoader.load(input, plan, console);
    EvaluationAccumulator stats;
    try {
      stats = new SparkEvaluator(sc, data.main(), model.spec(), TrainingRecipe.CHUNK_ROWS, model.preprocessing().target())
          .evaluate(model.weights());
    } finally {
      data.main().unpersist();
    }
    ObjectNode metrics = metrics(model, stats, input.name());
    metrics.put("badRowsSkipped", data.badRows().badRows());
    print(metrics, console);
    String text = JSON.writeValueAsString(metrics);
    if (output == null) {
      console.println(text);
    } else {
      Path out = new Path(output);
      FileSystem fs = out.getFileSystem(sc.hadoopConfiguration());
      try (OutputStream o = fs.create(out, true)) {
        o.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      }
      console.println("wrote " + out);
    }
    return metrics;
  }

  static ObjectNode metrics(LoadedModel model, EvaluationAccumulator stats, String data) {
    ObjectNode m = JSON.createObjectNode();
    m.put("data", data);
    m.put("rows", stats.count());
    Map<String, Double> base = stats.metrics();
    if (stats.classes() > 0) {
      m.put("task", "classification");
      m.put("accuracy", base.get("accuracy"));
      Loss loss = model.spec().loss();
      if (loss == Loss.CROSS_ENTROPY || loss == Loss.BCE) m.put("logLoss", base.get("loss"));
      LabelMapping labels = model.preprocessing().labels();
      long[][] confusion = stats.confusionMatrix();
      List<ClassMetrics> perClass = ClassMetrics.of(confusion);
      ArrayNode classes = m.putArray("perClass");
      for (ClassMetrics c : perClass) {
        ObjectNode o = classes.addObject();
        o.put("class", labels.name(c.classIndex()));
        o.put("precision", c.precision());
        o.put("recall", c.recall());
        o.put("f1", c.f1());
        o.put("support", c.support());
      }
      m.put("macroF1", ClassMetrics.macroF1(perClass));
      ObjectNode cm = m.putObject("confusionMatrix");
      cm.put("rows", "true class");
      cm.put("columns", "predicted class");
      cm.set("labels", JSON.valueToTree(labels.names()));
      cm.set("counts", JSON.valueToTree(confusion));
    } else if (stats.multiLabel()) {
      m.put("task", "multi-label classification");
      m.put("accuracy", base.get("accuracy")); // subset accuracy: every label of the row right
      m.put("hammingLoss", base.get("hammingLoss"));
      m.put("microF1", base.get("microF1"));
      m.put("macroF1", base.get("macroF1"));
      m.put("logLoss", base.get("loss"));
      ArrayNode outputs = m.putArray("perOutput");
      List<String> names = OutputNames.of(model.input(), stats.perOutputs());
      for (int j = 0; j < stats.perOutputs(); j++) {
        long[] c = stats.labelCounts(j); // tp, fp, fn, tn
        ObjectNode o = outputs.addObject();
        o.put("output", names.get(j));
        o.put("accuracy", base.get("accuracy[" + j + "]"));
        o.put("precision", c[0] + c[1] == 0 ? 0 : (double) c[0] / (c[0] + c[1]));
        o.put("recall", c[0] + c[2] == 0 ? 0 : (double) c[0] / (c[0] + c[2]));
        o.put("f1", base.get("f1[" + j + "]"));
        o.put("support", c[0] + c[2]);
      }
    } else {
      m.put("task", "regression");
      m.put("mse", base.get("mse"));
      m.put("mae", base.get("mae"));
      m.put("r2", base.get("r2"));
      m.put("loss", base.get("loss"));
      if (stats.perOutputs() > 1) {
        ArrayNode outputs = m.putArray("perOutput");
        List<String> names = OutputNames.of(model.input(), stats.perOutputs());
        for (int j = 0; j < stats.perOutputs(); j++) {
          ObjectNode o = outputs.addObject();
          o.put("output", names.get(j));
          o.put("mse", base.get("mse[" + j + "]"));
          o.put("mae", base.get("mae[" + j + "]"));
          o.put("r2", base.get("r2[" + j + "]"));
        }
      }
    }
    return m;
  }

  private static void print(ObjectNode m, PrintStream console) {
    console.printf(Locale.ROOT, "evaluated %,d rows of %s%n", m.path("rows").asLong(), m.path("data").asText());
    if ("classification".equals(m.path("task").asText())) {
      console.printf(Locale.ROOT, "accuracy %.4f%s, macro F1 %.4f%n", m.path("accuracy").asDouble(),
          m.has("logLoss") ? String.format(Locale.ROOT, ", log-loss %.4f", m.path("logLoss").asDouble()) : "",
          m.path("macroF1").asDouble());
      console.printf(Locale.ROOT, "%-16s %9s %9s %9s %9s%n", "class", "precision", "recall", "f1", "support");
      m.path("perClass").forEach(c -> console.printf(Locale.ROOT, "%-16s %9.4f %9.4f %9.4f %9d%n",
          c.path("class").asText(), c.path("precision").asDouble(), c.path("recall").asDouble(), c.path("f1").asDouble(),
          c.path("support").asLong()));
    } else if (m.path("task").asText().startsWith("multi-label")) {
      console.printf(Locale.ROOT, "subset accuracy %.4f, Hamming loss %.4f, micro F1 %.4f, macro F1 %.4f%n",
          m.path("accuracy").asDouble(), m.path("hammingLoss").asDouble(), m.path("microF1").asDouble(),
          m.path("macroF1").asDouble());
      console.printf(Locale.ROOT, "%-16s %9s %9s %9s %9s %9s%n", "output", "accuracy", "precision", "recall", "f1", "support");
      m.path("perOutput").forEach(o -> console.printf(Locale.ROOT, "%-16s %9.4f %9.4f %9.4f %9.4f %9d%n",
          o.path("output").asText(), o.path("accuracy").asDouble(), o.path("precision").asDouble(),
          o.path("recall").asDouble(), o.path("f1").asDouble(), o.path("support").asLong()));
    } else {
      console.printf(Locale.ROOT, "mse %.6g, mae %.6g, r2 %.4f%s%n", m.path("mse").asDouble(), m.path("mae").asDouble(),
          m.path("r2").asDouble(), m.has("perOutput") ? " (r2: mean of the outputs')" : "");
      m.path("perOutput").forEach(o -> console.printf(Locale.ROOT, "  %-16s mse %.6g, mae %.6g, r2 %.4f%n",
          o.path("output").asText(), o.path("mse").asDouble(), o.path("mae").asDouble(), o.path("r2").asDouble()));
    }
  }
}
