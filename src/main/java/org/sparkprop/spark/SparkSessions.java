package org.sparkprop.spark;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
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
   * The UI is off in local mode unless asked for: it listens on every interface and costs start-up time.
   */
  public static SparkSession create(String master, Map<String, String> extra) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) conf.setMaster(master);
    for (Map.Entry<String, String> e : extra.entrySet()) conf.set(e.getKey(), e.getValue());
    if (conf.get("spark.master").startsWith("local")) setIfMissing(conf, "spark.ui.enabled", "false");
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
    return create(master, all);
  }

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
