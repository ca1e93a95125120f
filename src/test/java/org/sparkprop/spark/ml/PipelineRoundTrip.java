package org.sparkprop.spark.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A program for the cross-line test (SparkLinesIT), run in a JVM of one Spark line: {@code fit DIR
 * OUT} fits the Spark ML pipeline of {@link SparkpropPipelineTest} (assembler, scaler, Sparkprop
 * classifier), saves it to DIR and writes its predictions to OUT; {@code predict DIR OUT} loads a
 * saved PipelineModel (possibly saved by the other line) and writes its predictions to OUT. The
 * predictions are of rows the model was not trained on, one line per row in id order: id,
 * prediction, then the class probabilities as exact doubles.
 */
public final class PipelineRoundTrip {
  private PipelineRoundTrip() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3 || !(args[0].equals("fit") || args[0].equals("predict"))) {
      throw new IllegalArgumentException("usage: PipelineRoundTrip fit|predict DIR OUT");
    }
    SparkSession spark = MlTestData.start();
    try {
      PipelineModel model;
      if (args[0].equals("fit")) {
        model = SparkpropPipelineTest.pipeline(SparkpropPipelineTest.smallClassifier())
            .fit(MlTestData.columns(spark, "circle", 600, 0.05, 3));
        model.write().save(args[1]);
      } else {
        model = PipelineModel.load(args[1]);
      }
      List<String> lines = new ArrayList<>();
      for (Row r : model.transform(MlTestData.columns(spark, "circle", 200, 0.05, 99)).orderBy("id")
          .select("id", "prediction", "probability").collectAsList()) {
        StringBuilder line = new StringBuilder().append(r.getLong(0)).append(',').append(r.getDouble(1));
        for (double p : ((Vector) r.get(2)).toArray()) line.append(',').append(p);
        lines.add(line.toString());
      }
      Files.write(Path.of(args[2]), lines);
    } finally {
      MlTestData.stop(spark);
    }
  }
}
