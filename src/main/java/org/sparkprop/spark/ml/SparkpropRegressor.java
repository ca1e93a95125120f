package org.sparkprop.spark.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML regressor that trains a feed-forward network by Sparkprop's synchronous
 * data-parallel SGD: the same distributed loop as the {@code train} command, with every training
 * option of the command line as a param (see {@link SparkpropParams}; the loss defaults to mse).
 * The label is a number in {@code labelCol} (or several targets as an ML vector or an array of numbers:
 * a multi-target regression, predicted as a vector), features a vector column; the fitted
 * {@link SparkpropRegressionModel} adds {@code prediction} and saves and loads like Spark's own
 * models, also inside a {@code PipelineModel}. Works with {@code ParamGridBuilder},
 * {@code CrossValidator}, {@code TrainValidationSplit} and {@code RegressionEvaluator}.
 *
 * <pre>
 * SparkpropRegressionModel model = new SparkpropRegressor()
 *     .setHiddenLayers(16).setActivation("tanh").setLearningRate(0.01).setEpochs(30)
 *     .fit(training);
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
 * Spark's local mode its rounds then run on the driver's threads over the cached blocks. The target
 * is standardised while training ({@code scaleTarget}, for mse and mae with an identity output) and
 * the model predicts in its units.
 *
 * <p>With the same rows (in the same order), params and {@code partitions}, {@code fit} gives
 * bit-identical weights to the command line and to itself, whatever the number of executors.
 */
public final class SparkpropRegressor
    extends FitEachRegressor
    implements SparkpropParamSetters<SparkpropRegressor>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private String uid; // set by the first uid() call, which Spark's constructor makes (see PendingUid)
  private final SparkpropParamSet params;

  public SparkpropRegressor() {
    this(Identifiable$.MODULE$.randomUID("sparkpropRegressor"));
  }

  public SparkpropRegressor(String uid) {
    this(PendingUid.stash(uid));
  }

  private SparkpropRegressor(PendingUid.Token token) {
    super();
    uid();
    params = new SparkpropParamSet(this, Task.REGRESSION);
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
  public SparkpropRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /**
   * Also checks the rules between params (e.g. lrMin against learningRate), before any Spark job. A
   * vector (or array) label column is several targets: the model's prediction is then a vector.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    params.toConfig(this);
    if (VectorLabels.severalTargets(schema, getLabelCol())) {
      return VectorLabels.withVectorPrediction(schema, getFeaturesCol(), getPredictionCol());
    }
    return super.transformSchema(schema);
  }

  /**
   * Spark's fit, and a multi-target one for a label column holding a vector or an array of numbers
   * per row (which Spark's own fit would cast to a double): one identity output per target, each
   * standardised on its own while training ({@code scaleTarget}); the model predicts a vector
   * ({@link SparkpropRegressionModel#predictVector}).
   */
  @Override
  public SparkpropRegressionModel fit(Dataset<?> dataset) {
    if (!VectorLabels.severalTargets(dataset.schema(), getLabelCol())) return super.fit(dataset);
    transformSchema(dataset.schema());
    SparkpropRegressionModel model = train(dataset);
    model.setParent(this);
    return copyValues(model, ParamMap.empty());
  }

  @Override
  public SparkpropRegressionModel train(Dataset<?> dataset) {
    return new SparkpropRegressionModel(uid(), Fitting.fit(this, dataset, getFeaturesCol(), getLabelCol()));
  }

  /**
   * A grid of settings on the same data, as {@code ParamGridBuilder} makes it: the DataFrame is read,
   * packed and cached once (not once per setting) and each setting trains on it, with the weights
   * its own {@code fit(dataset, paramMap)} would give.
   */
  @Override
  java.util.List<SparkpropRegressionModel> fitEach(Dataset<?> dataset, java.util.List<ParamMap> paramMaps) {
    return Fitting.fitEach(paramMaps, m -> fit(dataset, m));
  }

  public static MLReader<SparkpropRegressor> read() {
    return new DefaultParamsReader<>();
  }

  public static SparkpropRegressor load(String path) {
    return read().load(path);
  }
}
