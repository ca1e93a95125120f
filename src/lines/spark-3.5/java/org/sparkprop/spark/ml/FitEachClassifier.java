package org.sparkprop.spark.ml;

import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.sparkprop.spark.compat.SparkLine;

/**
 * What {@link SparkpropClassifier} adds to Spark's base class on this Spark line: Spark ML's
 * {@code fit(dataset, paramMaps)}, whose sequence types differ between lines (Scala 2.12: {@code scala.collection.Seq}),
 * handed to {@link #fitEach} with Java lists. Each line has its own copy of this class in
 * {@code src/lines/<line>/java}.
 */
public abstract class FitEachClassifier extends ProbabilisticClassifier<Vector, SparkpropClassifier, SparkpropClassificationModel> {
  private static final long serialVersionUID = 1L;

  /** One model per param map, in order, as many {@code fit(dataset, paramMap)} calls would give, faster. */
  @Override
  public scala.collection.Seq<SparkpropClassificationModel> fit(Dataset<?> dataset, scala.collection.Seq<ParamMap> paramMaps) {
    return SparkLine.asScala(fitEach(dataset, SparkLine.asJava(paramMaps)));
  }

  abstract List<SparkpropClassificationModel> fitEach(Dataset<?> dataset, List<ParamMap> paramMaps);
}
