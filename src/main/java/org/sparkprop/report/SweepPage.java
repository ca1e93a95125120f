package org.sparkprop.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code index.html} of a sweep: a table of its cells (settings, test metric, rounds, time,
 * link to each cell's own report) and, where the cells drew a decision boundary, the pictures laid
 * out as the grid, as the course's figures set them: one row per value of the first key, one column
 * per value of the others. A sweep of several figures (the course sets three side by side) gives
 * each its own titled section with its grid and table. Self-contained like the run report: inline
 * style, no script.
 */
public final class SweepPage {
  /** Picture width in the grid, in CSS pixels. */
  static final int PICTURE_WIDTH = 200;

  /** A key of the grid and its values as shown. */
  public record Axis(String key, List<String> values) {
    public Axis {
      values = List.copyOf(values);
    }
  }

  /**
   * One cell as the page shows it.
   *
   * @param settings   the cell's value of each grid key, as shown
   * @param error      why it did not complete, or null
   * @param metric     the test metric shown ({@code accuracy}, {@code r2} or {@code loss}), or null for none
   * @param report     the cell's report page, relative to the sweep's folder, or null
   * @param picture    its decision-boundary thumbnail, relative to the sweep's folder, or null
   */
  public record Entry(String name, Map<String, String> settings, String status, String error, String metric,
                      double value, long rounds, long parameters, String network, double seconds, String report,
                      String picture) {
  }

  /** One figure of the sweep: its title (null for the one figure of an untitled sweep), keys and cells. */
  public record Figure(String title, List<Axis> axes, List<Entry> entries) {
    public Figure {
      axes = List.copyOf(axes);
      entries = List.copyOf(entries);
    }
  }

  private SweepPage() {
  }

  /**
   * The page of a sweep of one or more figures.
   *
   * @param figures each figure's cells in grid order, the first axis slowest
   * @param record  the sweep's record ({@code sweep.json}): its scalar fields are listed at the end
   */
  public static String html(List<Figure> figures, JsonNode record) {
    StringBuilder h = new StringBuilder(16384);
    ReportPage.head(h, "Sparkprop sweep");
    h.append(".grid td,.grid th{text-align:center;vertical-align:middle}.grid th.row{text-align:right}\n")
        .append(".grid img{margin:auto}.bad{color:#b00020}td a{white-space:nowrap}\n</style>\n</head>\n<body>\n");
    h.append("<h1>Sparkprop sweep</h1>\n");
    if (figures.size() == 1 && figures.get(0).title() == null) {
      Figure f = figures.get(0);
      h.append("<p class=\"sub\">");
      describe(h, f);
      h.append("; each cell links to its own report</p>\n");
      if (f.entries().stream().anyMatch(e -> e.picture() != null)) pictureGrid(h, "h2", f.axes(), f.entries());
      cellTable(h, "h2", f.axes(), f.entries());
    } else {
      int cells = figures.stream().mapToInt(f -> f.entries().size()).sum();
      h.append("<p class=\"sub\">").append(figures.size()).append(" figures, ").append(cells)
          .append(" cells trained in one Spark application; each cell links to its own report</p>\n<ol>\n");
      for (int k = 0; k < figures.size(); k++) {
        h.append("<li><a href=\"#figure-").append(k + 1).append("\">").append(ReportPage.escape(figures.get(k).title()))
            .append("</a></li>\n");
      }
      h.append("</ol>\n");
      for (int k = 0; k < figures.size(); k++) {
        Figure f = figures.get(k);
        h.append("<h2 id=\"figure-").append(k + 1).append("\">").append(k + 1).append(". ")
            .append(ReportPage.escape(f.title())).append("</h2>\n<p class=\"sub\">");
        describe(h, f);
        h.append("</p>\n");
        if (f.entries().stream().anyMatch(e -> e.picture() != null)) pictureGrid(h, "h3", f.axes(), f.entries());
        cellTable(h, "h3", f.axes(), f.entries());
      }
    }

    h.append("<h2>Run</h2>\n<table>\n");
    for (Map.Entry<String, JsonNode> e : record.properties()) {
      if (e.getValue().isValueNode()) {
        h.append("<tr><td>").append(ReportPage.escape(e.getKey())).append("</td><td class=\"v\">")
            .append(ReportPage.escape(ReportPage.format(e.getValue()))).append("</td></tr>\n");
      }
    }
    h.append("</table>\n<p class=\"sub\">Every cell's record is in <a href=\"sweep.json\">sweep.json</a>.</p>\n");
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /** {@code 8 cells over model.hidden (2) × train.epochs (4)}. */
  private static void describe(StringBuilder h, Figure f) {
    h.append(f.entries().size()).append(" cells over ");
    for (int a = 0; a < f.axes().size(); a++) {
      if (a > 0) h.append(" &times; ");
      h.append("<code>").append(ReportPage.escape(f.axes().get(a).key())).append("</code> (")
          .append(f.axes().get(a).values().size()).append(')');
    }
  }

  /** The decision boundaries: rows are the first key's values, columns the rest's combinations. */
  private static void pictureGrid(StringBuilder h, String heading, List<Axis> axes, List<Entry> entries) {
    int rows = axes.size() == 1 ? 1 : axes.get(0).values().size();
    int columns = entries.size() / rows;
    h.append('<').append(heading).append(">Decision boundaries</").append(heading).append('>')
        .append("\n<p class=\"sub\">each picture is the cell's network over the plane of")
        .append(" (x1, x2) after training, with its training points; the corner shows its test metric</p>\n");
    h.append("<table class=\"grid\">\n<tr><th>");
    if (axes.size() > 1) h.append(ReportPage.escape(axes.get(0).key())).append(" \\ ");
    h.append(ReportPage.escape(String.join(" · ", axes.subList(axes.size() == 1 ? 0 : 1, axes.size()).stream()
        .map(Axis::key).toList()))).append("</th>");
    for (int c = 0; c < columns; c++) {
      h.append("<th>").append(ReportPage.escape(columnLabel(axes, entries.get(c)))).append("</th>");
    }
    h.append("</tr>\n");
    for (int r = 0; r < rows; r++) {
      h.append("<tr><th class=\"row\">");
      if (axes.size() > 1) h.append(ReportPage.escape(axes.get(0).values().get(r)));
      h.append("</th>");
      for (int c = 0; c < columns; c++) {
        Entry e = entries.get(r * columns + c);
        h.append("<td>");
        if (e.picture() != null) {
          String img = "<img src=\"" + ReportPage.escape(e.picture()) + "\" alt=\"" + ReportPage.escape(e.name())
              + "\" width=\"" + PICTURE_WIDTH + "\">";
          h.append(e.report() != null ? "<a href=\"" + ReportPage.escape(e.report()) + "\">" + img + "</a>" : img);
        }
        h.append("<div class=\"sub").append(e.error() != null ? " bad" : "").append("\">").append(ReportPage.escape(brief(e)))
            .append("</div></td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static void cellTable(StringBuilder h, String heading, List<Axis> axes, List<Entry> entries) {
    h.append('<').append(heading).append(">Cells</").append(heading).append(">\n<table>\n<tr><th>cell</th>");
    for (Axis a : axes) h.append("<th>").append(ReportPage.escape(a.key())).append("</th>");
    h.append("<th>network</th><th>parameters</th><th>status</th><th>test metric</th><th>rounds</th><th>seconds</th></tr>\n");
    for (Entry e : entries) {
      h.append("<tr><td>");
      h.append(e.report() != null ? "<a href=\"" + ReportPage.escape(e.report()) + "\">" + ReportPage.escape(e.name()) + "</a>"
          : ReportPage.escape(e.name()));
      h.append("</td>");
      for (Axis a : axes) {
        h.append("<td class=\"v\">").append(ReportPage.escape(e.settings().getOrDefault(a.key(), ""))).append("</td>");
      }
      h.append("<td class=\"v\">").append(ReportPage.escape(e.network())).append("</td><td>")
          .append(e.parameters() > 0 ? String.format(Locale.ROOT, "%,d", e.parameters()) : "").append("</td><td")
          .append(e.error() != null ? " class=\"bad\" title=\"" + ReportPage.escape(e.error()) + "\"" : "").append('>')
          .append(ReportPage.escape(e.status())).append("</td><td>").append(ReportPage.escape(metric(e)))
          .append("</td><td>").append(String.format(Locale.ROOT, "%,d", e.rounds())).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", e.seconds())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static String columnLabel(List<Axis> axes, Entry e) {
    StringBuilder sb = new StringBuilder();
    for (int a = axes.size() == 1 ? 0 : 1; a < axes.size(); a++) {
      if (sb.length() > 0) sb.append(" · ");
      sb.append(e.settings().getOrDefault(axes.get(a).key(), ""));
    }
    return sb.toString();
  }

  /** What the cell's picture caption says: its metric and rounds, or why it has none. */
  private static String brief(Entry e) {
    if (e.error() != null) return e.status() + ": " + e.error();
    return metric(e) + String.format(Locale.ROOT, ", %,d rounds, %.1f s", e.rounds(), e.seconds());
  }

  /** {@code accuracy 97.4%}, {@code R² 0.981}, {@code loss 0.0123}, or empty. */
  static String metric(Entry e) {
    if (e.metric() == null || !Double.isFinite(e.value())) return "";
    return switch (e.metric()) {
      case "accuracy" -> String.format(Locale.ROOT, "accuracy %.1f%%", 100 * e.value());
      case "r2" -> String.format(Locale.ROOT, "R² %.3f", e.value());
      default -> e.metric() + " " + ReportPage.format(JsonNodeFactory.instance.numberNode(e.value()));
    };
  }
}
