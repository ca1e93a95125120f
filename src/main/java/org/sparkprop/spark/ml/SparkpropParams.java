package org.sparkprop.spark.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training params shared by Sparkprop's estimators and models: one per training key of the
 * command line's configuration, defined there ({@code conf/reference.conf}: the key's
 * {@code Spark ML param:} line names the param; its type, default, range and documentation are
 * the key's, see {@link SparkpropParamSet}). {@code explainParams()} prints every param's
 * documentation and default. Models carry the values their estimator was fitted with.
 *
 * <p>Adding a param: the key's {@code Spark ML param: name} line in {@code reference.conf}, then
 * here an accessor {@code name()} returning {@code sparkpropParamSet().param("name")} with the
 * param class its type makes (see {@link SparkpropParamSet}) and a getter, and a setter in
 * {@link SparkpropParamSetters}. {@code TrainingKeyParityTest} fails until both sides agree.
 *
 * <p>Spark finds params by reflection on public no-argument methods returning a {@link Param};
 * these default methods are such methods on every implementing class, so Spark's own machinery
 * ({@code copy}, {@code ParamMap}, {@code ParamGridBuilder}, persistence) handles them like
 * built-in params.
 */
public interface SparkpropParams extends Params {

  /** The param objects of this instance; use the named accessors below. */
  SparkpropParamSet sparkpropParamSet();

  default IntArrayParam hiddenLayers() {
    return sparkpropParamSet().param("hiddenLayers");
  }

  default Param<String> activation() {
    return sparkpropParamSet().param("activation");
  }

  default Param<String> outputActivation() {
    return sparkpropParamSet().param("outputActivation");
  }

  default Param<String> loss() {
    return sparkpropParamSet().param("loss");
  }

  default Param<String> weightInit() {
    return sparkpropParamSet().param("weightInit");
  }

  default Param<String> optimizer() {
    return sparkpropParamSet().param("optimizer");
  }

  default DoubleParam learningRate() {
    return sparkpropParamSet().param("learningRate");
  }

  default IntParam batchSize() {
    return sparkpropParamSet().param("batchSize");
  }

  default IntParam epochs() {
    return sparkpropParamSet().param("epochs");
  }

  default LongParam seed() {
    return sparkpropParamSet().param("seed");
  }

  default DoubleParam momentum() {
    return sparkpropParamSet().param("momentum");
  }

  default DoubleParam beta1() {
    return sparkpropParamSet().param("beta1");
  }

  default DoubleParam beta2() {
    return sparkpropParamSet().param("beta2");
  }

  default DoubleParam epsilon() {
    return sparkpropParamSet().param("epsilon");
  }

  default DoubleParam weightDecay() {
    return sparkpropParamSet().param("weightDecay");
  }

  default DoubleParam l2() {
    return sparkpropParamSet().param("l2");
  }

  default Param<String> lrSchedule() {
    return sparkpropParamSet().param("lrSchedule");
  }

  default Param<String> classWeights() {
    return sparkpropParamSet().param("classWeights");
  }

  default Param<String> weightCol() {
    return sparkpropParamSet().param("weightCol");
  }

  default IntParam lrStepRounds() {
    return sparkpropParamSet().param("lrStepRounds");
  }

  default DoubleParam lrStepFactor() {
    return sparkpropParamSet().param("lrStepFactor");
  }

  default DoubleParam lrMin() {
    return sparkpropParamSet().param("lrMin");
  }

  default IntParam warmupRounds() {
    return sparkpropParamSet().param("warmupRounds");
  }

  default DoubleParam clipNorm() {
    return sparkpropParamSet().param("clipNorm");
  }

  default IntParam localSteps() {
    return sparkpropParamSet().param("localSteps");
  }

  default IntParam earlyStoppingPatience() {
    return sparkpropParamSet().param("earlyStoppingPatience");
  }

  default Param<String> earlyStoppingMetric() {
    return sparkpropParamSet().param("earlyStoppingMetric");
  }

  default IntParam maxIter() {
    return sparkpropParamSet().param("maxIter");
  }

  default DoubleParam tol() {
    return sparkpropParamSet().param("tol");
  }

  default BooleanParam restoreBestWeights() {
    return sparkpropParamSet().param("restoreBestWeights");
  }

  default BooleanParam scaleTarget() {
    return sparkpropParamSet().param("scaleTarget");
  }

  default Param<String> execution() {
    return sparkpropParamSet().param("execution");
  }

  default LongParam driverMaxBytes() {
    return sparkpropParamSet().param("driverMaxBytes");
  }

  /** "auto" or a number, as text (see {@link SparkpropParamSetters#setValidationFraction(double)}). */
  default Param<String> validationFraction() {
    return sparkpropParamSet().param("validationFraction");
  }

  default LongParam maxRounds() {
    return sparkpropParamSet().param("maxRounds");
  }

  default Param<String> stopAt() {
    return sparkpropParamSet().param("stopAt");
  }

