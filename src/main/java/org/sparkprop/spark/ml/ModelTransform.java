package org.sparkprop.spark.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code transform} of both models: the prediction columns Spark's schema rules ask for, in
 * the order and with the metadata Spark's own models give them, computed lazily by a
 * {@link BatchPredictor} over the input's partitions. A column whose name param is empty is left
 * out, as in Spark.
 */
final class ModelTransform {
  private static final Logger LOG = LoggerFactory.getLogger(ModelTransform.class);

  private final List<BatchPredictor.Output> outputs = new ArrayList<>();
  private final List<StructField> fields = new ArrayList<>();
  private final StructType withOutputs;

  /** @param withOutputs the model's transformSchema of the input: where the new columns' definitions come from */
  ModelTransform(StructType withOutputs) {
    this.withOutputs = withOutputs;
  }

  ModelTransform add(BatchPredictor.Output output, String column) {
    if (!column.isEmpty()) {
      outputs.add(output);
      fields.add(withOutputs.apply(column));
    }
    return this;
  }

  Dataset<Row> apply(Dataset<?> dataset, String model, String featuresCol, FittedNetwork network,
                     OutputReading reading, double[] thresholds) {
    Dataset<Row> input = dataset.toDF();
    if (outputs.isEmpty()) {
      LOG.warn("{}.transform() does nothing: every output column param is set to the empty string", model);
      return input;
    }
    StructType schema = input.schema();
    for (StructField f : fields) schema = schema.add(f);
    BatchPredictor predictor = new BatchPredictor(network.broadcastOn(input.sparkSession().sparkContext()),
        network.spec(), reading, input.schema().fieldIndex(featuresCol), featuresCol,
        outputs.toArray(new BatchPredictor.Output[0]), thresholds);
    return input.mapPartitions(predictor, Encoders.row(schema));
  }
}
