/**
 * Data sources, parsers, preprocessing and packed float32 blocks; no Spark types.
 *
 * <p>Generated data sets are index-addressable: row i is a pure function of the generator's
 * parameters (seed included) and i, so each Spark partition builds its own rows and the result
 * does not depend on how the index range is split.
 *
 * <p>Files are parsed here, row by row into one reused {@link org.sparkprop.data.ParsedRow} per
 * partition: {@link org.sparkprop.data.CsvLineParser}, {@link org.sparkprop.data.LibSvmLineParser},
 * {@link org.sparkprop.data.IdxHeader}; the {@code spark} package only feeds them lines, records
 * or table rows through a {@link org.sparkprop.data.PartitionReader}. What is fitted on the training rows
 * and saved with a model is a {@link org.sparkprop.data.Preprocessing}: feature scaling, target
 * scaling and the {@link org.sparkprop.data.LabelMapping}. Bad rows are described by a
 * {@link org.sparkprop.data.RowProblem} and reported per input in a
 * {@link org.sparkprop.data.BadRowReport}; unusable input raises a
 * {@link org.sparkprop.data.DataException}, whose message is shown to the user as it is.
 */
package org.sparkprop.data;
