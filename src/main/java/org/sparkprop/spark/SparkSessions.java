package org.sparkprop.spark;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.math.Bf16Support;
import org.sparkprop.math.Kernels;

/**
 * The Spark settings Sparkprop relies on, applied in one place: Kryo with every class
 * registered, task results large enough to carry a gradient directly, and no locality wait (the
 * data is cached where it is computed; waiting only slows recovery after an executor is lost).
 * A setting the user gives (spark-submit --conf or the job's spark.conf) always wins.
 */
public final class SparkSessions {
  private SparkSessions() {
  }

  public static SparkConf defaults(SparkConf conf) {
    setIfMissing(conf, "spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    setIfMissing(conf, "spark.kryo.registrator", SparkpropKryoRegistrator.class.getName());
    setIfMissing(conf, "spark.kryo.registrationRequired", "true");
    // A 265k-parameter gradient is 1.06 MB, above the 1 MiB default: larger results would take a
    // detour through the block manager (+~40 ms per round measured here).
    setIfMissing(conf, "spark.task.maxDirectResultSize", "64m");
    setIfMissing(conf, "spark.locality.wait", "0s");
    setIfMissing(conf, "spark.app.name", "sparkprop");
    return conf;
  }

  /**
   * A session for the given master (used when spark-submit did not set one) and extra settings.
   * The UI is off in local mode unless asked for: it listens on every interface and costs start-up time;
   * and broadcasts there are cut into small pieces ({@link #LOCAL_BROADCAST_BLOCK_SIZE}).
   */
  public static SparkSession create(String master, Map<String, String> extra) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) conf.setMaster(master);
    for (Map.Entry<String, String> e : extra.entrySet()) conf.set(e.getKey(), e.getValue());
    if (conf.get("spark.master").startsWith("local")) {
      setIfMissing(conf, "spark.ui.enabled", "false");
      setIfMissing(conf, LOCAL_BROADCAST_BLOCK_SIZE_KEY, LOCAL_BROADCAST_BLOCK_SIZE);
    }
    defaults(conf);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * A session for a job whose GEMM kernel is {@code kernel} ({@link Kernels#decide}): its
   * executors start with {@code OPENBLAS_CORETYPE} set to it, whatever their host's environment
   * says, since OpenBLAS reads the variable only when it loads. Executors that already run (a
   * session that exists) keep what they loaded; the tasks check it ({@link Kernels#forJob}).
   */
  public static SparkSession create(String master, Map<String, String> extra, String kernel) {
    Map<String, String> all = new java.util.LinkedHashMap<>(extra);
    if (Kernels.isNative(kernel)) all.put(EXECUTOR_CORETYPE, kernel);
    if (Bf16Support.isBf16Kernel(kernel)) all.put(EXECUTOR_THREADS, "1");
    return create(master, all);
  }

  /**
   * The Spark setting that gives a bf16 job's executors one oneDNN thread per call (its OpenMP reads
   * the variable when it loads; the tasks check it, {@link Bf16Support}).
   */
  public static final String EXECUTOR_THREADS = "spark.executorEnv." + Bf16Support.THREADS_VARIABLE;

  static final String LOCAL_BROADCAST_BLOCK_SIZE_KEY = "spark.broadcast.blockSize";
  /**
   * Local mode's broadcast piece size. Spark serialises every broadcast into pieces of this size,
   * allocating a whole piece up front, and every job broadcasts its task binary: with the 4 MB
   * default each round allocated a 4 MB buffer for a task binary of a few kB. A buffer of half a
   * G1 heap region or more (1 MB with a 4 GB heap, 512 kB with the smallest regions) is a humongous
   * object, and these started a G1 concurrent cycle every ~15 rounds, with its pauses and marking on
   * the cores the tasks need (BENCHMARKS.md, a round's fixed cost). In local mode the rounds hand
   * the weights over in the JVM, so no large broadcast gets more pieces from this; on a cluster
   * more pieces would mean more fetches per executor for every round's weights, so it stays 4 MB there.
   */
  static final String LOCAL_BROADCAST_BLOCK_SIZE = "256k";

  /** The Spark setting that pins the executors' OpenBLAS kernels. */
  public static final String EXECUTOR_CORETYPE = "spark.executorEnv.OPENBLAS_CORETYPE";

  /**
   * Whether a Spark session already runs in this JVM: active in this thread, or the default one.
   * A JVM whose class loaders never loaded {@code SparkSession} has none, and is answered without
   * loading it: the class starts the Scala runtime (1-2 s of class loading), a cost a {@code train}
   * run without Spark would pay only to learn that nothing runs. When the class loaders cannot be
   * asked (java.lang not opened to this code, as the launch scripts and spark-submit do), the
   * answer comes from SparkSession itself.
   */
  public static boolean running() {
    if (LoadedClasses.known() && !LoadedClasses.loaded(SparkSessions.class.getClassLoader(), SESSION_CLASS)) return false;
    return SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
  }

  private static final String SESSION_CLASS = "org.apache.spark.sql.SparkSession";

  /** Asks class loaders which classes they loaded ({@code ClassLoader.findLoadedClass}), without loading any. */
  static final class LoadedClasses {
    private static final MethodHandle FIND_LOADED = findLoaded();

    private LoadedClasses() {
    }

    static boolean known() {
      return FIND_LOADED != null;
    }

    /** Whether {@code loader} or one of its parents (the loaders it delegates to) has loaded {@code name}. */
    static boolean loaded(ClassLoader loader, String name) {
      for (ClassLoader l = loader; l != null; l = l.getParent()) {
        try {
          if (FIND_LOADED.invoke(l, name) != null) return true;
        } catch (Throwable e) {
          return true; // cannot tell: assume it may be, and let the caller ask the class
        }
      }
      return false;
    }

    private static MethodHandle findLoaded() {
      try {
        return MethodHandles.privateLookupIn(ClassLoader.class, MethodHandles.lookup())
            .findVirtual(ClassLoader.class, "findLoadedClass", MethodType.methodType(Class.class, String.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }

  private static void setIfMissing(SparkConf conf, String key, String value) {
    if (!conf.contains(key)) conf.set(key, value);
  }
}
