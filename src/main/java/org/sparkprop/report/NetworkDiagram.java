package org.sparkprop.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.ParameterLayout;

/**
 * The network drawn as the TensorFlow Playground draws it, as an SVG: one column of units per
 * layer (input features by name, each hidden layer, the output), with its width and activation
 * above it, and a line for every weight between the units drawn, blue for a positive weight and
 * orange for a negative one, thicker the larger it is against the layer's largest. A layer wider
 * than {@link #MAX_UNITS} shows its first units and how many more it has. The parameter count and
 * the loss are written underneath.
 */
public final class NetworkDiagram {
  /** Units drawn per layer at most; the rest are counted, not drawn. */
  static final int MAX_UNITS = 10;
  private static final int COLUMN = 160;
  private static final int ROW = 34;
  private static final int UNIT = 22;
  private static final int TOP = 58;
  private static final int LEFT = 70;
  private static final int BOTTOM = 44;
  private static final String BLUE = "#0877bd";
  private static final String ORANGE = "#f59322";
  /** The Playground's derived features, as it labels them. */
  private static final Map<String, String> SYMBOLS = Map.of("x1sq", "x1²", "x2sq", "x2²", "x1x2", "x1·x2",
      "sinx1", "sin(x1)", "sinx2", "sin(x2)");

  private NetworkDiagram() {
  }

  /**
   * The drawing.
   *
   * @param spec     the network
   * @param params   its weights, to colour the lines; null draws them all grey
   * @param features the input features' names (as many as the network's inputs), or null for x1, x2, ...
   */
  public static String svg(NetworkSpec spec, float[] params, List<String> features) {
    ParameterLayout layout = spec.layout();
    int layers = layout.layers();
    int columns = layers + 1;
    int tallest = 0;
    for (int c = 0; c < columns; c++) tallest = Math.max(tallest, shown(width(layout, c)) + (width(layout, c) > MAX_UNITS ? 1 : 0));
    int w = pixelWidth(spec);
    int h = TOP + tallest * ROW + BOTTOM;
    StringBuilder s = new StringBuilder(4096);
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", w, h, w, h));
    s.append("<title>").append(ReportPage.escape(spec.describe())).append("</title>\n");
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", w, h));

    s.append("<g class=\"weights\">\n");
    for (int l = 0; l < layers; l++) {
      int in = layout.in(l);
      int out = layout.out(l);
      float largest = 0;
      if (params != null) {
        for (int k = 0; k < in * out; k++) largest = Math.max(largest, Math.abs(params[layout.weightOffset(l) + k]));
      }
      for (int j = 0; j < shown(out); j++) {
        for (int i = 0; i < shown(in); i++) {
          float v = params == null ? 0 : params[layout.weightOffset(l) + j * in + i]; // W_l is (out, in)
          double strength = largest > 0 ? Math.abs(v) / largest : 0;
          String colour = params == null ? "#bbbbbb" : v >= 0 ? BLUE : ORANGE;
          s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                  + "stroke-width=\"%.2f\" stroke-opacity=\"%.2f\"><title>weight %s</title></line>%n",
              x(l) + UNIT / 2, y(i), x(l + 1) - UNIT / 2, y(j), colour, 0.5 + 3.5 * strength, 0.25 + 0.75 * strength,
              params == null ? "" : String.format(Locale.ROOT, "%.4g", v)));
        }
      }
    }
    s.append("</g>\n");

    for (int c = 0; c < columns; c++) {
      int n = width(layout, c);
      String kind = c == 0 ? "input" : c == columns - 1 ? "output" : "hidden";
      s.append("<g class=\"layer ").append(kind).append("\" data-units=\"").append(n).append("\">\n");
      String heading = c == 0 ? "input" : c == columns - 1 ? "output" : "hidden " + c;
      String detail = c == 0 ? n + (n == 1 ? " feature" : " features")
          : n + " " + spec.activation(c - 1).configName();
      s.append(text(x(c), 20, heading, "bold", "middle"));
      s.append(text(x(c), 36, detail, "normal", "middle"));
      for (int u = 0; u < shown(n); u++) {
        String fill = c == 0 ? "#f2f2f2" : "#ffffff";
        String bias = c == 0 || params == null ? ""
            : String.format(Locale.ROOT, ", bias %.4g", params[layout.biasOffset(c - 1) + u]);
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" "
                + "stroke=\"#555555\"><title>%s unit %d%s</title></rect>%n", x(c) - UNIT / 2, y(u) - UNIT / 2, UNIT, UNIT,
            fill, heading, u + 1, bias));
        if (c == 0) s.append(text(x(c) - UNIT / 2 - 6, y(u) + 4, featureName(features, u), "normal", "end"));
      }
      if (n > MAX_UNITS) {
        s.append(text(x(c), y(shown(n)) + 4, String.format(Locale.ROOT, "+%,d more", n - shown(n)), "normal", "middle"));
      }
      s.append("</g>\n");
    }
    String footer = String.format(Locale.ROOT, "%,d parameters (weights and biases) · %s loss", spec.parameterCount(),
        spec.loss().configName());
    s.append(text(LEFT - UNIT / 2, h - 16, footer, "normal", "start").replace("<text ", "<text class=\"parameters\" "));
    s.append("</svg>\n");
    return s.toString();
  }

  /** Width of the drawing of {@code spec}, in pixels. */
  public static int pixelWidth(NetworkSpec spec) {
    return LEFT + spec.layout().layers() * COLUMN + 90;
  }

  /** The feature's name as the Playground labels it, or x1, x2, ... when the data has no names. */
  static String featureName(List<String> features, int index) {
    if (features == null || index >= features.size()) return "x" + (index + 1);
    String name = features.get(index);
    return SYMBOLS.getOrDefault(name, name);
  }

  /** The names of a Playground data set's inputs: x1, x2 and its derived features. */
  public static List<String> playgroundFeatures(List<String> extraFeatures) {
    List<String> names = new ArrayList<>(List.of("x1", "x2"));
    names.addAll(extraFeatures);
    return names;
  }

  private static int width(ParameterLayout layout, int column) {
    return column == 0 ? layout.in(0) : layout.out(column - 1);
  }

  private static int shown(int units) {
    return Math.min(units, MAX_UNITS);
  }

  private static int x(int column) {
    return LEFT + column * COLUMN;
  }

  private static int y(int unit) {
    return TOP + unit * ROW + ROW / 2;
  }

  private static String text(int x, int y, String value, String weight, String anchor) {
    return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"%s\" text-anchor=\"%s\" fill=\"#333333\">%s</text>%n",
        x, y, weight, anchor, ReportPage.escape(value));
  }
}
