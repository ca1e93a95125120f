package org.sparkprop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;
import org.sparkprop.nn.NetworkSpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The report draws the network (layers, widths, activations, weights, parameters) and a one-feature regression's curve. */
class NetworkDrawingTest {
  @TempDir
  Path tmp;

  private static Document parse(String svg) throws Exception {
    // A parser, not a regex: the drawing must be well-formed XML for a browser to show it.
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> texts(Element e) {
    List<String> out = new ArrayList<>();
    NodeList t = e.getElementsByTagName("text");
    for (int i = 0; i < t.getLength(); i++) out.add(t.item(i).getTextContent());
    return out;
  }

  @Test
  void everyLayerIsAColumnWithItsWidthAndActivationAndEveryDrawnWeightALineOfItsSign() throws Exception {
    NetworkSpec spec = new NetworkSpec(4, new int[] {12, 3}, Activation.TANH, 1, Activation.SIGMOID, Loss.BCE);
    float[] params = new float[spec.parameterCount()];
    Random random = new Random(5);
    for (int i = 0; i < params.length; i++) params[i] = (float) random.nextGaussian();
    Document svg = parse(NetworkDiagram.svg(spec, params, List.of("x1", "x2", "x1sq", "x2sq")));

    NodeList groups = svg.getElementsByTagName("g");
    List<Element> layers = new ArrayList<>();
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("class").startsWith("layer")) layers.add(g);
    }
    assertEquals(4, layers.size(), "input, two hidden layers, output");
    int[] widths = {4, 12, 3, 1};
    for (int l = 0; l < 4; l++) {
      assertEquals(String.valueOf(widths[l]), layers.get(l).getAttribute("data-units"));
      assertEquals(Math.min(widths[l], NetworkDiagram.MAX_UNITS), layers.get(l).getElementsByTagName("rect").getLength(),
          "units drawn in layer " + l);
    }
    assertEquals(List.of("input", "4 features", "x1", "x2", "x1²", "x2²"), texts(layers.get(0)));
    assertTrue(texts(layers.get(1)).containsAll(List.of("hidden 1", "12 tanh", "+2 more")), texts(layers.get(1)).toString());
    assertTrue(texts(layers.get(2)).containsAll(List.of("hidden 2", "3 tanh")), texts(layers.get(2)).toString());
    assertTrue(texts(layers.get(3)).containsAll(List.of("output", "1 sigmoid")), texts(layers.get(3)).toString());

    // 4 -> 12 (10 drawn) -> 3 -> 1: one line per weight between drawn units.
    NodeList lines = svg.getElementsByTagName("line");
    assertEquals(4 * 10 + 10 * 3 + 3 * 1, lines.getLength());
    // The first line is W_0[0][0], the input x1 into hidden unit 1: blue when positive, orange when negative.
    for (int i = 0; i < lines.getLength(); i++) {
      Element line = (Element) lines.item(i);
      float w = Float.parseFloat(line.getElementsByTagName("title").item(0).getTextContent().substring("weight ".length()));
      assertEquals(w >= 0 ? "#0877bd" : "#f59322", line.getAttribute("stroke"), "line " + i + ", weight " + w);
    }
    assertEquals(String.format(java.util.Locale.ROOT, "%.4g", params[0]),
        ((Element) lines.item(0)).getElementsByTagName("title").item(0).getTextContent().substring("weight ".length()));

    int expectedParameters = (4 * 12 + 12) + (12 * 3 + 3) + (3 * 1 + 1);
    NodeList all = svg.getElementsByTagName("text");
    String footer = ((Element) all.item(all.getLength() - 1)).getTextContent();
    assertEquals(expectedParameters + " parameters (weights and biases) · bce loss", footer);
  }

  @Test
  void withoutWeightsTheLinesAreGreyAndUnnamedFeaturesAreNumbered() throws Exception {
    NetworkSpec linear = new NetworkSpec(3, new int[0], Activation.IDENTITY, 1, Activation.IDENTITY, Loss.MSE);
    Document svg = parse(NetworkDiagram.svg(linear, null, null));
    NodeList lines = svg.getElementsByTagName("line");
    assertEquals(3, lines.getLength());
    for (int i = 0; i < lines.getLength(); i++) assertEquals("#bbbbbb", ((Element) lines.item(i)).getAttribute("stroke"));
    String all = svg.getDocumentElement().getTextContent();
    assertTrue(all.contains("x1") && all.contains("x2") && all.contains("x3"), all);
    assertTrue(all.contains("4 parameters"), all);
  }

  @Test
  void aOneFeatureRegressionReportDrawsTheFittedCurveOverThePointsAndTheNetwork() throws Exception {
    ReportFixture.Run run = ReportFixture.curve(tmp, 30);
    assertTrue(run.report().problems().isEmpty(), run.report().problems().toString());
    assertTrue(run.files().containsAll(List.of("fit.png", TrainingReport.NETWORK)), run.files().toString());
    BufferedImage fit = TrainingReportTest.decode(tmp.resolve("fit.png"));
    assertEquals(Charts.WIDTH, fit.getWidth());
    // The curve is drawn in the Playground's orange, which nothing else on the chart uses.
    int orange = 0;
    for (int x = 0; x < fit.getWidth(); x++) {
      for (int y = 0; y < fit.getHeight(); y++) {
        Color c = new Color(fit.getRGB(x, y));
        if (Math.abs(c.getRed() - 0xF5) < 20 && Math.abs(c.getGreen() - 0x93) < 30 && c.getBlue() < 90) orange++;
      }
    }
    assertTrue(orange > 300, "pixels of the curve: " + orange);
    String page = Files.readString(tmp.resolve("index.html"));
    assertTrue(page.contains("src=\"fit.png\"") && page.contains("src=\"network.svg\""), page);
    String svg = Files.readString(tmp.resolve(TrainingReport.NETWORK));
    assertTrue(svg.contains(">size</text>"), "the feature's name labels the input: " + svg);
  }
}
