package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.data.DataException;

/**
 * What the estimators accept from a DataFrame, read by the same reader as the {@code train}
 * command's tables: finite vectors of one size, class indices 0..k-1 for the classifier (k from
 * the label column's ML attribute when it declares one), finite labels for the regressor; a bad
 * row stops the fit with a message naming its partition and row, what was found and what was
 * expected.
 */
class SparkpropInputTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = MlTestData.start();
  }

  @AfterAll
  static void stop() {
    MlTestData.stop(spark);
  }

  private static SparkpropClassifier classifier() {
    return new SparkpropClassifier().setHiddenLayers(4).setEpochs(1).setBatchSize(4).setSeed(3).setPartitions(2);
  }

  /**
   * Six rows (id, features, label), the fifth replaced by {@code bad}: on local[2] a local table of
   * six rows is split into two input partitions of three, so the fifth row is row 1 of partition 1.
   */
  private static Dataset<Row> sixRows(Vector badFeatures, Double badLabel, StructType schema) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      boolean bad = i == 4;
      rows.add(RowFactory.create((long) i, bad ? badFeatures : Vectors.dense(i, -i), bad ? badLabel : (double) (i % 2)));
    }
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    assertEquals(2, df.javaRDD().getNumPartitions());
    return df;
  }

  private static StructType schema() {
    return new StructType().add("id", DataTypes.LongType).add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType);
  }

  private static String failure(SparkpropClassifier estimator, Dataset<Row> df) {
    return assertThrows(DataException.class, () -> estimator.fit(df)).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) assertTrue(message.contains(part), "'" + part + "' not in: " + message);
  }

  @Test
  void aLabelThatIsNotAClassIndexStopsTheFitAtItsRow() {
    for (double label : new double[] {1.5, -1, 10_000}) {
      String m = failure(classifier(), sixRows(Vectors.dense(4, -4), label, schema()));
      assertContains(m, "bad input in the DataFrame: partition 1, row 1 (0-based): label '", "' is not a class index:"
          + " a classifier needs class indices 0, 1, ..., k-1 (below 10000); index other labels with StringIndexer");
    }
  }

  @Test
  void featuresMustBeFiniteVectorsOfOneSize() {
    assertContains(failure(classifier(), sixRows(Vectors.dense(4, Double.NaN), 0.0, schema())),
        "partition 1, row 1 (0-based): feature 1 is NaN; expected a finite number");
    assertContains(failure(classifier(), sixRows(Vectors.dense(4, 1e39), 0.0, schema())),
        "partition 1, row 1 (0-based): feature 1 is Infinity; expected a finite number");
    assertContains(failure(classifier(), sixRows(Vectors.sparse(3, new int[] {2}, new double[] {1}), 0.0, schema())),
        "partition 1, row 1 (0-based): the row has 3 features; expected 2 (as in the first row, column 'features')");
  }

  @Test
  void theRegressorNeedsFiniteLabels() {
    SparkpropRegressor regressor = new SparkpropRegressor().setHiddenLayers(4).setEpochs(1).setBatchSize(4).setPartitions(2)
        .setValidationFraction(0);
    DataException e = assertThrows(DataException.class,
        () -> regressor.fit(sixRows(Vectors.dense(4, -4), Double.POSITIVE_INFINITY, schema())));
    assertContains(e.getMessage(), "partition 1, row 1 (0-based): the label is Infinity; expected a finite number");
    // A regression target is any finite number: 1.5 and -1 train.
    assertEquals(6, regressor.fit(sixRows(Vectors.dense(4, -4), -1.5, schema())).summary().trainingRows());
  }

  @Test
  void classesComeFromTheLargestIndexOrTheLabelColumnsAttribute() {
    // Labels 0, 1 and one 3: four classes, class 2 never seen.
    assertEquals(4, classifier().fit(sixRows(Vectors.dense(4, -4), 3.0, schema())).numClasses());
    // A single class seen still makes two (softmax needs two outputs).
    List<Row> zeros = new ArrayList<>();
    for (int i = 0; i < 4; i++) zeros.add(RowFactory.create((long) i, Vectors.dense(i, 1), 0.0));
    assertEquals(2, classifier().fit(spark.createDataFrame(zeros, schema())).numClasses());

    // The label column declares 5 classes (as StringIndexer's output does): the model has 5 outputs.
    StructType declared = new StructType().add("id", DataTypes.LongType).add("features", SQLDataTypes.VectorType())
        .add(NominalAttribute.defaultAttr().withName("label").withNumValues(5).toStructField());
    assertEquals(5, classifier().fit(sixRows(Vectors.dense(4, -4), 3.0, declared)).numClasses());
    // A label at or above the declared count is refused at its row.
    StructType two = new StructType().add("id", DataTypes.LongType).add("features", SQLDataTypes.VectorType())
        .add(NominalAttribute.defaultAttr().withName("label").withNumValues(2).toStructField());
    assertContains(failure(classifier(), sixRows(Vectors.dense(4, -4), 2.0, two)),
        "partition 1, row 1 (0-based): label '2' is not a class index below 2, the number of classes given for this input");
  }

  @Test
  void anEmptyDataFrameIsRefused() {
    Dataset<Row> empty = spark.createDataFrame(List.of(), schema());
    assertContains(assertThrows(DataException.class, () -> classifier().fit(empty)).getMessage(),
        "the DataFrame holds no rows");
  }
}
