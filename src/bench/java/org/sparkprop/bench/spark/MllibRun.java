package org.sparkprop.bench.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import org.sparkprop.data.SyntheticTeacher;
import org.sparkprop.spark.compat.SparkLine;

/**
 * Spark MLlib's {@code MultilayerPerceptronClassifier} on the synthetic teacher data, run in its own
 * JVM by {@link MllibBench} so that its native BLAS starts with the environment chosen for it
 * ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_NUM_THREADS}). Prints its figures as the one result
 * line {@link ChildJvm} reads.
 *
 * <p>With solver {@code gd} every iteration is one full pass (mini-batch fraction 1) and one Spark
 * job (a treeAggregate in {@code GradientDescent}); a listener times those jobs. The pass rate is
 * the median over the passes after the first (the first still runs on a cold JIT).
 *
 * <p>Arguments: master rows features classes hiddenWidths(comma) maxIter partitions seed.
 */
public final class MllibRun {
  private MllibRun() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    long rows = Long.parseLong(args[1]);
    int features = Integer.parseInt(args[2]);
    int classes = Integer.parseInt(args[3]);
    String[] hiddenText = args[4].isEmpty() ? new String[0] : args[4].split(",");
    int maxIter = Integer.parseInt(args[5]);
    int partitions = Integer.parseInt(args[6]);
    long seed = Long.parseLong(args[7]);

    long wall0 = System.nanoTime();
    SparkSession spark = plainSession(master, "mllib-bench");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      out.put("blas", blasDescription());
      JobTimes jobs = new JobTimes();
      spark.sparkContext().addSparkListener(jobs);
      TaskCpu cpu = new TaskCpu();
      spark.sparkContext().addSparkListener(cpu);

