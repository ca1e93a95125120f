package org.sparkprop.spark.ml;

import java.util.List;
import java.util.stream.Collectors;
import org.sparkprop.config.ValueType;

/**
 * What a training param accepts, written as a JSON object for another language's binding (the
 * Python package checks values with it before anything reaches the JVM). The object carries the
 * kind of value, its bounds or names, and {@code expected}: the phrase the Java check puts in its
 * message, so that both sides word a refusal alike.
 */
final class ParamLimits {
  private ParamLimits() {
  }

  /** One line of JSON, e.g. {@code {"kind": "int", "min": 1, "max": 2147483647, "expected": "an integer >= 1"}}. */
  static String json(ValueType accepted) {
    String body;
    if (accepted instanceof ValueType.Flag) {
      body = "\"kind\": \"boolean\"";
    } else if (accepted instanceof ValueType.Text t) {
      body = "\"kind\": \"string\", \"nonEmpty\": " + t.nonEmpty();
    } else if (accepted instanceof ValueType.ClassWeightList) {
      body = "\"kind\": \"classWeights\"";
    } else if (accepted instanceof ValueType.StopTarget) {
      body = "\"kind\": \"stopTarget\"";
    } else if (accepted instanceof ValueType.Column) {
      body = "\"kind\": \"string\", \"nonEmpty\": true";
    } else if (accepted instanceof ValueType.Whole w) {
      body = "\"kind\": \"" + (w.wide() ? "long" : "int") + "\", \"min\": " + w.min() + ", \"max\": " + w.max()
          + (w.alone() == null ? "" : ", \"alone\": " + w.alone());
    } else if (accepted instanceof ValueType.Real r) {
      body = "\"kind\": \"double\", \"lo\": " + bound(r.lo()) + ", \"loIncluded\": " + r.loIncluded()
          + ", \"hi\": " + bound(r.hi()) + ", \"hiIncluded\": " + r.hiIncluded();
    } else if (accepted instanceof ValueType.AutoOrReal a) {
      ValueType.Real r = a.number();
      body = "\"kind\": \"autoDouble\", \"lo\": " + bound(r.lo()) + ", \"loIncluded\": " + r.loIncluded()
          + ", \"hi\": " + bound(r.hi()) + ", \"hiIncluded\": " + r.hiIncluded();
    } else if (accepted instanceof ValueType.OneOf o) {
      body = "\"kind\": \"oneOf\", \"names\": " + strings(o.names());
    } else if (accepted instanceof ValueType.DistinctValues d) {
      body = "\"kind\": \"distinct\", \"names\": " + strings(d.names());
    } else if (accepted instanceof ValueType.WholeList l) {
      body = "\"kind\": \"intList\", \"min\": " + l.min();
    } else {
      throw new IllegalStateException("no JSON form for a param that accepts " + accepted.expected());
    }
    return "{" + body + ", \"expected\": " + ParamCatalog.quote(accepted.expected()) + "}";
  }

  /** JSON has no infinity: an open end is null. */
  private static String bound(double x) {
    return Double.isInfinite(x) ? "null" : Double.toString(x);
  }

  private static String strings(List<String> names) {
    return names.stream().map(ParamCatalog::quote).collect(Collectors.joining(", ", "[", "]"));
  }
}
