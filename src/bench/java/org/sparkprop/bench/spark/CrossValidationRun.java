package org.sparkprop.bench.spark;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.mllib.util.MLUtils;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.spark.compat.SparkLine;
import org.sparkprop.spark.ml.SparkpropClassificationModel;
import org.sparkprop.spark.ml.SparkpropClassifier;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * The cross-validation half of the {@code small} workload in a JVM of its own, timed from the
 * JVM's start: the digits training CSV read as a DataFrame, a 3-fold cross-validation over two
 * learning rates of a {@link SparkpropClassifier} (one hidden layer, a fixed epoch count, the given
 * {@code execution}), and the chosen model's test accuracy. Two ways of running it:
 * <ul>
 *   <li>{@code oneByOne}: Spark's {@link CrossValidator} over a pipeline, which fits every fold and
 *       setting with its own {@code fit(dataset, paramMap)} (so each fit reads and packs its fold);
 *   <li>{@code packOnce}: the same folds ({@code MLUtils.kFold} with the CrossValidator's seed, as
 *       Spark's CrossValidator draws them), each fold's settings fitted by one
 *       {@code fit(dataset, paramMaps)}, which packs the fold once for both (what pyspark's
 *       CrossValidator does through {@code fitMultiple}), then the best setting refitted on every
 *       row, as the CrossValidator does.
 * </ul>
 * Both give the same mean fold accuracies when they fit the same weights.
 *
 * <p>Arguments: master partitions dataDir execution epochs batch hiddenWidth way.
 */
public final class CrossValidationRun {
  private static final int FOLDS = 3;
  private static final long SEED = 7;

  private CrossValidationRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int partitions = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    String way = args[7];
    BenchSpark.start(master);
    SparkSession spark = SparkSession.active();
    Map<String, Object> out = new LinkedHashMap<>();
    JobClock clock = new JobClock();
    spark.sparkContext().addSparkListener(clock);
    try {
      double sparkReady = FmnistRun.sinceJvmStart();
      clock.mark("sparkReady");
      StringBuilder schema = new StringBuilder();
      String[] features = new String[64];
      for (int i = 0; i < 64; i++) {
        features[i] = "p" + i;
        schema.append(features[i]).append(" DOUBLE, ");
      }
      schema.append("label DOUBLE");
      Dataset<Row> train = spark.read().option("header", "true").schema(schema.toString())
          .csv(dir.resolve("digits-train.csv").toAbsolutePath().toString()).cache();
      Dataset<Row> test = spark.read().option("header", "true").schema(schema.toString())
          .csv(dir.resolve("digits-test.csv").toAbsolutePath().toString()).cache();
      VectorAssembler assembler = new VectorAssembler().setInputCols(features).setOutputCol("features");
      SparkpropClassifier classifier = new SparkpropClassifier().setHiddenLayers(Integer.parseInt(args[6]))
          .setEpochs(Integer.parseInt(args[4])).setBatchSize(Integer.parseInt(args[5])).setValidationFraction(0)
          .setExecution(args[3]).setPartitions(partitions).setLogEveryRounds(100000);
      ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.learningRate(), new double[] {0.01, 0.003}).build();
      MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
      double start = FmnistRun.sinceJvmStart();
      clock.mark("setUp");
      double[] meanFoldAccuracy;
      double testAccuracy;
      if (way.equals("oneByOne")) {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, classifier});
        CrossValidatorModel model = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
            .setEvaluator(accuracy).setNumFolds(FOLDS).setSeed(SEED).fit(train);
        out.put("crossValidationSeconds", Bench.round(FmnistRun.sinceJvmStart() - start, 2));
        clock.mark("crossValidator");
        meanFoldAccuracy = model.avgMetrics();
        testAccuracy = accuracy.evaluate(model.transform(test));
        clock.mark("test");
      } else if (way.equals("packOnce")) {
        meanFoldAccuracy = new double[grid.length];
        Tuple2<RDD<Row>, RDD<Row>>[] folds = MLUtils.kFold(train.toDF().rdd(), FOLDS, SEED, ClassTag$.MODULE$.apply(Row.class));
        clock.mark("folds");
        int f = 0;
        for (Tuple2<RDD<Row>, RDD<Row>> fold : folds) {
          Dataset<Row> fit = assembler.transform(spark.createDataFrame(fold._1(), train.schema())).cache();
          Dataset<Row> validation = assembler.transform(spark.createDataFrame(fold._2(), train.schema())).cache();
          clock.mark("fold" + f + ".split");
          List<SparkpropClassificationModel> models = SparkLine.asJava(classifier.fit(fit, SparkLine.asScala(List.of(grid))));
          clock.mark("fold" + f + ".fit");
          for (int i = 0; i < grid.length; i++) {
            meanFoldAccuracy[i] += accuracy.evaluate(models.get(i).transform(validation, grid[i]));
            clock.mark("fold" + f + ".evaluate" + i);
          }
          fit.unpersist();
          validation.unpersist();
          f++;
        }
        // Summed over the folds in order, then divided, as Spark's CrossValidator averages them.
        for (int i = 0; i < grid.length; i++) meanFoldAccuracy[i] /= FOLDS;
        int best = meanFoldAccuracy[0] >= meanFoldAccuracy[1] ? 0 : 1;
        SparkpropClassificationModel model = classifier.fit(assembler.transform(train), grid[best]);
        out.put("crossValidationSeconds", Bench.round(FmnistRun.sinceJvmStart() - start, 2));
        clock.mark("refit");
        testAccuracy = accuracy.evaluate(model.transform(assembler.transform(test)));
        clock.mark("test");
      } else {
        throw new IllegalArgumentException("way: oneByOne or packOnce, not " + way);
      }
      out.put("way", way);
      out.put("execution", args[3]);
      out.put("folds", FOLDS);
      out.put("settings", grid.length);
      out.put("fits", FOLDS * grid.length + 1);
      out.put("sparkReadySeconds", Bench.round(sparkReady, 2));
      out.put("wallSecondsFromJvmStart", Bench.round(FmnistRun.sinceJvmStart(), 2));
      out.put("meanFoldAccuracy", meanFoldAccuracy);
      out.put("testAccuracy", Bench.round(testAccuracy, 4));
      out.put("phases", clock.phases());
    } finally {
      BenchSpark.stop();
    }
    ChildJvm.printResult(out);
  }

  /**
   * Where a run's seconds go: the wall time between named marks (from JVM start), and the Spark jobs
   * that started in each span, how many and their summed duration, split into those of Sparkprop's fits
   * (described "sparkprop fit ...") and the rest (Spark SQL's and Spark ML's own: reads, caches, folds,
   * transforms, evaluators).
   */
  static final class JobClock extends SparkListener {
    private final List<String> names = new ArrayList<>();
    private final List<Long> marks = new ArrayList<>();
    private final Map<Integer, long[]> jobs = new ConcurrentHashMap<>(); // id -> start, end (ms), 1 when a fit's
    private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();

    JobClock() {
      names.add("jvmStart");
      marks.add(jvmStart);
    }

    void mark(String name) {
      names.add(name);
      marks.add(System.currentTimeMillis());
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
      jobs.put(start.jobId(), new long[] {start.time(), -1, description != null && description.startsWith("sparkprop fit") ? 1 : 0});
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      long[] j = jobs.get(end.jobId());
      if (j != null) j[1] = end.time();
    }

    /** One entry per span between marks: its name, seconds, and the jobs that started in it. */
    List<Map<String, Object>> phases() throws InterruptedException {
      // The listener bus delivers events on its own thread: let it catch up.
      for (int i = 0; i < 50 && jobs.values().stream().anyMatch(j -> j[1] < 0); i++) Thread.sleep(100);
      List<Map<String, Object>> out = new ArrayList<>();
      for (int p = 1; p < marks.size(); p++) {
        long from = marks.get(p - 1);
        long to = marks.get(p);
        int[] count = new int[2];
        double[] seconds = new double[2];
        for (long[] j : jobs.values()) {
          if (j[0] < from || j[0] >= to) continue;
          int k = (int) j[2];
          count[k]++;
          seconds[k] += j[1] < 0 ? 0 : (j[1] - j[0]) / 1000.0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", names.get(p));
        m.put("seconds", Bench.round((to - from) / 1000.0, 3));
        m.put("fitJobs", count[1]);
        m.put("fitJobSeconds", Bench.round(seconds[1], 3));
        m.put("otherJobs", count[0]);
        m.put("otherJobSeconds", Bench.round(seconds[0], 3));
        out.add(m);
      }
      return out;
    }
  }
}
