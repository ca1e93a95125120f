package org.sparkprop.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;

/**
 * A picture in the style of the TensorFlow Playground: the network's output over the plane of
 * the two input coordinates as a coloured background (orange for class 0 or low values, blue for
 * class 1 or high values, pale where the network is undecided), with the data points on top.
 * Computed on the driver with the same network code the executors run, one forward pass per grid
 * cell: a 200 x 200 grid is 40,000 rows, milliseconds for the small networks such data is for.
 * Pictures of different weights may be drawn at the same time from several threads.
 */
public final class DecisionBoundary {
  static final Color ORANGE = new Color(0xF59322);
  static final Color BLUE = new Color(0x0877BD);
  static final Color NEUTRAL = new Color(0xE8EAEB);
  /** Colours of classes 0..9 when there are more than two (a common categorical palette). */
  static final Color[] PALETTE = {
      new Color(0xF59322), new Color(0x0877BD), new Color(0x2CA02C), new Color(0xD62728), new Color(0x9467BD),
      new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x17BECF)};
  private static final int CHUNK = 1024;
  private static final int MARGIN_LEFT = 34;
  private static final int MARGIN_BOTTOM = 22;
  private static final int MARGIN_TOP = 8;
  private static final int MARGIN_RIGHT = 8;

  private final DenseNetwork network;
  private final InputPlane plane;
  private final int classes;
  private final PackedBlock train;   // points drawn with a white rim
  private final PackedBlock test;    // nullable; drawn with a dark rim where asked
  private final double x1Min;
  private final double x1Max;
  private final double x2Min;
  private final double x2Max;
  private final double targetLow;    // regression: the target range mapped onto orange..blue
  private final double targetHigh;
  private final Map<Long, BufferedImage> dots = new ConcurrentHashMap<>();

  public DecisionBoundary(NetworkSpec spec, InputPlane plane, int classes, PackedBlock train, PackedBlock test) {
    if (plane.inputs() != spec.inputs()) {
      throw new IllegalArgumentException("the plane gives " + plane.inputs() + " inputs, the network takes " + spec.inputs());
    }
    this.network = new DenseNetwork(spec, Kernels.gemm());
    this.plane = plane;
    this.classes = classes;
    this.train = train;
    this.test = test;
    double[] b = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double[] t = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (PackedBlock block : new PackedBlock[] {train, test}) {
      if (block == null) continue;
      for (int r = 0; r < block.rows; r++) {
        double x1 = block.x[r * block.features];
        double x2 = block.x[r * block.features + 1];
        b[0] = Math.min(b[0], x1);
        b[1] = Math.max(b[1], x1);
        b[2] = Math.min(b[2], x2);
        b[3] = Math.max(b[3], x2);
        double y = block.y[r * block.targetWidth];
        t[0] = Math.min(t[0], y);
        t[1] = Math.max(t[1], y);
      }
    }
    if (!(b[0] <= b[1])) b = new double[] {-1, 1, -1, 1}; // no points
    double pad1 = Math.max(1e-6, 0.05 * (b[1] - b[0]));
    double pad2 = Math.max(1e-6, 0.05 * (b[3] - b[2]));
    x1Min = b[0] - pad1;
    x1Max = b[1] + pad1;
    x2Min = b[2] - pad2;
    x2Max = b[3] + pad2;
    if (!(t[0] < t[1])) t = new double[] {t[0] <= t[1] ? t[0] - 1 : -1, t[0] <= t[1] ? t[0] + 1 : 1};
    targetLow = t[0];
    targetHigh = t[1];
  }

  /**
   * Draws the picture.
   *
   * @param params   the network's weights
   * @param size     width and height of the plot area in pixels
   * @param axes     whether to draw tick labels (for the large picture; thumbnails go without)
   * @param withTest whether to draw the test points too (dark rim)
   * @param caption  text in the top-left corner, or null
   */
  public BufferedImage render(float[] params, int size, boolean axes, boolean withTest, String caption) {
    int left = axes ? MARGIN_LEFT : 0;
    int bottom = axes ? MARGIN_BOTTOM : 0;
    int top = axes ? MARGIN_TOP : 0;
    int right = axes ? MARGIN_RIGHT : 0;
    BufferedImage image = new BufferedImage(left + size + right, top + size + bottom, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      // Half the resolution, smoothed when scaled up: a quarter of the forward passes.
      int cells = Math.max(2, size / 2);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(background(params, cells), left, top, size, size, null);
      drawPoints(g, train, left, top, size, Color.WHITE);
      if (withTest && test != null) drawPoints(g, test, left, top, size, Color.DARK_GRAY);
      g.setColor(Color.GRAY);
      g.drawRect(left, top, size - 1, size - 1);
      if (axes) drawTicks(g, left, top, size);
      if (caption != null) drawCaption(g, caption, left, top, size);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The network's output at the centre of each of cells x cells squares, as colours; row 0 is the top (high x2). */
  private BufferedImage background(float[] params, int cells) {
    BufferedImage img = new BufferedImage(cells, cells, BufferedImage.TYPE_INT_RGB);
    Workspace ws = new Workspace(network.spec(), 1, Math.min(CHUNK, cells * cells)); // one per picture: drawn in parallel
    int outputs = network.spec().outputs();
    int inputs = plane.inputs();
    int total = cells * cells;
    for (int start = 0; start < total; start += CHUNK) {
      int n = Math.min(CHUNK, total - start);
      for (int k = 0; k < n; k++) {
        int cell = start + k;
        int px = cell % cells;
        int py = cell / cells;
        double x1 = x1Min + (px + 0.5) / cells * (x1Max - x1Min);
        double x2 = x2Max - (py + 0.5) / cells * (x2Max - x2Min);
        plane.fill(x1, x2, ws.input, k * inputs);
      }
      network.forward(params, n, ws);
      float[] out = ws.output(); // (n, outputs)
      for (int k = 0; k < n; k++) {
        int cell = start + k;
        img.setRGB(cell % cells, cell / cells, lighten(colourOf(out, k * outputs, outputs), 0.35).getRGB());
      }
    }
    return img;
  }

  /** The colour of one network output: a shade between orange and blue, or the class colour. */
  Color colourOf(float[] out, int offset, int outputs) {
    if (classes > 2 && outputs > 1) {
      int best = 0;
      for (int j = 1; j < outputs; j++) {
        if (out[offset + j] > out[offset + best]) best = j;
      }
      // Softmax confidence 1/classes .. 1 mapped onto pale .. full colour.
      double confidence = (out[offset + best] - 1.0 / outputs) / (1 - 1.0 / outputs);
      return blend(NEUTRAL, PALETTE[best % PALETTE.length], clamp(confidence, 0, 1));
    }
    double v;
    if (classes == 2) {
      double p = outputs == 1 ? out[offset] : out[offset + 1]; // probability (or step output) of class 1
      v = 2 * p - 1;
    } else {
      v = 2 * (out[offset] - targetLow) / (targetHigh - targetLow) - 1;
    }
    return diverging(v);
  }

  private Color pointColour(PackedBlock block, int r) {
    double y = block.y[r * block.targetWidth];
    if (classes > 2) return PALETTE[(int) y % PALETTE.length];
    if (classes == 2) return y >= 0.5 ? BLUE : ORANGE;
    // 64 shades are plenty for a dot, and keep the number of distinct dots small.
    double v = 2 * (y - targetLow) / (targetHigh - targetLow) - 1;
    return diverging(Math.round(v * 32) / 32.0);
  }

  private void drawPoints(Graphics2D g, PackedBlock block, int left, int top, int size, Color rim) {
    if (block == null) return;
    double radius = size >= 300 ? 3.2 : 2.2;
    float stroke = size >= 300 ? 1f : 0.7f;
    for (int r = 0; r < block.rows; r++) {
      double x1 = block.x[r * block.features];
      double x2 = block.x[r * block.features + 1];
      double px = left + (x1 - x1Min) / (x1Max - x1Min) * size;
      double py = top + (x2Max - x2) / (x2Max - x2Min) * size;
      BufferedImage dot = dot(pointColour(block, r), rim, radius, stroke);
      int half = dot.getWidth() / 2;
      g.drawImage(dot, (int) Math.round(px) - half, (int) Math.round(py) - half, null);
    }
  }

  /**
   * One anti-aliased dot, drawn once per colour and reused: stamping an image is an order of
   * magnitude cheaper than filling and stroking an anti-aliased shape per point.
   */
  private BufferedImage dot(Color fill, Color rim, double radius, float stroke) {
    long key = ((long) fill.getRGB() << 32) ^ (rim.getRGB() & 0xFFFFFFFFL) ^ Double.doubleToLongBits(radius) * 31;
    return dots.computeIfAbsent(key, k -> {
      int side = (int) Math.ceil(2 * radius + 2 * stroke) + 2;
      BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_ARGB);
      Graphics2D g = img.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(stroke));
        double c = side / 2.0;
        Ellipse2D shape = new Ellipse2D.Double(c - radius, c - radius, 2 * radius, 2 * radius);
        g.setColor(fill);
        g.fill(shape);
        g.setColor(rim);
        g.draw(shape);
      } finally {
        g.dispose();
      }
      return img;
    });
  }

  private void drawTicks(Graphics2D g, int left, int top, int size) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    FontMetrics fm = g.getFontMetrics();
    g.setColor(Color.DARK_GRAY);
    double step1 = niceStep((x1Max - x1Min) / 8);
    for (double v = Math.ceil(x1Min / step1) * step1; v <= x1Max; v += step1) {
      int px = (int) Math.round(left + (v - x1Min) / (x1Max - x1Min) * size);
      String s = tick(v, step1);
      g.drawLine(px, top + size, px, top + size + 3);
      g.drawString(s, px - fm.stringWidth(s) / 2, top + size + 4 + fm.getAscent());
    }
    double step2 = niceStep((x2Max - x2Min) / 8);
    for (double v = Math.ceil(x2Min / step2) * step2; v <= x2Max; v += step2) {
      int py = (int) Math.round(top + (x2Max - v) / (x2Max - x2Min) * size);
      String s = tick(v, step2);
      g.drawLine(left - 3, py, left, py);
      g.drawString(s, left - 5 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
    }
  }

  private static void drawCaption(Graphics2D g, String caption, int left, int top, int size) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size >= 300 ? 13 : 11));
    FontMetrics fm = g.getFontMetrics();
    int w = fm.stringWidth(caption) + 8;
    int h = fm.getHeight() + 2;
    g.setColor(new Color(255, 255, 255, 200));
    g.fillRect(left + 3, top + 3, w, h);
    g.setColor(Color.BLACK);
    g.drawString(caption, left + 7, top + 3 + fm.getAscent() + 1);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= rough) return m * power;
    }
    return 10 * power;
  }

  private static String tick(double v, double step) {
    if (Math.abs(v) < step * 1e-9) v = 0;
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(step)));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** v in [-1, 1] (clamped) onto orange, through pale grey, to blue: the Playground's scale. */
  static Color diverging(double v) {
    double c = clamp(v, -1, 1);
    return c < 0 ? blend(NEUTRAL, ORANGE, -c) : blend(NEUTRAL, BLUE, c);
  }

  private static Color lighten(Color c, double amount) {
    return blend(c, Color.WHITE, amount);
  }

  static Color blend(Color from, Color to, double t) {
    return new Color((int) Math.round(from.getRed() + (to.getRed() - from.getRed()) * t),
        (int) Math.round(from.getGreen() + (to.getGreen() - from.getGreen()) * t),
        (int) Math.round(from.getBlue() + (to.getBlue() - from.getBlue()) * t));
  }

  private static double clamp(double v, double lo, double hi) {
    return Double.isNaN(v) ? 0 : Math.max(lo, Math.min(hi, v));
  }
}
