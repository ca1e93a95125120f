package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;
import org.sparkprop.config.ConfigException;
import org.sparkprop.config.ConfigKey;
import org.sparkprop.config.ConfigKeys;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.config.ValueType;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.nn.NetworkSpec;

/**
 * Every training key has the same default, range and documentation on the command line
 * ({@code reference.conf} and its validator) and in Spark ML (the estimators' and models' params),
 * and a key added to one side only fails here. The only departures allowed are the ones
 * {@link Task} declares (the regressor has no use for class-only values and defaults to mse);
 * each is listed in this test by name. No Spark job runs.
 */
class TrainingKeyParityTest {
  private static final Map<String, Object> CLI_DEFAULTS = TrainConfig.defaults().resolved();
  private static final List<ConfigKey> PARAM_KEYS = ConfigKeys.reference().sparkParams();

  /** Not configuration keys: the command's --resume and --resume-with-changes flags. */
  private static final Set<String> RESUME = Set.of("resumeFromCheckpoint", "resumeWithChanges");

  /** One of each class that carries the params. */
  private static List<SparkpropParams> owners() {
    FittedNetwork classes = new FittedNetwork(new NetworkSpec(2, new int[0], Activation.IDENTITY, 2, Activation.SOFTMAX,
        Loss.CROSS_ENTROPY), new float[6], 2, TargetScaling.IDENTITY, null, Map.of());
    FittedNetwork values = new FittedNetwork(new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY,
        Loss.MSE), new float[3], 0, TargetScaling.IDENTITY, null, Map.of());
    return List.of(new SparkpropClassifier(), new SparkpropRegressor(),
        new SparkpropClassificationModel("m1", classes), new SparkpropRegressionModel("m2", values));
  }

  /**
   * The training options of a DataFrame fit: the model, the loop, checkpoints and the Spark
   * settings of the training data. The data's own keys and the session's settings are the
   * caller's (the DataFrame and its SparkSession), except the validation split and the target's scaling.
   */
  private static boolean isTrainingKey(String key) {
    if (key.startsWith("data.")) {
      return key.equals("data.validationFraction") || key.equals("data.scaleTarget") || key.equals("data.weightColumn");
    }
    if (key.startsWith("spark.")) return !key.equals("spark.master") && !key.equals("spark.conf");
    return true;
  }

  @Test
  void everyTrainingKeyNamesAParamAndNoOtherKeyDoes() {
    Set<String> training = new TreeSet<>();
    Set<String> named = new TreeSet<>();
    for (ConfigKey k : ConfigKeys.reference().all()) {
      if (isTrainingKey(k.key())) training.add(k.key());
      if (k.sparkParam() != null) named.add(k.key());
    }
    assertEquals(training, named, "keys of reference.conf with a 'Spark ML param:' line");
  }

  @Test
  void everyParamOfTheConfigurationHasANamedAccessorAndEveryAccessorAKey() {
    Set<String> fromKeys = new TreeSet<>();
    for (ConfigKey k : PARAM_KEYS) fromKeys.add(k.sparkParam());
    Set<String> accessors = new TreeSet<>();
    for (Method m : SparkpropParams.class.getDeclaredMethods()) {
      if (Param.class.isAssignableFrom(m.getReturnType()) && m.getParameterCount() == 0
          && Modifier.isPublic(m.getModifiers()) && !RESUME.contains(m.getName())) {
        accessors.add(m.getName());
      }
    }
    assertEquals(fromKeys, accessors, "accessors of SparkpropParams against 'Spark ML param:' lines");
    for (SparkpropParams owner : owners()) {
      Set<String> seen = new TreeSet<>();
      for (Param<?> p : owner.params()) seen.add(p.name());
      Set<String> missing = new TreeSet<>(fromKeys);
      missing.removeAll(seen);
      assertEquals(Set.of(), missing, owner.getClass().getSimpleName() + " params() lacks these");
      assertTrue(seen.containsAll(RESUME), owner.getClass().getSimpleName() + " params() lacks the resume params");
      for (String name : fromKeys) {
        assertTrue(hasMethod(owner, "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1)), "getter of " + name);
        if (owner instanceof SparkpropParamSetters<?>) {
          assertTrue(hasMethod(owner, "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1)),
              "setter of " + name);
        }
      }
    }
  }

  @Test
  void defaultsAreTheCommandLinesExceptWhereTheTaskSaysOtherwise() {
    Map<String, Object> departures = new LinkedHashMap<>();
    for (SparkpropParams owner : owners()) {
      for (ConfigKey k : PARAM_KEYS) {
        Object value = ParamCheck.configValue(owner.getOrDefault(param(owner, k)));
        Object cli = CLI_DEFAULTS.get(k.key());
        if (!cli.equals(value)) departures.put(owner.getClass().getSimpleName() + " " + k.sparkParam(), value);
      }
    }
    assertEquals(Map.of("SparkpropRegressor loss", "mse", "SparkpropRegressionModel loss", "mse"), departures);
  }

  @Test
  void documentationIsTheKeysWithKeysRenamedToParams() {
    for (SparkpropParams owner : owners()) {
      Task task = owner.sparkpropParamSet().task();
      for (ConfigKey k : PARAM_KEYS) {
        String doc = param(owner, k).doc();
        String name = k.sparkParam();
        assertTrue(doc.startsWith(renamed(k.doc())), name + ": '" + doc + "' does not start with the key's doc");
        ValueType accepted = task.accepted(k);
        if (accepted instanceof ValueType.OneOf o) {
          for (ValueType.Choice c : o.choices()) {
            assertTrue(doc.contains(c.name()), name + " documents " + c.name());
            assertTrue(doc.contains(renamed(c.description())), name + " documents what " + c.name() + " means");
          }
        } else {
          assertTrue(doc.endsWith("Expected: " + k.type().expected() + "."), name + ": " + doc);
        }
        for (ConfigKey other : PARAM_KEYS) {
          assertFalse(doc.matches(".*(?<![\\w.])" + other.key().replace(".", "\\.") + "(?!\\w).*"),
              name + " still names key " + other.key() + ": " + doc);
        }
        assertTrue(owner.explainParam(param(owner, k)).contains(doc));
      }
    }
  }

  /**
   * The same values are accepted and refused on both sides, and a refusal says the same thing
   * ("expected ..."), probing each param with values around its range; the regressor refuses
   * exactly the class-only values {@link Task} names.
   */
  @Test
  void rangesAndTheirMessagesAreTheCommandLines() {
    List<String> narrowed = new ArrayList<>();
    for (SparkpropParams owner : List.<SparkpropParams>of(new SparkpropClassifier(), new SparkpropRegressor())) {
      for (ConfigKey k : PARAM_KEYS) {
        Param<?> param = param(owner, k);
        for (Object probe : probes(k.type())) {
          String cliProblem = cliProblem(k.key(), cliText(probe));
          String paramProblem = paramProblem(param, probe);
          String what = owner.getClass().getSimpleName() + " " + param.name() + " = " + cliText(probe);
          if (cliProblem == null && paramProblem != null) {
            narrowed.add(what);
            continue;
          }
          assertEquals(cliProblem == null, paramProblem == null, what + ": command line " + cliProblem + ", param "
              + paramProblem);
          if (cliProblem == null) continue;
          Task task = owner.sparkpropParamSet().task();
          if (task.narrowedKeys().contains(k.key())) {
            // The list the message gives is the task's, not the command line's.
            assertTrue(expectedPart(paramProblem).startsWith("expected " + task.accepted(k).expected()), what);
          } else {
            assertEquals(expectedPart(cliProblem), expectedPart(paramProblem), what);
          }
        }
      }
    }
    assertEquals(List.of("SparkpropClassifier earlyStoppingMetric = mse", "SparkpropClassifier earlyStoppingMetric = MSE",
        "SparkpropRegressor outputActivation = softmax", "SparkpropRegressor outputActivation = SOFTMAX",
        "SparkpropRegressor outputActivation = step", "SparkpropRegressor outputActivation = STEP",
        "SparkpropRegressor loss = cross_entropy", "SparkpropRegressor loss = CROSS_ENTROPY",
        "SparkpropRegressor earlyStoppingMetric = accuracy", "SparkpropRegressor earlyStoppingMetric = ACCURACY"),
        narrowed, "values the command line accepts and a param refuses");
  }

  // ---------------------------------------------------------------------------------------------

  private static Param<?> param(SparkpropParams owner, ConfigKey k) {
    return owner.getParam(k.sparkParam());
  }

  private static boolean hasMethod(Object owner, String name) {
    return Arrays.stream(owner.getClass().getMethods()).anyMatch(m -> m.getName().equals(name));
  }

  /** The test's own renaming: every key path with a param becomes the param's name. */
  private static String renamed(String text) {
    List<ConfigKey> longestFirst = new ArrayList<>(PARAM_KEYS);
    longestFirst.sort((a, b) -> b.key().length() - a.key().length());
    String out = text;
    for (ConfigKey k : longestFirst) {
      out = out.replaceAll("(?<![\\w.])" + k.key().replace(".", "\\.") + "(?!\\w)", k.sparkParam());
    }
    return out;
  }

  /** Values around a type's range, as a param holds them. */
  private static List<Object> probes(ValueType type) {
    List<Object> out = new ArrayList<>();
    if (type instanceof ValueType.Whole w) {
      for (long x : new long[] {-1, 0, 1, 2, 3, 7, 1000}) out.add(w.wide() ? (Object) x : (Object) (int) x);
    } else if (type instanceof ValueType.Real) {
      for (double x : new double[] {-1, -1e-9, 0, 1e-9, 0.5, 0.999, 1, 1.5, 2, 7, 1e6, Double.NaN}) out.add(x);
    } else if (type instanceof ValueType.AutoOrReal) {
      for (double x : new double[] {-1, -1e-9, 0, 1e-9, 0.5, 0.999, 1, 1.5, 2, 7, 1e6, Double.NaN}) out.add(Double.toString(x));
      out.add("auto");
      out.add("AUTO");
      out.add("nonsense");
    } else if (type instanceof ValueType.OneOf o) {
      for (String name : o.names()) {
        out.add(name);
        out.add(name.toUpperCase(Locale.ROOT));
      }
      out.add("nonsense");
      out.add(o.names().get(0) + "x");
    } else if (type instanceof ValueType.WholeList) {
      out.add(new int[0]);
      out.add(new int[] {16});
      out.add(new int[] {16, 0});
      out.add(new int[] {-3});
    } else if (type instanceof ValueType.Text) {
      out.add("");
      out.add("some/dir");
    } else if (type instanceof ValueType.ClassWeightList) {
      for (String x : new String[] {"none", "balanced", "BALANCED", "", "1,5", "0.5, 2, 1", "0,0", "-1,2", "5", "1,x",
          "nonsense"}) {
        out.add(x);
      }
    } else if (type instanceof ValueType.StopTarget) {
      // Only loss targets among the accepted: accuracy and mse depend on the task, which a cross-key rule checks at fit.
      for (String x : new String[] {"", "loss=0.3", " LOSS = 1e-2 ", "f1=0.9", "accuracy", "loss=NaN", "mse=", "=1"}) {
        out.add(x);
      }
    } else if (type instanceof ValueType.Flag) {
      out.add(true);
      out.add(false);
    } else {
      throw new AssertionError("no probes for " + type);
    }
    return out;
  }

  private static String cliText(Object probe) {
    if (probe instanceof int[] a) return String.join(",", Arrays.stream(a).mapToObj(String::valueOf).toList());
    return String.valueOf(probe);
  }

  /** The command line's problem with the key's own value, or null when it accepts the value (rules between keys aside). */
  private static String cliProblem(String key, String text) {
    try {
      TrainConfig.load(null, List.of(key + "=" + text));
      return null;
    } catch (ConfigException e) {
      for (String p : e.problems()) {
        if (p.startsWith(key + " = ") && p.contains(": expected ")) return p;
      }
      return null;
    }
  }

  private static String paramProblem(Param<?> param, Object value) {
    try {
      @SuppressWarnings("unchecked")
      Param<Object> p = (Param<Object>) param;
      p.isValid().apply(value);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** "expected ..." up to where the command line adds the value's origin. */
  private static String expectedPart(String message) {
    String tail = message.substring(message.indexOf("expected "));
    int from = tail.indexOf(" (from ");
    return from < 0 ? tail : tail.substring(0, from);
  }
}
