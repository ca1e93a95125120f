package org.sparkprop.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code index.html}: the run's summary table, its figures and its configuration, in one
 * self-contained page (inline style, no script, nothing fetched from the network) that opens
 * from the file system or any static file server.
 */
final class ReportPage {
  /** An image of the report folder and what it shows. */
  record Figure(String file, String caption, int width) {
  }

  /** The page's sections in order: a heading and its figures. */
  record Section(String heading, String note, List<Figure> figures, boolean strip) {
  }

  private static final Map<String, String> MEANINGS = Map.ofEntries(
      Map.entry("network", "layer widths, activations and loss"),
      Map.entry("data", "where the rows came from and how they were split"),
      Map.entry("sparkMaster", "where it ran"),
      Map.entry("partitions", "training partitions (one task each per round)"),
      Map.entry("execution", "where the rounds ran: as Spark jobs, or in the driver over the same partitions"),
      Map.entry("executionReason", "why they ran there (train.execution, train.driverMaxBytes)"),
      Map.entry("epochs", "epochs completed"),
      Map.entry("rounds", "synchronous rounds (optimizer steps) in total"),
      Map.entry("stoppedEarly", "whether the run ended before its epoch limit (converged, or asked to stop)"),
      Map.entry("stopReason", "why the run ended: epochs, converged, max_epochs, round_limit or listener"),
      Map.entry("stopEpoch", "the epoch at which the run ended"),
      Map.entry("bestEpoch", "the epoch whose weights were kept when the best were restored (0: the last epoch's)"),
      Map.entry("trainLoss", "mean training loss of the last epoch"),
      Map.entry("samplesPerSecond", "training rows per second of the round loop"),
      Map.entry("loopSeconds", "seconds in the round loop"),
      Map.entry("wallSeconds", "seconds from start to summary, Spark start-up included"),
      Map.entry("cachedBytes", "bytes of training data cached by Spark"),
      Map.entry("cachedBytesPerFloat32Payload", "cached size over the data's float32 size"),
      Map.entry("parameterCount", "weights and biases"),
      Map.entry("blas", "matrix-product path"),
      Map.entry("weightsSha256", "SHA-256 of the final float32 weights (little-endian)"));

  private ReportPage() {
  }

  static String html(String title, JsonNode summary, List<Section> sections, List<String> problems) {
    StringBuilder h = new StringBuilder(8192);
    head(h, title);
    h.append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(escape(title)).append("</h1>\n");
    h.append("<p class=\"sub\">").append(escape(summary.path("network").asText(""))).append(" &middot; ")
        .append(escape(summary.path("data").asText(""))).append("</p>\n");
    if (!problems.isEmpty()) {
      h.append("<div class=\"problems\"><p>Parts of this report could not be drawn:</p><ul>\n");
      for (String p : problems) h.append("<li>").append(escape(p)).append("</li>\n");
      h.append("</ul></div>\n");
    }

    h.append("<h2>Summary</h2>\n<table>\n<tr><th>field</th><th>value</th><th>meaning</th></tr>\n");
    for (Map.Entry<String, JsonNode> e : summary.properties()) {
      if (e.getKey().equals("config")) continue;
      if (e.getValue().isObject()) {
        for (Map.Entry<String, JsonNode> i : e.getValue().properties()) {
          if (i.getValue().isValueNode()) row(h, e.getKey() + "." + i.getKey(), i.getValue(), meaningOf(e.getKey(), i.getKey()));
        }
      } else if (e.getValue().isValueNode()) {
        row(h, e.getKey(), e.getValue(), MEANINGS.getOrDefault(e.getKey(), ""));
      }
    }
    h.append("</table>\n<p class=\"sub\">The same figures are in <a href=\"../summary.json\">summary.json</a>; ")
        .append("every logged round and epoch is in <a href=\"../metrics.jsonl\">metrics.jsonl</a>.</p>\n");

    for (Section s : sections) {
      if (s.figures().isEmpty()) continue;
      h.append("<h2>").append(escape(s.heading())).append("</h2>\n");
      if (s.note() != null) h.append("<p class=\"sub\">").append(escape(s.note())).append("</p>\n");
      h.append("<div class=\"figs").append(s.strip() ? " strip" : "").append("\">\n");
      for (Figure f : s.figures()) {
        h.append("<figure><img src=\"").append(escape(f.file())).append("\" alt=\"").append(escape(f.caption()))
            .append("\" width=\"").append(f.width()).append("\"><figcaption>").append(escape(f.caption()))
            .append("</figcaption></figure>\n");
      }
      h.append("</div>\n");
    }

    JsonNode config = summary.path("config");
    if (config.isObject()) {
      h.append("<h2>Configuration</h2>\n<details><summary>the resolved configuration (")
          .append(config.size()).append(" keys)</summary>\n<table>\n");
      for (Map.Entry<String, JsonNode> e : config.properties()) {
        h.append("<tr><td>").append(escape(e.getKey())).append("</td><td class=\"v\">")
            .append(escape(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()))
            .append("</td></tr>\n");
      }
      h.append("</table>\n</details>\n");
    }
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /** The page's head up to and including the shared style rules; the caller adds its own and closes the style. */
  static void head(StringBuilder h, String title) {
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(title)).append("</title>\n<style>\n")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0 auto;")
        .append("max-width:1400px;padding:1em 2em;color:#222;background:#fafafa}\n")
        .append("h1{font-weight:500;margin-bottom:.2em}h2{font-weight:500;border-bottom:1px solid #ddd;margin-top:1.6em}\n")
        .append(".sub{color:#666;margin-top:0}\n")
        .append("table{border-collapse:collapse;background:#fff;font-size:14px}\n")
        .append("td,th{border:1px solid #e2e2e2;padding:4px 10px;text-align:left;vertical-align:top}\n")
        .append("td.v{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}td.m{color:#777}\n")
        .append(".figs{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0;background:#fff;border:1px solid #e2e2e2;padding:6px}\n")
        .append("figcaption{font-size:13px;color:#555;text-align:center;margin-top:4px}\n")
        .append(".strip figure{padding:3px}.strip figcaption{font-size:11px}\n")
        .append(".problems{background:#fff3e0;border:1px solid #f59322;padding:.5em 1em}\n")
        .append("img{display:block;max-width:100%;height:auto}\n");
  }

  private static String meaningOf(String group, String key) {
    if (group.equals("roundSplitMs")) return "mean milliseconds per round in " + key;
    if (group.equals("testMetrics")) return "on the test set";
    return "";
  }

  private static void row(StringBuilder h, String key, JsonNode value, String meaning) {
    h.append("<tr><td>").append(escape(key)).append("</td><td class=\"v\">").append(escape(format(value)))
        .append("</td><td class=\"m\">").append(escape(meaning)).append("</td></tr>\n");
  }

  static String format(JsonNode v) {
    if (v.isIntegralNumber()) return String.format(Locale.ROOT, "%,d", v.asLong());
    if (v.isNumber()) {
      double d = v.asDouble();
      if (!Double.isFinite(d)) return Double.toString(d);
      double a = Math.abs(d);
      if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", d);
      if (a >= 1) return String.format(Locale.ROOT, "%.3f", d);
      if (a == 0) return "0";
      return String.format(Locale.ROOT, "%.4g", d);
    }
    return v.asText();
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
