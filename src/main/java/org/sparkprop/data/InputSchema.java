package org.sparkprop.data;

import java.io.Serializable;
import java.util.List;

/**
 * How rows were read for training, saved with the model so that evaluation and prediction read
 * new data the same way: the format and its settings, the number of features and, where the
 * input names them (a CSV header, Parquet columns), the feature names in order.
 *
 * @param format csv, libsvm, parquet, idx, playground, synthetic or dataframe
 * @param featureNames the names of the features in order, or null when the input has none
 * @param weightColumn the column of sample weights, or null (or "") when rows are unweighted
 */
public record InputSchema(String format, int features, List<String> featureNames, boolean header, String delimiter,
                          String labelColumn, String featuresColumn, String idColumn, String weightColumn)
    implements Serializable {
  public InputSchema {
    featureNames = featureNames == null ? null : List.copyOf(featureNames);
    weightColumn = weightColumn == null || weightColumn.isEmpty() ? null : weightColumn;
  }

  /** A schema without a weight column. */
  public InputSchema(String format, int features, List<String> featureNames, boolean header, String delimiter,
                     String labelColumn, String featuresColumn, String idColumn) {
    this(format, features, featureNames, header, delimiter, labelColumn, featuresColumn, idColumn, null);
  }

  /** Whether rows carry sample weights from {@link #weightColumn}. */
  public boolean weighted() {
    return weightColumn != null;
  }

  public InputSchema withWeightColumn(String column) {
    return new InputSchema(format, features, featureNames, header, delimiter, labelColumn, featuresColumn, idColumn,
        column);
  }

  /** Whether the rows come from files, not from a generator or a DataFrame handed to the API. */
  public boolean fromFiles() {
    return !format.equals("dataframe") && !format.equals("playground") && !format.equals("synthetic");
  }

  public InputSchema withFormat(String newFormat) {
    return new InputSchema(newFormat, features, featureNames, header, delimiter, labelColumn, featuresColumn, idColumn,
        weightColumn);
  }

  public InputSchema withFeatures(int n, List<String> names) {
    return new InputSchema(format, n, names, header, delimiter, labelColumn, featuresColumn, idColumn, weightColumn);
  }
}
