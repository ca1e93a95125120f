package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.bench.Machine;

/**
 * The {@code small} workload: data of the size people test, tune and teach on (scikit-learn's
 * digits, 1,347 training rows x 64 features), trained with the rounds as Spark jobs and on the
 * driver, each run in a fresh JVM timed from its start, one after the other on the same machine:
 * {@link SmallRun} (a fixed number of epochs, test set evaluated per epoch; the two runs must end
 * with the same weights) and {@link CrossValidationRun} (a 3-fold CrossValidator over two learning
 * rates).
 */
public final class SmallBench {
  private SmallBench() {
  }

  public static Map<String, Object> run(String master, int partitions, Path dir, int epochs, int cvEpochs, int batch,
                                        int hidden, String heap) throws IOException, InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", "driver >= 20 x faster than Spark jobs in wall time from JVM start, same weightsSha256;"
        + " CrossValidator >= 5 x faster");
    m.put("master", master);
    m.put("data", dir.resolve("digits-train.csv").toString());
    double loadStart = Machine.loadAverage();
    List<String> train = List.of(Integer.toString(epochs), Integer.toString(batch), Integer.toString(hidden));
    Map<String, Object> spark = child("small-spark", SmallRun.class, heap, master, partitions, dir, "spark", train);
    Map<String, Object> driver = child("small-driver", SmallRun.class, heap, master, partitions, dir, "driver", train);
    List<String> cv = List.of(Integer.toString(cvEpochs), Integer.toString(batch), Integer.toString(hidden));
    Map<String, Object> cvSpark = child("cv-spark", CrossValidationRun.class, heap, master, partitions, dir, "spark", cv);
    Map<String, Object> cvDriver = child("cv-driver", CrossValidationRun.class, heap, master, partitions, dir, "driver", cv);
    m.put("train.spark", spark);
    m.put("train.driver", driver);
    m.put("crossValidation.spark", cvSpark);
    m.put("crossValidation.driver", cvDriver);
    m.put("loadAverage", new double[] {loadStart, Machine.loadAverage()});

    double wall = ratio(spark, driver, "wallSecondsFromJvmStart");
    double loop = ratio(spark, driver, "loopSeconds");
    double cvWall = ratio(cvSpark, cvDriver, "wallSecondsFromJvmStart");
    double cvFit = ratio(cvSpark, cvDriver, "crossValidationSeconds");
    boolean sameBits = spark.get("weightsSha256").equals(driver.get("weightsSha256"));
    m.put("wallSpeedup", Bench.round(wall, 2));
    m.put("loopSpeedup", Bench.round(loop, 2));
    m.put("crossValidationWallSpeedup", Bench.round(cvWall, 2));
    m.put("crossValidationFitSpeedup", Bench.round(cvFit, 2));
    m.put("sameWeights", sameBits);
    m.put("met", sameBits && wall >= 20 && cvWall >= 5);
    return m;
  }

  private static Map<String, Object> child(String tag, Class<?> main, String heap, String master, int partitions, Path dir,
                                           String execution, List<String> rest) throws IOException, InterruptedException {
    List<String> args = new java.util.ArrayList<>(List.of(master, Integer.toString(partitions), dir.toString(), execution));
    args.addAll(rest);
    return ChildJvm.run(tag, main, heap, Map.of(), args);
  }

  private static double ratio(Map<String, Object> slow, Map<String, Object> fast, String key) {
    return ((Number) slow.get(key)).doubleValue() / ((Number) fast.get(key)).doubleValue();
  }
}
