package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.SweepGrid;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.testing.LocalSpark;
import org.sparkprop.train.StopRequest;

/** The sweep job on Spark local mode: one application, cells bit-identical to train runs, the page. */
class SweepJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  /** A small circle job: 600 rows, 2 partitions, 2 epochs. */
  private static List<String> small(String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=playground", "data.playground.name=circle",
        "data.playground.rows=600", "data.playground.noise=0.1", "model.activation=tanh", "model.loss=bce",
        "train.optimizer=adam", "train.learningRate=0.03", "train.batchSize=50", "train.epochs=2", "train.seed=3",
        "spark.master=local[2]", "spark.partitions=2", "data.validationFraction=0", "train.logEveryRounds=1000"));
    o.addAll(List.of(more));
    return o;
  }

  @Test
  void everyCellHasTheBitsOfItsTrainRunAndThePageLaysTheGridOut() throws Exception {
    // Two data settings (raw and squared features) by two networks, by where the rounds run: the
    // Spark-job cells run as concurrent jobs (two at a time), and must give the driver cells' bits.
    List<String> grid = List.of("data.playground.extraFeatures=;x1sq,x2sq", "model.hidden=3;4,4",
        "train.execution=driver;spark");
    SweepGrid sweep = SweepGrid.load(null, small(), grid);
    assertEquals(8, sweep.cells().size());
    Path out = tmp.resolve("sweep");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ObjectNode record = SweepJob.run(sweep, out.toString(), 2, new PrintStream(log, true, StandardCharsets.UTF_8),
        new StopRequest());
    stopSpark();

    assertEquals(2, record.path("dataLoads").asInt(), "one load per data setting, shared by its four cells");
    assertEquals(JSON.readTree(JSON.writeValueAsString(record)), JSON.readTree(out.resolve("sweep.json").toFile()));
    JsonNode cells = record.path("cells");
    assertEquals(8, cells.size());
    for (JsonNode c : cells) {
      assertEquals("completed", c.path("status").asText(), c.toString());
      assertTrue(Files.exists(out.resolve(c.path("folder").asText()).resolve("model/metadata.json")), c.toString());
      assertTrue(Files.exists(out.resolve(c.path("folder").asText()).resolve("report/index.html")), c.toString());
    }
    // Cells differing only in train.execution have the same bits (cells 2k and 2k + 1) ...
    for (int k = 0; k < 4; k++) {
      assertEquals(cells.get(2 * k).path("weightsSha256").asText(), cells.get(2 * k + 1).path("weightsSha256").asText(),
          "cells " + 2 * k + " and " + (2 * k + 1));
    }
    // ... and each cell has the bits of a train run of its configuration in an application of its own.
    for (int i : new int[] {1, 6}) {
      SweepGrid.Cell cell = sweep.cells().get(i);
      List<String> sets = small();
      cell.settings().forEach((k, v) -> sets.add(k + "=" + v));
      ObjectNode alone = TrainJob.run(TrainConfig.load(null, sets), tmp.resolve("alone-" + i).toString(), false,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      stopSpark();
      assertEquals(alone.path("weightsSha256").asText(), cells.get(i).path("weightsSha256").asText(), cell.label());
      assertEquals(alone.path("testMetrics"), cells.get(i).path("testMetrics"), cell.label());
    }
    // The cells of the second data setting were trained on it: x1, x2, x1^2, x2^2.
    assertTrue(cells.get(4).path("network").asText().startsWith("4-3-1"), cells.get(4).toString());

    String page = Files.readString(out.resolve("index.html"));
    // The picture grid: rows are the first key's two values, columns the four combinations of the others.
    Matcher rows = Pattern.compile("<tr><th class=\"row\">(none|x1sq,x2sq)</th>").matcher(page);
    int found = 0;
    while (rows.find()) found++;
    assertEquals(2, found, page);
    Matcher pictures = Pattern.compile("<img src=\"(cells/cell-\\d+/report/boundary-thumbnail\\.png)\"").matcher(page);
    List<String> drawn = new ArrayList<>();
    while (pictures.find()) drawn.add(pictures.group(1));
    assertEquals(8, drawn.size(), page);
    for (String p : drawn) assertTrue(Files.size(out.resolve(p)) > 0, p);
    assertTrue(page.contains("<th>3 · driver</th>") && page.contains("<th>4,4 · spark</th>"), page);
    // The cell table links every report and names every setting.
    for (JsonNode c : cells) {
      assertTrue(page.contains("<a href=\"" + c.path("folder").asText() + "/report/index.html\">"), c.toString());
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("training 4 cells, 2 at a time"), text);
  }

  @Test
  void cellsShareALoadOnlyWhenTheyHoldOutTheSameValidationRows() {
    // validationFraction = auto holds out 0.1 until converged (epochs = 0) and nothing for a fixed count.
    SweepGrid auto = SweepGrid.load(null, List.of("data.format=playground"), List.of("train.epochs=0;20", "model.hidden=3;4"));
    java.util.Map<String, List<Integer>> groups = SweepJob.byData(auto.cells());
    assertEquals(2, groups.size());
    for (List<Integer> g : groups.values()) {
      assertEquals(2, g.size());
      assertEquals(auto.cells().get(g.get(0)).config().train().epochs(), auto.cells().get(g.get(1)).config().train().epochs());
    }
    SweepGrid fixed = SweepGrid.load(null, List.of("data.format=playground", "data.validationFraction=0.2"),
        List.of("train.epochs=0;20"));
    assertEquals(1, SweepJob.byData(fixed.cells()).size());
  }
}
