package org.sparkprop.spark.ml;

import org.sparkprop.config.TrainingRecipe;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * The prediction columns of a model's {@code transform}, computed per partition: rows are taken
 * in chunks of {@link TrainingRecipe#CHUNK_ROWS}, their features copied into one float32 matrix and
 * run forward with one matrix product per layer, then each input row is returned with the
 * requested columns appended. The weights come from a broadcast made once per model; the
 * function itself carries only the network's shape. Lazy like any Dataset operation: nothing runs
 * until an action.
 */
final class BatchPredictor implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** A column a model can append, in the order Spark's own models append them. */
  enum Output { RAW_PREDICTION, PROBABILITY, PREDICTION }

  private final Broadcast<float[]> weights;
  private final NetworkSpec spec;
  private final OutputReading reading;
  private final int featuresIndex;
  private final String featuresCol;
  private final Output[] outputs;
  private final double[] thresholds; // (classes), or null for the rule without thresholds

  BatchPredictor(Broadcast<float[]> weights, NetworkSpec spec, OutputReading reading, int featuresIndex,
                 String featuresCol, Output[] outputs, double[] thresholds) {
    this.weights = weights;
    this.spec = spec;
    this.reading = reading;
    this.featuresIndex = featuresIndex;
    this.featuresCol = featuresCol;
    this.outputs = outputs.clone();
    this.thresholds = thresholds == null ? null : thresholds.clone();
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Chunks(input);
  }

  /** Pulls a chunk, scores it, hands its rows out one by one, then pulls the next. */
  private final class Chunks implements Iterator<Row> {
    private final Iterator<Row> input;
    private final float[] params = weights.value();
    private final DenseNetwork network = new DenseNetwork(spec, Kernels.gemm());
    private final Workspace ws = new Workspace(spec, 1, TrainingRecipe.CHUNK_ROWS);
    private final Row[] chunk = new Row[TrainingRecipe.CHUNK_ROWS];
    private int size;
    private int next;

    Chunks(Iterator<Row> input) {
      this.input = input;
    }

    @Override
    public boolean hasNext() {
      if (next < size) return true;
      size = 0;
      next = 0;
      while (size < chunk.length && input.hasNext()) {
        Row row = input.next();
        if (row.isNullAt(featuresIndex)) {
          throw new IllegalArgumentException("features column '" + featuresCol + "' is null in row " + row);
        }
        copyFeatures(row.getAs(featuresIndex), ws.input, size, spec.inputs(), featuresCol);
        chunk[size++] = row;
      }
      if (size > 0) network.forward(params, size, ws);
      return size > 0;
    }

    @Override
    public Row next() {
      if (!hasNext()) throw new NoSuchElementException();
      int r = next++;
      Row row = chunk[r];
      chunk[r] = null;
      Object[] values = new Object[row.length() + outputs.length];
      for (int i = 0; i < row.length(); i++) values[i] = row.get(i);
      append(values, row.length(), r);
      return RowFactory.create(values);
    }

    private void append(Object[] values, int at, int r) {
      double[] raw = null;
      double[] probability = null;
      for (Output o : outputs) {
        switch (o) {
          case RAW_PREDICTION -> {
            raw = reading.raw(ws, r);
            values[at++] = Vectors.dense(raw.clone());
          }
          case PROBABILITY -> {
            // Several labels: the float32 sigmoid outputs themselves, as the predict command writes them.
            probability = reading.isMultiLabel() ? reading.labelProbabilities(ws, r)
                : reading.probabilityInPlace(raw != null ? raw.clone() : reading.raw(ws, r));
            values[at++] = Vectors.dense(probability);
          }
          case PREDICTION -> {
            double prediction;
            if (reading.isMultiLabel()) {
              values[at++] = Vectors.dense(reading.labelPredictions(ws, r)); // one 0/1 per label, as the label was
              continue;
            } else if (reading.isRegression() && reading.targets() > 1) {
              values[at++] = Vectors.dense(reading.values(ws, r)); // several targets: a vector, as the label was
              continue;
            } else if (reading.isRegression()) {
              prediction = reading.value(ws, r);
            } else if (thresholds == null) {
              prediction = reading.predictedClass(ws, r);
            } else {
              if (probability == null) probability = reading.probabilityInPlace(reading.raw(ws, r));
              prediction = OutputReading.predictedClass(probability, thresholds);
            }
            values[at++] = prediction;
          }
          default -> throw new AssertionError(o);
        }
      }
    }
  }

  /** Runs one features vector forward on the calling thread: the single-row API of the models. */
  static Workspace forwardOne(NetworkSpec spec, float[] params, Vector features, String featuresCol) {
    Workspace ws = new Workspace(spec, 1, 1);
    copyFeatures(features, ws.input, 0, spec.inputs(), featuresCol);
    new DenseNetwork(spec, Kernels.gemm()).forward(params, 1, ws);
    return ws;
  }

  /** Copies a features vector into row {@code row} of a (rows, width) float32 matrix. */
  static void copyFeatures(Vector v, float[] matrix, int row, int width, String featuresCol) {
    if (v.size() != width) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' holds a vector of size " + v.size()
          + " but the model was trained on " + width + " features");
    }
    int o = row * width;
    if (v instanceof DenseVector dense) {
      double[] values = dense.values();
      for (int i = 0; i < width; i++) matrix[o + i] = (float) values[i];
    } else {
      SparseVector sparse = (SparseVector) v;
      Arrays.fill(matrix, o, o + width, 0f);
      int[] indices = sparse.indices();
      double[] values = sparse.values();
      for (int k = 0; k < indices.length; k++) matrix[o + indices[k]] = (float) values[k];
    }
  }
}
