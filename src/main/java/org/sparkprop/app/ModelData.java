package org.sparkprop.app;

import org.sparkprop.spark.input.InputOpener;
import org.sparkprop.spark.input.OpenedInput;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.data.DataException;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.LabelMode;
import org.sparkprop.io.LoadedModel;

/**
 * A model and the data to use it on, as the evaluate and predict commands take them: the data is
 * read the way the model's training data was (its saved {@link InputSchema}) unless an option
 * says otherwise.
 *
 * @param format null to use the model's training format
 * @param labels the IDX labels file (idx only), or null
 * @param header, delimiter, labelColumn, featuresColumn, idColumn: null to use the model's
 */
public record ModelData(String model, String data, String format, String labels, Boolean header, String delimiter,
                        String labelColumn, String featuresColumn, String idColumn, boolean skipBadRows,
                        double maxBadFraction, String master, int partitions) {

  /** How to read {@link #data()}: the model's input schema with this request's overrides. */
  InputSchema settings(LoadedModel m) {
    InputSchema s = m.input();
    String f = format != null ? format : s.format();
    if (f.equals("playground") || f.equals("synthetic") || f.equals("dataframe")) {
      throw new DataException("the model was trained on " + f + " data, which has no file format to read --data in;"
          + " give --format csv, libsvm, parquet or idx");
    }
    return new InputSchema(f, s.features(), s.featureNames(), header != null ? header : s.header(),
        delimiter != null ? delimiter : s.delimiter(), labelColumn != null ? labelColumn : s.labelColumn(),
        featuresColumn != null ? featuresColumn : s.featuresColumn(), idColumn != null ? idColumn : s.idColumn(),
        s.weightColumn());
  }

  OpenedInput open(SparkSession spark, LoadedModel m, LabelMode mode, int partitions) {
    return InputOpener.open(spark, "--data", data, "--labels", labels, settings(m), mode, partitions, m.spec().inputs());
  }
}
