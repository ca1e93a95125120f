package org.sparkprop.spark.ml;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.data.FeatureScaling;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.Preprocessing;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.io.onnx.OnnxExport;
import org.sparkprop.nn.NetworkSpec;

/**
 * What a fit produced and a model predicts with: the network, its flat weights, the number of
 * classes (0 for regression), the target scaling of a regression, the training summary and the configuration it was trained from.
 * Shared by a model and its copies (which differ only in column params), so the weights are
 * broadcast once per Spark context and reused by every {@code transform}.
 */
final class FittedNetwork implements Serializable {
  private static final long serialVersionUID = 1L;

  private final NetworkSpec spec;
  private final float[] weights; // (parameters) in NetworkSpec's flat layout
  private final int classes;
  private final TargetScaling target; // network output to the target's units (regression)
  private final SparkpropTrainingSummary summary;
  private final Map<String, Object> trainingConfig;
  private transient Broadcast<float[]> broadcast;
  private transient SparkContext broadcastContext;

  FittedNetwork(NetworkSpec spec, float[] weights, int classes, TargetScaling target, SparkpropTrainingSummary summary,
                 Map<String, Object> trainingConfig) {
    if (weights.length != spec.parameterCount()) {
      throw new IllegalArgumentException("the network " + spec.describe() + " needs " + spec.parameterCount()
          + " weights, got " + weights.length);
    }
    this.spec = spec;
    this.weights = weights;
    this.classes = classes;
    this.target = target;
    this.summary = summary;
    this.trainingConfig = Collections.unmodifiableMap(new TreeMap<>(trainingConfig));
  }

  NetworkSpec spec() {
    return spec;
  }

  /** The weights themselves, not a copy: callers must not modify them. */
  float[] weightsShared() {
    return weights;
  }

  int classes() {
    return classes;
  }

  /** How the network's regression output maps to the target's units (identity for classification). */
  TargetScaling target() {
    return target;
  }

  SparkpropTrainingSummary summary() {
    return summary;
  }

  /** The resolved configuration keys the fit used, as {@code TrainConfig.resolved()} gives them. */
  Map<String, Object> trainingConfig() {
    return trainingConfig;
  }

  /**
   * Writes the network as an ONNX model to {@code path} (any Hadoop URI; an existing file is an
   * error). A Spark ML model scales no features itself (a pipeline's own stages do), so the graph
   * holds the network and a regression's target scaling; classes are named by their indices.
   */
  void exportOnnx(String path) throws java.io.IOException {
    Preprocessing prep = new Preprocessing(FeatureScaling.unfitted(FeatureScaling.Method.NONE, spec.inputs()), target,
        classes > 0 ? LabelMapping.indices(classes) : null);
    Configuration hadoop = SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get().sparkContext().hadoopConfiguration() : new Configuration();
    OnnxExport.write(path, hadoop, false, spec, weights, prep, Map.of("sparkprop.network", spec.describe()));
  }

  /** The weights as a broadcast variable of {@code sc}, created on first use and then reused. */
  synchronized Broadcast<float[]> broadcastOn(SparkContext sc) {
    if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
      broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(weights);
      broadcastContext = sc;
    }
    return broadcast;
  }
}
