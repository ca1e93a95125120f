package org.sparkprop.train;

/** Computes evaluation statistics of given parameters over one data set (validation or test). */
public interface Evaluator {
  EvaluationAccumulator evaluate(float[] params);
}
