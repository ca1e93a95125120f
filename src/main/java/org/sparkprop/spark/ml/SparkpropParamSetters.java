package org.sparkprop.spark.ml;

/**
 * Setters of the training params, returning the estimator itself so calls chain from Java and
 * Scala alike: {@code new SparkpropClassifier().setHiddenLayers(32, 16).setLearningRate(0.01)}.
 * A value outside a param's range is refused at once with a message naming the param, the value
 * and the accepted range.
 *
 * @param <S> the estimator's own type
 */
public interface SparkpropParamSetters<S extends SparkpropParamSetters<S>> extends SparkpropParams {

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  default S setHiddenLayers(int... widths) {
    set(hiddenLayers(), widths.clone());
    return self();
  }

  default S setActivation(String value) {
    set(activation(), value);
    return self();
  }

  default S setOutputActivation(String value) {
    set(outputActivation(), value);
    return self();
  }

  default S setLoss(String value) {
    set(loss(), value);
    return self();
  }

  default S setWeightInit(String value) {
    set(weightInit(), value);
    return self();
  }

  default S setOptimizer(String value) {
    set(optimizer(), value);
    return self();
  }

  default S setLearningRate(double value) {
    set(learningRate(), value);
    return self();
  }

  default S setBatchSize(int value) {
    set(batchSize(), value);
    return self();
  }

  default S setEpochs(int value) {
    set(epochs(), value);
    return self();
  }

  default S setSeed(long value) {
    set(seed(), value);
    return self();
  }

  default S setMomentum(double value) {
    set(momentum(), value);
    return self();
  }

  default S setBeta1(double value) {
    set(beta1(), value);
    return self();
  }

  default S setBeta2(double value) {
    set(beta2(), value);
    return self();
  }

  default S setEpsilon(double value) {
    set(epsilon(), value);
    return self();
  }

  default S setWeightDecay(double value) {
    set(weightDecay(), value);
    return self();
  }

  default S setL2(double value) {
    set(l2(), value);
    return self();
  }

  default S setLrSchedule(String value) {
    set(lrSchedule(), value);
    return self();
  }

  default S setClassWeights(String value) {
    set(classWeights(), value);
    return self();
  }

  default S setWeightCol(String value) {
    set(weightCol(), value);
    return self();
  }

  default S setLrStepRounds(int value) {
    set(lrStepRounds(), value);
    return self();
  }

  default S setLrStepFactor(double value) {
    set(lrStepFactor(), value);
    return self();
  }

  default S setLrMin(double value) {
    set(lrMin(), value);
    return self();
  }

  default S setWarmupRounds(int value) {
    set(warmupRounds(), value);
    return self();
  }

  default S setClipNorm(double value) {
    set(clipNorm(), value);
    return self();
  }

  default S setLocalSteps(int value) {
    set(localSteps(), value);
    return self();
  }

  default S setEarlyStoppingPatience(int value) {
    set(earlyStoppingPatience(), value);
    return self();
  }

  default S setEarlyStoppingMetric(String value) {
    set(earlyStoppingMetric(), value);
    return self();
  }

  default S setMaxIter(int value) {
    set(maxIter(), value);
    return self();
  }

  default S setTol(double value) {
    set(tol(), value);
    return self();
  }

  default S setRestoreBestWeights(boolean value) {
    set(restoreBestWeights(), value);
    return self();
  }

  default S setScaleTarget(boolean value) {
    set(scaleTarget(), value);
    return self();
  }

  default S setExecution(String value) {
    set(execution(), value);
    return self();
  }

  default S setDriverMaxBytes(long value) {
    set(driverMaxBytes(), value);
    return self();
  }

  /** A fraction in [0, 1); {@code setValidationFraction("auto")} restores the default. */
  default S setValidationFraction(double value) {
    set(validationFraction(), Double.toString(value));
    return self();
  }

  /** "auto" (0.1 when training until converged, epochs = 0; else 0) or a fraction in [0, 1) as text. */
  default S setValidationFraction(String value) {
    set(validationFraction(), value);
    return self();
  }

  default S setMaxRounds(long value) {
    set(maxRounds(), value);
    return self();
  }

  /** Ends the fit at the first epoch whose evaluation reaches this, e.g. "accuracy=0.85"; "" for none. */
  default S setStopAt(String value) {
    set(stopAt(), value);
    return self();
  }

  default S setLogEveryRounds(int value) {
    set(logEveryRounds(), value);
    return self();
  }

  default S setPartitions(int value) {
    set(partitions(), value);
    return self();
  }

  default S setPartitionBytes(long value) {
    set(partitionBytes(), value);
    return self();
  }

  default S setStorageLevel(String value) {
    set(storageLevel(), value);
    return self();
  }

  default S setKernel(String value) {
    set(kernel(), value);
    return self();
  }

  default S setPrecision(String value) {
    set(precision(), value);
    return self();
  }

  default S setTreeFanIn(int value) {
    set(treeFanIn(), value);
    return self();
  }

  default S setCheckpointDir(String value) {
    set(checkpointDir(), value);
    return self();
  }

  default S setCheckpointEveryRounds(int value) {
    set(checkpointEveryRounds(), value);
    return self();
  }

  default S setCheckpointKeep(int value) {
    set(checkpointKeep(), value);
    return self();
  }

  default S setResumeFromCheckpoint(boolean value) {
    set(resumeFromCheckpoint(), value);
    return self();
  }

  default S setResumeWithChanges(boolean value) {
    set(resumeWithChanges(), value);
    return self();
  }
}
