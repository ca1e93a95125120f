package org.sparkprop.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn with XChart into images. Each returns null when it has nothing to show. */
final class Charts {
  static final int WIDTH = 640;
  static final int HEIGHT = 400;
  private static final Color TRAIN = DecisionBoundary.BLUE;
  private static final Color EVALUATION = DecisionBoundary.ORANGE;
  private static final Color[] PARTS = {new Color(0x9467BD), new Color(0x0877BD), new Color(0x2CA02C),
      new Color(0xF59322), new Color(0x999999)};

  private Charts() {
  }

  /** The colour of the j-th of several curves (outputs): the palette's in turn, then hues spread around the wheel. */
  static Color series(int j) {
    if (j < PARTS.length - 1) return PARTS[j]; // the last (grey) is kept for "other"
    return Color.getHSBColor((j * 0.618034f) % 1f, 0.7f, 0.8f);
  }

  /** One curve of a per-epoch chart: a name, a colour and how to read it from an epoch. */
  record Curve(String name, Color colour, ToDoubleFunction<TrainingReport.EpochRecord> value) {
  }

  /**
   * Values per epoch; a curve with no finite value is left out. {@code falling} marks a loss:
   * drawn on a log scale when it spans decades.
   */
  static BufferedImage perEpoch(String title, String yTitle, List<TrainingReport.EpochRecord> epochs,
                                boolean falling, Curve... curves) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
        .yAxisTitle(yTitle).build();
    style(chart.getStyler());
    // Out of the curves' way: top right for a falling quantity, bottom right for a rising one.
    chart.getStyler().setLegendPosition(falling ? Styler.LegendPosition.InsideNE : Styler.LegendPosition.InsideSE);
    chart.getStyler().setXAxisDecimalPattern("#");
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Curve c : curves) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (TrainingReport.EpochRecord e : epochs) {
        double v = c.value().applyAsDouble(e);
        if (!Double.isFinite(v)) continue;
        xs.add((double) e.epoch());
        ys.add(v);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (xs.isEmpty()) continue;
      XYSeries s = chart.addSeries(c.name(), xs, ys);
      s.setLineColor(c.colour());
      s.setMarkerColor(c.colour());
      s.setMarker(epochs.size() <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
    if (chart.getSeriesMap().isEmpty()) return null;
    if (falling && min > 0 && max / min > 30) chart.getStyler().setYAxisLogarithmic(true);
    return BitmapEncoder.getBufferedImage(chart);
  }

  /**
   * Mean milliseconds per round of each part, stacked: each band is drawn as the running total up
   * to its part, the largest total first, so the visible band heights are the parts.
   */
  static BufferedImage roundTime(RoundTimeline timeline) {
    if (timeline.size() == 0) return null;
    int n = timeline.size();
    String per = timeline.roundsPerPoint() == 1 ? "each round"
        : String.format(Locale.ROOT, "mean of %d rounds per point", timeline.roundsPerPoint());
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Time per round (" + per + ")")
        .xAxisTitle("round").yAxisTitle("milliseconds").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
    chart.getStyler().setXAxisDecimalPattern("#,###");
    double[] x = new double[n];
    double[][] cumulative = new double[RoundTimeline.PARTS.length][n];
    for (int i = 0; i < n; i++) {
      x[i] = timeline.round(i);
      double total = 0;
      for (int p = 0; p < RoundTimeline.PARTS.length; p++) {
        total += timeline.meanMs(p, i);
        cumulative[p][i] = total;
      }
    }
    for (int p = RoundTimeline.PARTS.length - 1; p >= 0; p--) {
      XYSeries s = chart.addSeries(RoundTimeline.PARTS[p], x, cumulative[p]);
      s.setMarker(SeriesMarkers.NONE);
      s.setFillColor(PARTS[p]);
      s.setLineColor(PARTS[p].darker());
    }
    return BitmapEncoder.getBufferedImage(chart);
  }

  /** Counts of (true class, predicted class), true classes top to bottom from class 0. */
  static BufferedImage confusion(long[][] matrix, String title) {
    int k = matrix.length;
    if (k == 0) return null;
    List<String> predicted = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    for (int c = 0; c < k; c++) predicted.add(Integer.toString(c));
    for (int c = k - 1; c >= 0; c--) truth.add(Integer.toString(c)); // y index 0 is drawn at the bottom
    List<Number[]> cells = new ArrayList<>();
    long max = 0;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        cells.add(new Number[] {p, k - 1 - t, matrix[t][p]});
        max = Math.max(max, matrix[t][p]);
      }
    }
    int side = Math.min(720, Math.max(HEIGHT, 40 * k + 160));
    HeatMapChart chart = new HeatMapChartBuilder().width(side + 120).height(side).title(title)
        .xAxisTitle("predicted class").yAxisTitle("true class").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setShowValue(k <= 20);
    chart.getStyler().setMin(0);
    chart.getStyler().setMax(Math.max(1, max));
    chart.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0x9CC4E4), DecisionBoundary.BLUE});
    chart.getStyler().setHeatMapValueDecimalPattern("#,###");
    chart.getStyler().setLegendVisible(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.addSeries("count", predicted, truth, cells);
    return BitmapEncoder.getBufferedImage(chart);
  }

  /** Predicted against true values of the first output, with the line y = x. */
  static BufferedImage predictedVsTrue(float[] truth, float[] predicted, int points, String title) {
    if (points == 0) return null;
    double[] x = new double[points];
    double[] y = new double[points];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < points; i++) {
      x[i] = truth[i];
      y[i] = predicted[i];
      lo = Math.min(lo, Math.min(x[i], y[i]));
      hi = Math.max(hi, Math.max(x[i], y[i]));
    }
    XYChart chart = new XYChartBuilder().width(HEIGHT + 80).height(HEIGHT + 40).title(title)
        .xAxisTitle("true value").yAxisTitle("predicted value").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setMarkerSize(4);
    XYSeries ideal = chart.addSeries("predicted = true", new double[] {lo, hi}, new double[] {lo, hi});
    ideal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    ideal.setMarker(SeriesMarkers.NONE);
    ideal.setLineColor(Color.GRAY);
    XYSeries rows = chart.addSeries(String.format(Locale.ROOT, "%,d rows", points), x, y);
    rows.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    rows.setMarker(SeriesMarkers.CIRCLE);
    rows.setMarkerColor(new Color(8, 119, 189, 140));
    return BitmapEncoder.getBufferedImage(chart);
  }

  /** A one-feature regression: the points (x, y) and the network's curve through (xs, fitted). */
  static BufferedImage fittedCurve(float[] x, float[] y, int points, float[] xs, float[] fitted, String feature,
                                   String title) {
    if (points == 0) return null;
    double[] px = new double[points];
    double[] py = new double[points];
    for (int i = 0; i < points; i++) {
      px[i] = x[i];
      py[i] = y[i];
    }
    double[] cx = new double[xs.length];
    double[] cy = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      cx[i] = xs[i];
      cy[i] = fitted[i];
    }
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(feature)
        .yAxisTitle("target").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setMarkerSize(4);
    XYSeries rows = chart.addSeries(String.format(Locale.ROOT, "%,d rows", points), px, py);
    rows.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    rows.setMarker(SeriesMarkers.CIRCLE);
    rows.setMarkerColor(new Color(8, 119, 189, 140));
    XYSeries curve = chart.addSeries("the network", cx, cy);
    curve.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    curve.setMarker(SeriesMarkers.NONE);
    curve.setLineColor(DecisionBoundary.ORANGE);
    curve.setLineWidth(2.5f);
    return BitmapEncoder.getBufferedImage(chart);
  }

  private static void style(AxesChartStyler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xE0E0E0));
    s.setPlotBorderColor(new Color(0xBBBBBB));
    s.setLegendBorderColor(new Color(0xDDDDDD));
    s.setChartTitleBoxVisible(false);
    s.setMarkerSize(6);
    s.setLocale(Locale.ROOT);
  }
}
