package org.sparkprop.spark.input;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.types.DataType;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.PartitionReader;
import org.sparkprop.data.RowRules;

/**
 * One input as a format's reader offers it to {@link InputLoader}: one lazily opened
 * {@link PartitionReader} per partition (never cached, never collected: each pass over the input opens
 * the files again on the executors), the rules its rows must pass, and its schema.
 *
 * @param name how the input is named in messages, e.g. "data.train = 'hdfs://nn/x/*.csv'"
 * @param idType the type of the input's id column, or null when it has none
 * @param bytes the input files' bytes, or 0 when not read from files (a table handed to the API)
 */
public record OpenedInput(String name, JavaRDD<PartitionReader> cursors, RowRules rules, InputSchema schema, DataType idType,
                          long bytes) {
  /** An input of unknown size. */
  public OpenedInput(String name, JavaRDD<PartitionReader> cursors, RowRules rules, InputSchema schema, DataType idType) {
    this(name, cursors, rules, schema, idType, 0);
  }

  OpenedInput withRules(RowRules newRules, InputSchema newSchema) {
    return new OpenedInput(name, cursors, newRules, newSchema, idType, bytes);
  }

  /** This input, read from files of {@code fileBytes} bytes in all. */
  OpenedInput withBytes(long fileBytes) {
    return new OpenedInput(name, cursors, rules, schema, idType, fileBytes);
  }
}
