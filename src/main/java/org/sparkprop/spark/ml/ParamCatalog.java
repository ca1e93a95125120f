package org.sparkprop.spark.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkprop.config.ValueType;
import org.sparkprop.data.TargetScaling;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;

/**
 * Every param of the four Spark ML classes (estimators and models), as JSON: name, Java param
 * class, documentation, default (in Spark's own JSON encoding of the value) and, for training
 * params (those Sparkprop adds to Spark's own), what values they accept ({@link ParamLimits}). The Python package is generated from this
 * catalog ({@code python/build.sh params}) and a test compares the committed Python file with it, so
 * a param added or changed here and not regenerated there fails the build.
 *
 * <p>The output is deterministic: classes in a fixed order, params sorted by name (as
 * {@code Params.params} lists them), one param per line.
 */
public final class ParamCatalog {
  private ParamCatalog() {
  }

  /** Prints the catalog on standard output. */
  public static void main(String[] args) {
    System.out.print(json());
  }

  /** The catalog as JSON text, ending with a newline. */
  public static String json() {
    List<String> classes = new ArrayList<>();
    for (Params owner : owners()) {
      classes.add("  \"" + owner.getClass().getSimpleName() + "\": {\n    \"javaClass\": " + quote(owner.getClass().getName())
          + ",\n    \"params\": [\n" + String.join(",\n", paramLines(owner)) + "\n    ]\n  }");
    }
    return "{\n" + String.join(",\n", classes) + "\n}\n";
  }

  /** One instance of each class; a model needs a network, which only gives it a shape here. */
  private static List<Params> owners() {
    FittedNetwork classes = new FittedNetwork(new NetworkSpec(2, new int[0], Activation.IDENTITY, 2, Activation.SOFTMAX,
        Loss.CROSS_ENTROPY), new float[6], 2, TargetScaling.IDENTITY, null, Map.of());
    FittedNetwork values = new FittedNetwork(new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY,
        Loss.MSE), new float[3], 0, TargetScaling.IDENTITY, null, Map.of());
    return List.of(new SparkpropClassifier("catalog"), new SparkpropClassificationModel("catalog", classes),
        new SparkpropRegressor("catalog"), new SparkpropRegressionModel("catalog", values));
  }

  private static List<String> paramLines(Params owner) {
    SparkpropParamSet training = ((SparkpropParams) owner).sparkpropParamSet();
    List<String> lines = new ArrayList<>();
    for (Param<?> p : owner.params()) {
      StringBuilder line = new StringBuilder("      {\"name\": ").append(quote(p.name()))
          .append(", \"class\": ").append(quote(p.getClass().getSimpleName()))
          .append(", \"doc\": ").append(quote(p.doc()));
      if (owner.hasDefault(p)) line.append(", \"default\": ").append(encodedDefault(owner, p));
      if (training.configKey(p) != null) {
        line.append(", \"limits\": ").append(ParamLimits.json(training.accepted(p.name())));
      } else if (training.isResumeParam(p)) {
        line.append(", \"limits\": ").append(ParamLimits.json(new ValueType.Flag()));
      }
      lines.add(line.append('}').toString());
    }
    return lines;
  }

  @SuppressWarnings("unchecked")
  private static String encodedDefault(Params owner, Param<?> p) {
    Param<Object> param = (Param<Object>) p;
    return param.jsonEncode(owner.getDefault(param).get());
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\t': out.append("\\t"); break;
        case '\r': out.append("\\r"); break;
        default:
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
