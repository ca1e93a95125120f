package org.sparkprop.spark.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML classifier that trains a feed-forward network by Sparkprop's synchronous
 * data-parallel SGD: the same distributed loop as the {@code train} command, with every training
 * option of the command line as a param (see {@link SparkpropParams}). Labels are class indices
 * 0, 1, ..., k-1 in {@code labelCol} (as {@code StringIndexer} makes them), features a vector
 * column; the fitted {@link SparkpropClassificationModel} adds {@code rawPrediction},
 * {@code probability} and {@code prediction}, honours {@code thresholds}, and saves and loads like
 * Spark's own models, also inside a {@code PipelineModel}. Works with {@code ParamGridBuilder},
 * {@code CrossValidator} and {@code TrainValidationSplit}. A label column holding a vector (or an
 * array) of 0/1 values trains a multi-label classifier: independent sigmoid outputs with bce, and
 * vector output columns (see {@link SparkpropClassificationModel}).
 *
 * <pre>
 * SparkpropClassifier classifier = new SparkpropClassifier()
 *     .setHiddenLayers(32, 16).setActivation("relu").setOptimizer("adam").setLearningRate(0.01)
 *     .setBatchSize(128).setEpochs(20).setSeed(7);
 * SparkpropClassificationModel model = classifier.fit(training);
 * model.transform(test).select("prediction", "probability").show();
 * </pre>
 *
 * <p>The defaults are the command line's: without {@code setEpochs} a fit trains until converged
 * (10% of the rows held out by {@code validationFraction = auto}; stop when their loss has not improved
 * by {@code tol} for {@code earlyStoppingPatience} epochs, or after {@code maxIter}; keep the best
 * epoch's weights, {@code restoreBestWeights}); Adam at {@code learningRate} 0.003 from weights
 * drawn by Glorot's uniform rule ({@code weightInit = glorot}, ReLU layers included, as Keras and
 * scikit-learn do), batches of 64 rows; a small DataFrame ({@code execution = auto}, up to
 * {@code driverMaxBytes} of packed rows) is collected in one query and packed, scaled and trained
 * in the driver process, with the weights Spark jobs would give (the model summary's
 * {@code execution} says where and why); a larger one is packed and cached by Spark jobs, and in
 * Spark's local mode its rounds then run on the driver's threads over the cached blocks.
 *
 * <p>With the same rows (in the same order), params and {@code partitions}, {@code fit} gives
 * bit-identical weights to the command line and to itself, whatever the number of executors.
 */
public final class SparkpropClassifier
    extends FitEachClassifier
    implements SparkpropParamSetters<SparkpropClassifier>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private String uid; // set by the first uid() call, which Spark's constructor makes (see PendingUid)
  private final SparkpropParamSet params;

  public SparkpropClassifier() {
    this(Identifiable$.MODULE$.randomUID("sparkpropClassifier"));
  }

  public SparkpropClassifier(String uid) {
    this(PendingUid.stash(uid));
  }

  private SparkpropClassifier(PendingUid.Token token) {
    super();
    uid();
    params = new SparkpropParamSet(this, Task.CLASSIFICATION);
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
  public SparkpropClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /**
   * Also checks the rules between params (e.g. lrMin against learningRate), before any Spark job. A
   * vector (or array) label column is several 0/1 labels: the model's {@code rawPrediction},
   * {@code probability} and {@code prediction} are then vectors of one element per label.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    params.toConfig(this);
    if (VectorLabels.severalTargets(schema, getLabelCol())) {
      if (isSet(loss()) && !"bce".equals(getLoss())) {
        throw new IllegalArgumentException("label column '" + getLabelCol() + "' holds several 0/1 labels per row (a"
            + " vector or an array): a multi-label classifier needs loss bce (the default for such a label), not "
            + getLoss());
      }
      return VectorLabels.withMultiLabelColumns(schema, getFeaturesCol(), getRawPredictionCol(), getProbabilityCol(),
          getPredictionCol());
    }
    return super.transformSchema(schema);
  }

  /**
   * Spark's fit, and a multi-label one for a label column holding a vector or an array of 0/1 values
   * per row (which Spark's own fit would cast to a double): one independent sigmoid output per label,
   * trained with bce (the loss when none is set; another loss set explicitly is an error), and a model
   * whose output columns are vectors of one element per label (see {@link SparkpropClassificationModel}).
   * A label other than 0 or 1 is a bad row.
   */
  @Override
  public SparkpropClassificationModel fit(Dataset<?> dataset) {
    if (!VectorLabels.severalTargets(dataset.schema(), getLabelCol())) return super.fit(dataset);
    SparkpropClassifier multiLabel = isSet(loss()) ? this : copy(ParamMap.empty().put(loss(), "bce"));
    multiLabel.transformSchema(dataset.schema());
    SparkpropClassificationModel model = multiLabel.train(dataset);
    model.setParent(this);
    return multiLabel.copyValues(model, ParamMap.empty());
  }

  @Override
  public SparkpropClassificationModel train(Dataset<?> dataset) {
    return new SparkpropClassificationModel(uid(), Fitting.fit(this, dataset, getFeaturesCol(), getLabelCol()));
  }

  /**
   * A grid of settings on the same data, as {@code ParamGridBuilder} makes it: the DataFrame is read,
   * packed and cached once (not once per setting) and each setting trains on it, with the weights
   * its own {@code fit(dataset, paramMap)} would give.
   */
  @Override
  java.util.List<SparkpropClassificationModel> fitEach(Dataset<?> dataset, java.util.List<ParamMap> paramMaps) {
    return Fitting.fitEach(paramMaps, m -> fit(dataset, m));
  }

  public static MLReader<SparkpropClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static SparkpropClassifier load(String path) {
    return read().load(path);
  }
}
