package org.sparkprop.spark;

import org.apache.spark.api.java.JavaRDD;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.RowCursor;
import org.sparkprop.data.RowRules;

/**
 * One input as a format's reader offers it to {@link RowLoader}: one lazily opened
 * {@link RowCursor} per partition (never cached, never collected: each pass over the input opens
 * the files again on the executors), the rules its rows must pass, and its schema.
 *
 * @param name how the input is named in messages, e.g. "data.train = 'hdfs://nn/x/*.csv'"
 */
record RowInput(String name, JavaRDD<RowCursor> cursors, RowRules rules, InputSchema schema) {
}
