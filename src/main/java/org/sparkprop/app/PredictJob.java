package org.sparkprop.app;

import org.sparkprop.config.TrainingRecipe;
import org.sparkprop.spark.RunJobs;
import org.sparkprop.spark.SparkErrors;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.spark.input.InputLoader;
import org.sparkprop.spark.input.OpenedInput;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.spark.RowStore;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.data.ParsedRow;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.PartitionReader;
import org.sparkprop.data.RowRules;
import org.sparkprop.data.ValidationSplit;
import org.sparkprop.io.LoadedModel;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.CancelledWorkException;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.Predictions;
import org.sparkprop.train.StopRequest;

/**
 * The {@code predict} command's work: read rows (labels, if any, are ignored), apply the model's
 * saved preprocessing, run the network on the executors in chunks, and let Spark write one part
 * file per input partition (CSV with header, or Parquet). Columns: the input's id column if it has
 * one, {@code row} (the row's 0-based position among the input's good rows), {@code prediction}
 * (the class name, or the value in the target's units), and for softmax or sigmoid classifiers one
 * {@code probability_<class>} column per class. Bad rows are checked in a first pass, before
 * anything is written.
 */
public final class PredictJob {
  private PredictJob() {
  }

  /** @return the number of rows predicted */
  public static long run(ModelData request, String output, String outputFormat, PrintStream console) throws Exception {
    return run(request, output, outputFormat, console, new StopRequest());
  }

  /**
   * As above; {@code stop} cancels the job's Spark jobs, and the output directory is then left
   * without Spark's {@code _SUCCESS} marker (the committer aborts and removes the task files).
   *
   * @throws CancelledWorkException when stopped or cancelled before the output was complete
   */
  public static long run(ModelData request, String output, String outputFormat, PrintStream console, StopRequest stop)
      throws Exception {
    SparkSession spark = SparkSessions.create(request.master(), Map.of());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try (RunJobs jobs = RunJobs.start(sc, "predict", RunJobs.newRunId("predict"))) {
      stop.whenRequested(() -> sc.cancelJobGroup(jobs.jobGroup()));
      return predict(request, output, outputFormat, console, spark, sc, jobs);
    } catch (Exception e) { // SparkException is checked, yet Spark's Scala code throws it undeclared
      if (!RunJobs.isCancellation(e)) throw e;
      throw new CancelledWorkException("predict was " + (stop.requested() ? "stopped (" + stop.reason() + ")"
          : "cancelled") + " before its output was complete: " + output + " has no _SUCCESS marker; remove it before"
          + " running again", e);
    }
  }

  private static long predict(ModelData request, String output, String outputFormat, PrintStream console,
                              SparkSession spark, JavaSparkContext sc, RunJobs jobs) throws Exception {
    jobs.describe("loading the model and checking the input");
    LoadedModel model = LoadedModel.load(request.model(), sc.hadoopConfiguration());
    console.println("model: " + model.spec().describe());
    int partitions = request.partitions() > 0 ? request.partitions() : sc.defaultParallelism();
    OpenedInput input = DataSets.expecting(request.open(spark, model, LabelMode.NONE, partitions), model.spec().inputs(),
        null, "the model");
    InputLoader.Plan plan = new InputLoader.Plan(request.skipBadRows(), request.maxBadFraction(), model.preprocessing(),
        model.preprocessing().features().method(), false, ValidationSplit.none(), PartitionSizing.fixed(partitions),
        RowStore.memory(StorageLevel.NONE()), InputLoader.OPTION_BAD_ROW_ADVICE);
    InputLoader.Scanned scanned = InputLoader.scan(input, plan, console);

    NetworkSpec spec = model.spec();
    Preprocessing prep = model.preprocessing();
    boolean probabilities = Predictions.hasProbabilities(spec, prep);
    DataType idType = input.idType();
    List<String> outputs = spec.outputs() > 1 && !prep.classification() ? OutputNames.of(model.input(), spec.outputs()) : null;
    boolean multiLabel = outputs != null && EvaluationAccumulator.multiLabel(spec, 0);
    StructType outSchema = outputs == null ? schema(idType, prep, probabilities) : schema(idType, outputs, multiLabel);
    Broadcast<float[]> weights = sc.broadcast(model.weights());
    RowRules rules = scanned.rules();
    long[] starts = scanned.starts();
    boolean withId = idType != null;
    JavaRDD<Row> rows = input.cursors().mapPartitionsWithIndex((p, it) ->
        new Predicting(it.next(), rules, spec, prep, weights.value(), starts[p], withId, probabilities,
            outputs == null ? 0 : outputs.size(), multiLabel), true);
    String format = outputFormat.toLowerCase(Locale.ROOT);
    jobs.describe("writing predictions to " + output);
    try {
      SparkErrors.reading(input.name(), () -> {
        var writer = spark.createDataFrame(rows, outSchema).write().format(format);
        if (format.equals("csv")) writer = writer.option("header", "true");
        writer.save(output);
        return null;
      });
    } finally {
      weights.destroy();
    }
    console.printf(Locale.ROOT, "wrote %,d predictions to %s (%s)%n", scanned.rows(), output, format);
    return scanned.rows();
  }

