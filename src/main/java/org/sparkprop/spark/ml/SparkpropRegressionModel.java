package org.sparkprop.spark.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.nn.Workspace;

/**
 * A network fitted by {@link SparkpropRegressor}. {@code transform} appends {@code predictionCol}
 * (the network's single output; a vector of every target's for a model fitted on a vector label,
 * {@link #numTargets()} &gt; 1), computed lazily in chunks of rows with the weights broadcast once
 * per model. The training params the model was fitted with stay readable
 * ({@link SparkpropParams}), and {@link #summary()} tells how the fit went.
 */
public final class SparkpropRegressionModel extends RegressionModel<Vector, SparkpropRegressionModel>
    implements SparkpropParams, MLWritable {
  private static final long serialVersionUID = 1L;

  private String uid; // set by the first uid() call, which Spark's constructor makes (see PendingUid)
  private final SparkpropParamSet params;
  private final FittedNetwork network;
  private final OutputReading reading;

  SparkpropRegressionModel(String uid, FittedNetwork network) {
    this(PendingUid.stash(uid), network);
  }

  private SparkpropRegressionModel(PendingUid.Token token, FittedNetwork network) {
    super();
    uid();
    if (network.classes() != 0) {
      throw new IllegalArgumentException("a regression model needs real-valued outputs, got " + network.spec().describe());
    }
    this.network = network;
    this.params = new SparkpropParamSet(this, Task.REGRESSION);
    this.reading = new OutputReading(network.spec(), 0, network.target());
  }

  @Override
  public String uid() {
    if (uid == null) uid = PendingUid.take();
    return uid;
  }

  @Override
  public SparkpropParamSet sparkpropParamSet() {
    return params;
  }

  @Override
  public int numFeatures() {
    return network.spec().inputs();
  }

  /** How the fit went; restored with the model when it is loaded. */
  public SparkpropTrainingSummary summary() {
    return network.summary();
  }

  public boolean hasSummary() {
    return true;
  }

  /** The architecture, e.g. "3-16-1 (tanh hidden, identity output, mse loss, 81 parameters)". */
  public String network() {
    return network.spec().describe();
  }

  /** A copy of the flat weights: per layer from the input, W (out, in) row-major, then b (out). */
  public float[] weights() {
    return network.weightsShared().clone();
  }

  /** Targets predicted per row: 1, or several for a model fitted on a vector label (then see {@link #predictVector}). */
  public int numTargets() {
    return reading.targets();
  }

  /** The single target's prediction; a model of several targets predicts with {@link #predictVector}. */
  @Override
  public double predict(Vector features) {
    if (numTargets() > 1) {
      throw new UnsupportedOperationException("this model predicts " + numTargets() + " targets: use predictVector");
    }
    Workspace ws = BatchPredictor.forwardOne(network.spec(), network.weightsShared(), features, getFeaturesCol());
    return reading.value(ws, 0);
  }

  /** Every target's prediction, in the label vector's order and units (one element for a single target). */
  public Vector predictVector(Vector features) {
    Workspace ws = BatchPredictor.forwardOne(network.spec(), network.weightsShared(), features, getFeaturesCol());
    return org.apache.spark.ml.linalg.Vectors.dense(reading.values(ws, 0));
  }

  /** Spark's schema, with {@code predictionCol} a vector when the model predicts several targets. */
  @Override
  public StructType transformSchema(StructType schema) {
    if (numTargets() > 1) return VectorLabels.withVectorPrediction(schema, getFeaturesCol(), getPredictionCol());
    return super.transformSchema(schema);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    return new ModelTransform(schema)
        .add(BatchPredictor.Output.PREDICTION, getPredictionCol())
        .apply(dataset, "SparkpropRegressionModel " + uid(), getFeaturesCol(), network, reading, null);
  }

  @Override
  public SparkpropRegressionModel copy(ParamMap extra) {
    SparkpropRegressionModel copied = new SparkpropRegressionModel(uid(), network);
    if (hasParent()) copied.setParent(parent());
    return copyValues(copied, extra);
  }

  /**
   * Writes this model as an ONNX file to {@code path} (any Hadoop URI; an existing file is an error),
   * to serve it without Spark: input {@code features} (rows, numFeatures) float32; outputs {@code prediction} (rows, 1) in the label's units.
   * See {@link org.sparkprop.io.onnx.OnnxExport} for the graph.
   */
  public void exportOnnx(String path) throws java.io.IOException {
    network.exportOnnx(path);
  }

  @Override
  public MLWriter write() {
    return new ModelIO.Writer(this, network, Task.REGRESSION);
  }

  public static MLReader<SparkpropRegressionModel> read() {
    return new ModelIO.Reader<>(SparkpropRegressionModel.class, Task.REGRESSION, SparkpropRegressionModel::new);
  }

  public static SparkpropRegressionModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "SparkpropRegressionModel: uid=" + uid() + ", network=" + network();
  }
}
