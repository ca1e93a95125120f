package org.sparkprop.app;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparkprop.data.InputSchema;

/**
 * The names of a model's outputs when it has several (a multi-target regression or a multi-label
 * classifier): its label columns, or {@code label[j]} for the elements of one vector label column.
 */
final class OutputNames {
  private OutputNames() {
  }

  /** One name per output, in output order. */
  static List<String> of(InputSchema input, int outputs) {
    List<String> columns = input.labelColumns();
    if (columns != null && columns.size() == outputs) return columns;
    List<String> out = new ArrayList<>(outputs);
    for (int j = 0; j < outputs; j++) out.add(input.labelColumn() + "_" + j);
    return out;
  }

  /**
   * The per-output entries {@code name[j]} of a metrics map, grouped by output name:
   * {@code {"y1": {"mse": .., "mae": .., "r2": ..}, ...}}; empty when the metrics have none.
   */
  static ObjectNode perOutput(Map<String, Double> metrics, List<String> names) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      String key = e.getKey();
      int open = key.indexOf('[');
      if (open < 0 || !key.endsWith("]")) continue;
      int j = Integer.parseInt(key.substring(open + 1, key.length() - 1));
      ObjectNode o = out.has(names.get(j)) ? (ObjectNode) out.get(names.get(j)) : out.putObject(names.get(j));
      o.put(key.substring(0, open), e.getValue());
    }
    return out;
  }
}
