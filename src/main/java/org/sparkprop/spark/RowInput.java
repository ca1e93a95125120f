package org.sparkprop.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.types.DataType;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.RowCursor;
import org.sparkprop.data.RowRules;

/**
 * One input as a format's reader offers it to {@link RowLoader}: one lazily opened
 * {@link RowCursor} per partition (never cached, never collected: each pass over the input opens
 * the files again on the executors), the rules its rows must pass, and its schema.
 *
 * @param name how the input is named in messages, e.g. "data.train = 'hdfs://nn/x/*.csv'"
 * @param idType the type of the input's id column, or null when it has none
 */
record RowInput(String name, JavaRDD<RowCursor> cursors, RowRules rules, InputSchema schema, DataType idType) {
  RowInput withRules(RowRules newRules, InputSchema newSchema) {
    return new RowInput(name, cursors, newRules, newSchema, idType);
  }
}
