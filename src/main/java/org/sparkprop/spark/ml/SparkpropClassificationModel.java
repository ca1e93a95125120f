package org.sparkprop.spark.ml;

import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.EvaluationAccumulator;

/**
 * A network fitted by {@link SparkpropClassifier}. {@code transform} appends, like Spark's own
 * probabilistic classifiers, {@code rawPredictionCol}, {@code probabilityCol} and
 * {@code predictionCol} (each left out when its name is set to ""), computed lazily in chunks of
 * rows with the weights broadcast once per model; {@code thresholds} re-weigh the classes as in
 * Spark. What the raw scores and probabilities are for each output layer is described in
 * {@link OutputReading}; without thresholds the prediction follows the rule of the accuracy the fit
 * reported. The training params the model was fitted with stay readable ({@link SparkpropParams}),
 * and {@link #summary()} tells how the fit went.
 *
 * <p>A multi-label model (fitted on a vector or array label of 0/1 values, {@link #isMultiLabel()})
 * keeps Spark's column names and puts one element per label, in the label vector's order, in each:
 * <ul>
 *   <li>{@code rawPredictionCol}: a vector of the labels' logits z;</li>
 *   <li>{@code probabilityCol}: a vector of each label's own probability sigmoid(z) (the float32
 *       output of the network, as the predict command writes it), independent, so not summing to 1;</li>
 *   <li>{@code predictionCol}: a vector of 0/1, 1 where the label's probability is at least 0.5 (the
 *       rule of the multi-label metrics in {@link #summary()}).</li>
 * </ul>
 * {@link #predictLabels} and {@link #predictProbability} give the same for one row; {@code predict}
 * (one number) and {@code thresholds} (one per class of a single label) do not apply and are refused.
 */