      SyntheticTeacher source = new SyntheticTeacher(rows, features, classes, 7);
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < partitions; i++) ids.add(i);
      JavaRDD<Row> rdd = sc.parallelize(ids, partitions).flatMap(i -> rowsOf(source, i, partitions));
      StructType schema = new StructType(new StructField[] {
          new StructField("label", DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()),
          new StructField("features", SQLDataTypes.VectorType(), false, org.apache.spark.sql.types.Metadata.empty())});
      long d0 = System.nanoTime();
      Dataset<Row> df = spark.createDataFrame(rdd, schema).cache();
      long counted = df.count();
      double prepSeconds = (System.nanoTime() - d0) / 1e9;
      long inputCached = cachedBytes(sc);

      int[] layers = new int[hiddenText.length + 2];
      layers[0] = features;
      for (int i = 0; i < hiddenText.length; i++) layers[i + 1] = Integer.parseInt(hiddenText[i].trim());
      layers[layers.length - 1] = classes;
      MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
          .setLayers(layers).setSolver("gd").setMaxIter(maxIter).setTol(0).setSeed(seed);
      long f0 = System.currentTimeMillis();
      mlp.fit(df);
      long f1 = System.currentTimeMillis();
      long peakCached = jobs.peakCached;

      TaskCpu.drain(spark.sparkContext());
      List<long[]> passes = jobs.passes(); // {start, end, jobId} ms, in start order
      List<Double> passSeconds = new ArrayList<>();
      List<Double> passCpuSeconds = new ArrayList<>();
      for (long[] p : passes) {
        passSeconds.add((p[1] - p[0]) / 1e3);
        passCpuSeconds.add(round(cpu.jobCpuSeconds((int) p[2])));
      }
      List<Double> steady = passSeconds.size() > 1 ? passSeconds.subList(1, passSeconds.size()) : passSeconds;
      List<Double> steadyCpu = passCpuSeconds.size() > 1 ? passCpuSeconds.subList(1, passCpuSeconds.size()) : passCpuSeconds;
      double passMedian = median(steady);
      double passCpuMedian = median(steadyCpu);
      out.put("rows", counted);
      out.put("layers", layers);
      out.put("solver", "gd");
      out.put("iterations", maxIter);
      out.put("partitions", partitions);
      out.put("prepareSeconds", round(prepSeconds));
      out.put("fitSeconds", round((f1 - f0) / 1e3));
      out.put("setupBeforeFirstPassSeconds", passes.isEmpty() ? null : round((passes.get(0)[0] - f0) / 1e3));
      out.put("passSeconds", passSeconds);
      out.put("steadyPassMedianSeconds", round(passMedian));
      out.put("rowsPerSecond", Math.round(counted / passMedian));
      out.put("passTaskCpuSeconds", passCpuSeconds);
      out.put("rowsPerTaskCpuSecond", Math.round(counted / passCpuMedian));
      out.put("inputCachedBytes", inputCached);
      out.put("peakCachedBytes", Math.max(peakCached, inputCached));
      out.put("wallSeconds", round((System.nanoTime() - wall0) / 1e9));
    } finally {
      spark.stop();
    }
    ChildJvm.printResult(out);
  }

  /** MLlib as its users run it: Spark's defaults (Java serialisation), no Sparkprop settings; loopback, no UI. */
  static SparkSession plainSession(String master, String appName) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName(appName)
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** Rows of partition i of n as (label, dense vector of doubles), the same values Sparkprop trains on. */
  static Iterator<Row> rowsOf(SyntheticTeacher source, int i, int n) {
    long first = source.rows() * i / n;
    long end = source.rows() * (i + 1) / n;
    int features = source.features();
    float[] x = new float[features];
    float[] y = new float[1];
    return new Iterator<>() {
      long next = first;

      @Override
      public boolean hasNext() {
        return next < end;
      }

      @Override
      public Row next() {
        source.fill(next++, x, 0, y, 0);
        double[] v = new double[features];
        for (int j = 0; j < features; j++) v[j] = x[j];
        return RowFactory.create((double) y[0], Vectors.dense(v));
      }
    };
  }

  /** Which BLAS MLlib's level-3 calls (its "native" instance) resolve to. */
  static String blasDescription() {
    String coretype = System.getenv("OPENBLAS_CORETYPE");
    String threads = System.getenv("OPENBLAS_NUM_THREADS");
    String env = " (OPENBLAS_CORETYPE=" + (coretype == null ? "unset" : coretype)
        + ", OPENBLAS_NUM_THREADS=" + (threads == null ? "unset" : threads) + ")";
    try {
      Object nativeBlas = dev.ludovic.netlib.blas.NativeBLAS.getInstance();
      return nativeBlas.getClass().getName() + " -> system libblas.so.3 " + systemBlas() + env;
    } catch (Throwable t) {
      return dev.ludovic.netlib.blas.JavaBLAS.getInstance().getClass().getName()
          + " (no native BLAS: " + t.getMessage() + ")" + env;
    }
  }

  private static String systemBlas() {
    try {
      java.nio.file.Path p = java.nio.file.Path.of("/etc/alternatives/libblas.so.3-x86_64-linux-gnu");
      return "= " + p.toRealPath();
    } catch (Exception e) {
      return "";
    }
  }

  static long cachedBytes(JavaSparkContext sc) {
    long sum = 0;
    for (RDDInfo info : sc.sc().getRDDStorageInfo()) sum += info.memSize() + info.diskSize();
    return sum;
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> s = new ArrayList<>(values);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Start and end of every job whose stages come from MLlib's GradientDescent (one per pass). */
  static final class JobTimes extends SparkListener {
    private final Map<Integer, long[]> passJobs = new ConcurrentHashMap<>();
    volatile long peakCached;
    private JavaSparkContext sc;

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      // A gradient pass is a treeAggregate in GradientDescent; its "count" job (which also
      // materialises MLlib's stacked copy of the data) is not a pass.
      boolean pass = false;
      Iterator<StageInfo> it = SparkLine.asJava(start.stageInfos()).iterator();
      while (it.hasNext()) {
        String name = it.next().name();
        if (name.contains("GradientDescent") && name.contains("treeAggregate")) pass = true;
      }
      if (pass) passJobs.put(start.jobId(), new long[] {start.time(), -1, start.jobId()});
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      long[] t = passJobs.get(end.jobId());
      if (t != null) t[1] = end.time();
      try {
        SparkSession s = SparkSession.active();
        long sum = 0;
        for (RDDInfo info : s.sparkContext().getRDDStorageInfo()) sum += info.memSize() + info.diskSize();
        peakCached = Math.max(peakCached, sum);
      } catch (RuntimeException e) {
        // session stopping
      }
    }

    List<long[]> passes() {
      List<long[]> list = new ArrayList<>();
      for (long[] t : passJobs.values()) {
        if (t[1] >= 0) list.add(t);
      }
      list.sort((a, b) -> Long.compare(a[0], b[0]));
      return list;
    }
  }
}