  static StructType schema(DataType idType, Preprocessing prep, boolean probabilities) {
    List<StructField> fields = new ArrayList<>();
    if (idType != null) fields.add(new StructField("id", idType, true, Metadata.empty()));
    fields.add(new StructField("row", DataTypes.LongType, false, Metadata.empty()));
    fields.add(new StructField("prediction", prep.classification() ? DataTypes.StringType : DataTypes.DoubleType, false,
        Metadata.empty()));
    if (probabilities) {
      for (String c : prep.labels().names()) {
        fields.add(new StructField("probability_" + c, DataTypes.DoubleType, false, Metadata.empty()));
      }
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /**
   * The columns of several outputs: {@code prediction_<output>} per output (the value in the target's
   * units; for a multi-label model the 0/1 label), and for a multi-label model {@code probability_<output>}.
   */
  static StructType schema(DataType idType, List<String> outputs, boolean multiLabel) {
    List<StructField> fields = new ArrayList<>();
    if (idType != null) fields.add(new StructField("id", idType, true, Metadata.empty()));
    fields.add(new StructField("row", DataTypes.LongType, false, Metadata.empty()));
    for (String o : outputs) {
      fields.add(new StructField("prediction_" + o, multiLabel ? DataTypes.IntegerType : DataTypes.DoubleType, false,
          Metadata.empty()));
    }
    if (multiLabel) {
      for (String o : outputs) fields.add(new StructField("probability_" + o, DataTypes.DoubleType, false, Metadata.empty()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** One partition's output rows, computed a chunk of input rows at a time. */
  private static final class Predicting implements Iterator<Row> {
    private static final int CHUNK = TrainingRecipe.CHUNK_ROWS;
    private final PartitionReader cursor;
    private final RowRules rules;
    private final Preprocessing prep;
    private final int inputs;
    private final boolean withId;
    private final boolean probabilities;
    private final int outputs;        // several outputs: how many (0 for one output or classes)
    private final boolean multiLabel; // several outputs are 0/1 labels
    private final Predictions predictions;
    private final float[] x;        // (CHUNK, inputs) scaled rows of the current chunk
    private final Object[] ids = new Object[CHUNK];
    private long nextIndex;
    private int filled;
    private int emitted;
    private boolean done;

    Predicting(PartitionReader cursor, RowRules rules, NetworkSpec spec, Preprocessing prep, float[] weights, long firstIndex,
               boolean withId, boolean probabilities, int outputs, boolean multiLabel) {
      this.outputs = outputs;
      this.multiLabel = multiLabel;
      this.cursor = cursor;
      this.rules = rules;
      this.prep = prep;
      this.inputs = spec.inputs();
      this.withId = withId;
      this.probabilities = probabilities;
      this.nextIndex = firstIndex;
      this.x = new float[CHUNK * inputs];
      this.predictions = new Predictions(new DenseNetwork(spec, Kernels.gemm()), weights, prep, new Workspace(spec, 1, CHUNK));
    }

    @Override
    public boolean hasNext() {
      if (emitted < filled) return true;
      if (done) return false;
      fill();
      return emitted < filled;
    }

    private void fill() {
      filled = 0;
      emitted = 0;
      try {
        while (filled < CHUNK && cursor.next()) {
          ParsedRow row = cursor.row();
          rules.check(row);
          if (!row.ok()) continue; // the scan allowed it: skipped
          java.util.Arrays.fill(x, filled * inputs, (filled + 1) * inputs, 0f);
          System.arraycopy(row.features(), 0, x, filled * inputs, Math.min(row.width(), inputs));
          ids[filled] = row.id();
          filled++;
        }
        if (filled < CHUNK) {
          done = true;
          cursor.close();
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      prep.features().apply(x, 0, filled);
      if (filled > 0) predictions.run(x, filled);
    }

    @Override
    public Row next() {
      if (!hasNext()) throw new NoSuchElementException();
      int r = emitted++;
      List<Object> values = new ArrayList<>();
      if (withId) values.add(ids[r] == null ? null : ids[r]);
      values.add(nextIndex++);
      if (outputs > 0) {
        for (int j = 0; j < outputs; j++) {
          values.add(multiLabel ? (Object) (predictions.output(r, j) >= 0.5 ? 1 : 0) : (Object) predictions.value(r, j));
        }
        if (multiLabel) {
          for (int j = 0; j < outputs; j++) values.add(predictions.output(r, j));
        }
      } else if (prep.classification()) {
        values.add(prep.labels().name(predictions.predictedClass(r)));
        if (probabilities) {
          for (int c = 0; c < predictions.probabilityWidth(); c++) values.add(predictions.probability(r, c));
        }
      } else {
        values.add(predictions.value(r, 0));
      }
      return RowFactory.create(values.toArray());
    }
  }
}