public final class SparkpropClassificationModel
    extends ProbabilisticClassificationModel<Vector, SparkpropClassificationModel>
    implements SparkpropParams, MLWritable {
  private static final long serialVersionUID = 1L;

  private String uid; // set by the first uid() call, which Spark's constructor makes (see PendingUid)
  private final SparkpropParamSet params;
  private final FittedNetwork network;
  private final OutputReading reading;

  SparkpropClassificationModel(String uid, FittedNetwork network) {
    this(PendingUid.stash(uid), network);
  }

  private SparkpropClassificationModel(PendingUid.Token token, FittedNetwork network) {
    super();
    uid();
    if (network.classes() < 2 && !EvaluationAccumulator.multiLabel(network.spec(), network.classes())) {
      throw new IllegalArgumentException("a classification model needs at least 2 classes, or several sigmoid outputs"
          + " trained with bce (multi-label), got " + network.classes() + " classes and " + network.spec().describe());
    }
    this.network = network;
    this.params = new SparkpropParamSet(this, Task.CLASSIFICATION);
    this.reading = new OutputReading(network.spec(), network.classes());
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

  /** The classes of the label; 2 for a multi-label model, each of whose labels is 0 or 1. */
  @Override
  public int numClasses() {
    return reading.isMultiLabel() ? 2 : network.classes();
  }

  /** Whether the model predicts several independent 0/1 labels per row (it was fitted on a vector label). */
  public boolean isMultiLabel() {
    return reading.isMultiLabel();
  }

  /** The 0/1 labels predicted per row: several for a multi-label model, else 1. */
  public int numLabels() {
    return reading.labels();
  }

  /**
   * Each label's 0/1 prediction for one row, in the label vector's order: 1 where its probability is at
   * least 0.5. A single-label model gives its one predicted class.
   */
  public Vector predictLabels(Vector features) {
    if (!isMultiLabel()) return Vectors.dense(predict(features));
    Workspace ws = BatchPredictor.forwardOne(network.spec(), network.weightsShared(), features, getFeaturesCol());
    return Vectors.dense(reading.labelPredictions(ws, 0));
  }

  /** Spark's schema; for a multi-label model every output column is a vector of one element per label. */
  @Override
  public StructType transformSchema(StructType schema) {
    if (isMultiLabel()) {
      return VectorLabels.withMultiLabelColumns(schema, getFeaturesCol(), getRawPredictionCol(), getProbabilityCol(),
          getPredictionCol());
    }
    return super.transformSchema(schema);
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

  /** The architecture, e.g. "2-8-2 (tanh hidden, softmax output, cross_entropy loss, 42 parameters)". */
  public String network() {
    return network.spec().describe();
  }

  /** A copy of the flat weights: per layer from the input, W (out, in) row-major, then b (out). */
  public float[] weights() {
    return network.weightsShared().clone();
  }

  @Override
  public Vector predictRaw(Vector features) {
    Workspace ws = BatchPredictor.forwardOne(network.spec(), network.weightsShared(), features, getFeaturesCol());
    return Vectors.dense(reading.raw(ws, 0));
  }

  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    DenseVector dense = rawPrediction instanceof DenseVector d ? d : rawPrediction.toDense();
    reading.probabilityInPlace(dense.values());
    return dense;
  }

  @Override
  public double raw2prediction(Vector rawPrediction) {
    refuseForMultiLabel("raw2prediction");
    if (isDefined(thresholds())) return super.raw2prediction(rawPrediction);
    return reading.predictedClassFromRaw(rawPrediction.toArray());
  }

  @Override
  public double predict(Vector features) {
    refuseForMultiLabel("predict");
    if (isDefined(thresholds())) return super.predict(features);
    Workspace ws = BatchPredictor.forwardOne(network.spec(), network.weightsShared(), features, getFeaturesCol());
    return reading.predictedClass(ws, 0);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    double[] thresholds = null;
    if (isDefined(thresholds())) {
      if (isMultiLabel()) {
        throw new IllegalArgumentException("thresholds re-weigh the classes of one label; this model predicts "
            + numLabels() + " independent 0/1 labels (label k is 1 where its probability is at least 0.5): clear"
            + " thresholds, or threshold the probability column yourself");
      }
      thresholds = getThresholds();
      if (thresholds.length != numClasses()) {
        throw new IllegalArgumentException("thresholds has " + thresholds.length + " values but the model has "
            + numClasses() + " classes: give one threshold per class");
      }
    }
    return new ModelTransform(schema)
        .add(BatchPredictor.Output.RAW_PREDICTION, getRawPredictionCol())
        .add(BatchPredictor.Output.PROBABILITY, getProbabilityCol())
        .add(BatchPredictor.Output.PREDICTION, getPredictionCol())
        .apply(dataset, "SparkpropClassificationModel " + uid(), getFeaturesCol(), network, reading, thresholds);
  }

  /** A multi-label model predicts a vector of labels, which one number cannot hold. */
  private void refuseForMultiLabel(String method) {
    if (isMultiLabel()) {
      throw new UnsupportedOperationException("this model predicts " + numLabels() + " independent 0/1 labels: "
          + method + " gives one number; use predictLabels (or transform, whose prediction column is a vector)");
    }
  }

  @Override
  public SparkpropClassificationModel copy(ParamMap extra) {
    SparkpropClassificationModel copied = new SparkpropClassificationModel(uid(), network);
    if (hasParent()) copied.setParent(parent());
    return copyValues(copied, extra);
  }

  /**
   * Spark's own: javac sees two inherited declarations whose generic return types differ only in
   * a type argument (Scala's tuples are covariant, Java's generics are not); this override with
   * the erased type reconciles them.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  @Override
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  /**
   * Writes this model as an ONNX file to {@code path} (any Hadoop URI; an existing file is an error),
   * to serve it without Spark: input {@code features} (rows, numFeatures) float32; outputs {@code label}
   * (the class index), {@code class} (its name) and, for softmax and sigmoid outputs, {@code probability}; a
   * multi-label model's {@code label} (rows, labels) int64 0/1 and {@code probability} (rows, labels).
   * See {@link org.sparkprop.io.onnx.OnnxExport} for the graph.
   */
  public void exportOnnx(String path) throws java.io.IOException {
    network.exportOnnx(path);
  }

  @Override
  public MLWriter write() {
    return new ModelIO.Writer(this, network, Task.CLASSIFICATION);
  }

  public static MLReader<SparkpropClassificationModel> read() {
    return new ModelIO.Reader<>(SparkpropClassificationModel.class, Task.CLASSIFICATION,
        SparkpropClassificationModel::new);
  }

  public static SparkpropClassificationModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "SparkpropClassificationModel: uid=" + uid() + ", network=" + network()
        + (isMultiLabel() ? ", numLabels=" + numLabels() : ", numClasses=" + numClasses());
  }
}