  default IntParam logEveryRounds() {
    return sparkpropParamSet().param("logEveryRounds");
  }

  default IntParam partitions() {
    return sparkpropParamSet().param("partitions");
  }

  default LongParam partitionBytes() {
    return sparkpropParamSet().param("partitionBytes");
  }

  default Param<String> storageLevel() {
    return sparkpropParamSet().param("storageLevel");
  }

  default Param<String> kernel() {
    return sparkpropParamSet().param("kernel");
  }

  default Param<String> precision() {
    return sparkpropParamSet().param("precision");
  }

  default IntParam treeFanIn() {
    return sparkpropParamSet().param("treeFanIn");
  }

  default Param<String> checkpointDir() {
    return sparkpropParamSet().param("checkpointDir");
  }

  default IntParam checkpointEveryRounds() {
    return sparkpropParamSet().param("checkpointEveryRounds");
  }

  default IntParam checkpointKeep() {
    return sparkpropParamSet().param("checkpointKeep");
  }

  default BooleanParam resumeFromCheckpoint() {
    return sparkpropParamSet().resumeFromCheckpoint;
  }

  default BooleanParam resumeWithChanges() {
    return sparkpropParamSet().resumeWithChanges;
  }

  default int[] getHiddenLayers() {
    return getOrDefault(hiddenLayers()).clone();
  }

  default String getActivation() {
    return getOrDefault(activation());
  }

  default String getOutputActivation() {
    return getOrDefault(outputActivation());
  }

  default String getLoss() {
    return getOrDefault(loss());
  }

  default String getWeightInit() {
    return getOrDefault(weightInit());
  }

  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  default double getBeta1() {
    return (Double) getOrDefault(beta1());
  }

  default double getBeta2() {
    return (Double) getOrDefault(beta2());
  }

  default double getEpsilon() {
    return (Double) getOrDefault(epsilon());
  }

  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  default double getL2() {
    return (Double) getOrDefault(l2());
  }

  default String getLrSchedule() {
    return getOrDefault(lrSchedule());
  }

  default String getClassWeights() {
    return getOrDefault(classWeights());
  }

  default String getWeightCol() {
    return getOrDefault(weightCol());
  }

  default int getLrStepRounds() {
    return (Integer) getOrDefault(lrStepRounds());
  }

  default double getLrStepFactor() {
    return (Double) getOrDefault(lrStepFactor());
  }

  default double getLrMin() {
    return (Double) getOrDefault(lrMin());
  }

  default int getWarmupRounds() {
    return (Integer) getOrDefault(warmupRounds());
  }

  default double getClipNorm() {
    return (Double) getOrDefault(clipNorm());
  }

  default int getLocalSteps() {
    return (Integer) getOrDefault(localSteps());
  }

  default int getEarlyStoppingPatience() {
    return (Integer) getOrDefault(earlyStoppingPatience());
  }

  default String getEarlyStoppingMetric() {
    return getOrDefault(earlyStoppingMetric());
  }

  default int getMaxIter() {
    return (Integer) getOrDefault(maxIter());
  }

  default double getTol() {
    return (Double) getOrDefault(tol());
  }

  default boolean getRestoreBestWeights() {
    return (Boolean) getOrDefault(restoreBestWeights());
  }

  default boolean getScaleTarget() {
    return (Boolean) getOrDefault(scaleTarget());
  }

  default String getExecution() {
    return getOrDefault(execution());
  }

  default long getDriverMaxBytes() {
    return (Long) getOrDefault(driverMaxBytes());
  }

  default String getValidationFraction() {
    return getOrDefault(validationFraction());
  }

  default long getMaxRounds() {
    return (Long) getOrDefault(maxRounds());
  }

  default String getStopAt() {
    return getOrDefault(stopAt());
  }

  default int getLogEveryRounds() {
    return (Integer) getOrDefault(logEveryRounds());
  }

  default int getPartitions() {
    return (Integer) getOrDefault(partitions());
  }

  default long getPartitionBytes() {
    return (Long) getOrDefault(partitionBytes());
  }

  default String getStorageLevel() {
    return getOrDefault(storageLevel());
  }

  default String getKernel() {
    return getOrDefault(kernel());
  }

  default String getPrecision() {
    return getOrDefault(precision());
  }

  default int getTreeFanIn() {
    return (Integer) getOrDefault(treeFanIn());
  }

  default String getCheckpointDir() {
    return getOrDefault(checkpointDir());
  }

  default int getCheckpointEveryRounds() {
    return (Integer) getOrDefault(checkpointEveryRounds());
  }

  default int getCheckpointKeep() {
    return (Integer) getOrDefault(checkpointKeep());
  }

  default boolean getResumeFromCheckpoint() {
    return (Boolean) getOrDefault(resumeFromCheckpoint());
  }

  default boolean getResumeWithChanges() {
    return (Boolean) getOrDefault(resumeWithChanges());
  }
}
