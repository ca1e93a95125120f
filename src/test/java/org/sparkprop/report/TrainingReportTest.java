package org.sparkprop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.optim.OptimizerSettings;

/** The report folder: which files a run leaves, that they decode at sane sizes, and that the pictures mean what they say. */
class TrainingReportTest {
  private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\"");

  @TempDir
  Path tmp;

  static BufferedImage decode(Path file) throws Exception {
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + " is not an image ImageIO can read");
    return image;
  }

  @Test
  void aClassificationRunLeavesChartsBoundariesAndAPageThatShowsThemAll() throws Exception {
    ReportFixture.Run run = ReportFixture.spiral(tmp, 3);
    assertTrue(run.report().problems().isEmpty(), run.report().problems().toString());
    List<String> expected = List.of("boundary-epoch-001.png", "boundary-epoch-002.png", "boundary-epoch-003.png",
        "boundary.png", TrainingReport.THUMBNAIL, TrainingReport.NETWORK, "loss.png",
        "accuracy.png", "confusion.png", "round-time.png", "index.html");
    assertEquals(new HashSet<>(expected), new HashSet<>(run.files()));
    assertEquals("index.html", run.files().get(run.files().size() - 1));

    for (String name : expected) {
      if (!name.endsWith(".png")) continue;
      BufferedImage image = decode(tmp.resolve(name));
      // Sizes as drawn: thumbnails 200 px, the final picture 420 px plus axes, charts 640 x 400 or a square heat map.
      assertTrue(image.getWidth() >= 200 && image.getWidth() <= 1000, name + " width " + image.getWidth());
      assertTrue(image.getHeight() >= 200 && image.getHeight() <= 1000, name + " height " + image.getHeight());
      assertFalse(uniform(image), name + " is a single colour");
    }
    assertEquals(200, decode(tmp.resolve("boundary-epoch-001.png")).getWidth());
    assertEquals(Charts.WIDTH, decode(tmp.resolve("loss.png")).getWidth());
    assertEquals(Charts.HEIGHT, decode(tmp.resolve("loss.png")).getHeight());

    String html = Files.readString(tmp.resolve("index.html"));
    Set<String> shown = new HashSet<>(imagesOf(html));
    assertEquals(picturesOnThePage(run.files()), shown, "the page shows every picture written, and nothing else");
    assertTrue(html.contains(run.summary().path("weightsSha256").asText()), "the summary table holds the summary");
    assertTrue(html.contains("data.playground.name"), "the configuration is on the page");
    assertEquals(3, run.report().epochs().size());
    assertTrue(run.report().epochs().get(2).trainSample().containsKey("accuracy"));
  }

  @Test
  void aRegressionRunDrawsPredictedAgainstTrueAndRSquaredInsteadOfConfusion() throws Exception {
    ReportFixture.Run run = ReportFixture.plane(tmp, 2);
    assertTrue(run.report().problems().isEmpty(), run.report().problems().toString());
    assertTrue(run.files().containsAll(List.of("predicted-vs-true.png", "r2.png", "loss.png", "boundary.png")), run.files().toString());
    assertFalse(run.files().contains("confusion.png"));
    assertFalse(run.files().contains("accuracy.png"));
    assertFalse(run.files().contains("fit.png"), "two features: no fitted curve, the boundary shows the fit");
    decode(tmp.resolve("predicted-vs-true.png"));
  }

  @Test
  void theBoundaryPutsClassOneWhereTheNetworkSaysAndKeepsTheAxesTheRightWayRound() {
    // p(class 1) = sigmoid(5 x2): blue above the x1 axis, orange below. Then the same with x1:
    // blue on the right. A flipped or transposed grid fails one of the two.
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE);
    PackedBlock corners = new PackedBlock(0, 2, 2, 1, new float[] {-4, -4, 4, 4}, new float[] {0, 1});
    DecisionBoundary boundary = new DecisionBoundary(spec, InputPlane.twoFeatures(), 2, corners, null);
    int size = 100;
    BufferedImage byX2 = boundary.render(new float[] {0, 5, 0}, size, false, false, null);
    assertTrue(bluish(byX2.getRGB(size / 2, 10)), "top should be class 1");
    assertTrue(orangeish(byX2.getRGB(size / 2, size - 10)), "bottom should be class 0");
    BufferedImage byX1 = boundary.render(new float[] {5, 0, 0}, size, false, false, null);
    assertTrue(bluish(byX1.getRGB(size - 10, size / 2)), "right should be class 1");
    assertTrue(orangeish(byX1.getRGB(10, size / 2)), "left should be class 0");
  }

  @Test
  void outputsMapOntoThePlaygroundColours() {
    NetworkSpec binary = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE);
    PackedBlock none = new PackedBlock(0, 0, 2, 1, new float[0], new float[0]);
    DecisionBoundary b = new DecisionBoundary(binary, InputPlane.twoFeatures(), 2, none, null);
    assertEquals(DecisionBoundary.BLUE, b.colourOf(new float[] {1f}, 0, 1));
    assertEquals(DecisionBoundary.ORANGE, b.colourOf(new float[] {0f}, 0, 1));
    assertEquals(DecisionBoundary.NEUTRAL, b.colourOf(new float[] {0.5f}, 0, 1));
    NetworkSpec three = new NetworkSpec(2, new int[0], Activation.IDENTITY, 3, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
    DecisionBoundary c = new DecisionBoundary(three, InputPlane.twoFeatures(), 3, none, null);
    assertEquals(DecisionBoundary.PALETTE[2], c.colourOf(new float[] {0f, 0f, 1f}, 0, 3), "a sure class 2 is its full colour");
    assertEquals(DecisionBoundary.NEUTRAL, c.colourOf(new float[] {1 / 3f, 1 / 3f, 1 / 3f}, 0, 3), "undecided is pale");
  }

  @Test
  void anEpochPictureShowsTheWeightsOfItsEpochThoughTheLoopChangesThemWhileItIsDrawn() throws Exception {
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE);
    PackedBlock points = new PackedBlock(0, 2, 2, 1, new float[] {-1, -1, 1, 1}, new float[] {0, 1});
    TrainingReport.Inputs inputs = new TrainingReport.Inputs(spec, 2, points, null, null, InputPlane.twoFeatures());
    float[] atEpoch = {2, -1, 0.5f};
    Path drawn = tmp.resolve("drawn");
    TrainingReport report = new TrainingReport(inputs, ReportFiles.directory(drawn));
    report.onStart(new GlobalBatches(2, 1, 0), TrainingOptions.simple(OptimizerSettings.sgd(), 0.1, 1), null);
    float[] params = atEpoch.clone();
    report.onEpoch(new TrainingListener.EpochEvent(0, 0.5, null, null, 0.01, params));
    java.util.Arrays.fill(params, -3f); // the loop's next update, in the same array, before the picture is drawn
    report.awaitEpochPictures();
    BufferedImage expected = new DecisionBoundary(spec, InputPlane.twoFeatures(), 2, points, null)
        .render(atEpoch, TrainingReport.EPOCH_PICTURE_SIZE, false, false, "epoch 1");
    BufferedImage got = decode(drawn.resolve("boundary-epoch-001.png"));
    assertEquals(expected.getWidth(), got.getWidth());
    for (int y = 0; y < got.getHeight(); y++) {
      for (int x = 0; x < got.getWidth(); x++) {
        assertEquals(expected.getRGB(x, y), got.getRGB(x, y), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void longRunsDrawAtMostAHundredEpochPicturesAndAlwaysTheLast() {
    NetworkSpec spec = new NetworkSpec(2, new int[0], Activation.IDENTITY, 1, Activation.SIGMOID, Loss.BCE);
    PackedBlock points = new PackedBlock(0, 2, 2, 1, new float[] {-1, -1, 1, 1}, new float[] {0, 1});
    List<String> written = java.util.Collections.synchronizedList(new ArrayList<>()); // drawn on the report's threads
    TrainingReport report = new TrainingReport(new TrainingReport.Inputs(spec, 2, points, null, null, InputPlane.twoFeatures()),
        name -> {
          written.add(name);
          return java.io.OutputStream.nullOutputStream();
        });
    int epochs = 250;
    report.onStart(new GlobalBatches(2, 1, 0), TrainingOptions.simple(OptimizerSettings.sgd(), 0.1, epochs), null);
    float[] params = {1, 1, 0};
    for (int e = 0; e < epochs; e++) {
      report.onEpoch(new TrainingListener.EpochEvent(e, 0.5, null, null, 0.01, params));
    }
    report.awaitEpochPictures();
    // Every third epoch (3, 6, ..., 249), then the last; drawn side by side, so in any order.
    List<String> names = new ArrayList<>(written);
    java.util.Collections.sort(names);
    assertEquals(84, names.size(), names.toString());
    assertEquals(84, new java.util.HashSet<>(names).size(), "each picture once");
    assertEquals("boundary-epoch-003.png", names.get(0));
    assertEquals("boundary-epoch-006.png", names.get(1));
    assertEquals("boundary-epoch-250.png", names.get(names.size() - 1));
    assertEquals(epochs, report.epochs().size());
  }

  @Test
  void roundTimelineKeepsBoundedMemoryAndExactMeans() {
    RoundTimeline t = new RoundTimeline(4);
    for (long r = 1; r <= 10; r++) t.add(r, r * 1_000_000, 0, 0, 0, 2_000_000);
    // 10 rounds into 4 buckets: widths double 1 -> 2 -> 4, giving buckets {1-4}, {5-8}, {9-10}.
    assertEquals(3, t.size());
    assertEquals(4, t.roundsPerPoint());
    assertEquals(4, t.round(0));
    assertEquals(10, t.round(2));
    assertEquals(2.5, t.meanMs(0, 0), 1e-12);  // mean of 1, 2, 3, 4 ms
    assertEquals(9.5, t.meanMs(0, 2), 1e-12);  // mean of 9, 10 ms
    assertEquals(2.0, t.meanMs(4, 1), 1e-12);
  }

  /**
   * The files a report writes that its own page shows: all but the page itself and the thumbnail
   * kept for pages that set runs side by side (the sweep's).
   */
  static Set<String> picturesOnThePage(List<String> written) {
    Set<String> pictures = new HashSet<>(written);
    pictures.remove("index.html");
    pictures.remove(TrainingReport.THUMBNAIL);
    return pictures;
  }

  static List<String> imagesOf(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  private static boolean uniform(BufferedImage image) {
    int first = image.getRGB(0, 0);
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        if (image.getRGB(x, y) != first) return false;
      }
    }
    return true;
  }

  private static boolean bluish(int rgb) {
    Color c = new Color(rgb);
    return c.getBlue() > c.getRed() + 60;
  }

  private static boolean orangeish(int rgb) {
    Color c = new Color(rgb);
    return c.getRed() > c.getBlue() + 60;
  }
}
