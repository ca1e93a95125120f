package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Sweeps of several figures: cell names and folders per figure, problems named by figure. */
class SweepPlanTest {

  @Test
  void oneUntitledFigureKeepsThePlainCellNames() {
    SweepPlan p = SweepPlan.load(null, List.of(), List.of(new SweepPlan.FigureArgs(null, List.of("model.hidden=4;8"))));
    assertEquals(1, p.figures().size());
    assertNull(p.figures().get(0).title());
    assertEquals(List.of("cell-00", "cell-01"), p.cells().stream().map(SweepGrid.Cell::name).toList());
  }

  @Test
  void severalFiguresNumberTheirCellsApartAndCheckpointApart() {
    SweepPlan p = SweepPlan.load(null, List.of("checkpoint.dir=/tmp/ck"), List.of(
        new SweepPlan.FigureArgs("width", List.of("model.hidden=2;4;8")),
        new SweepPlan.FigureArgs(null, List.of("model.hidden=8;8,8", "train.epochs=1;2"))));
    assertEquals(List.of("width", "figure 2"), p.figures().stream().map(SweepPlan.Figure::title).toList());
    List<String> names = p.cells().stream().map(SweepGrid.Cell::name).toList();
    assertEquals(List.of("fig1-cell-00", "fig1-cell-01", "fig1-cell-02", "fig2-cell-00", "fig2-cell-01", "fig2-cell-02",
        "fig2-cell-03"), names);
    // Both figures have a model.hidden=8 cell: their checkpoints must not meet.
    assertEquals("/tmp/ck/fig1-cell-02", p.cells().get(2).config().checkpoint().dir());
    assertEquals("/tmp/ck/fig2-cell-00", p.cells().get(3).config().checkpoint().dir());
    assertEquals(List.of(8, 8), p.cells().get(5).config().resolved().get("model.hidden"), "second figure, first axis slowest");
  }

  @Test
  void problemsNameTheirFigureAndTitlesAreNotRepeated() {
    ConfigException e = assertThrows(ConfigException.class, () -> SweepPlan.load(null, List.of(), List.of(
        new SweepPlan.FigureArgs("a", List.of("model.hidden=4;8")),
        new SweepPlan.FigureArgs("b", List.of("model.hidden=4;0")),
        new SweepPlan.FigureArgs("a", List.of("train.epochs=1;2")),
        new SweepPlan.FigureArgs("c", List.of()))));
    List<String> problems = e.problems();
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("figure 'b': grid cell model.hidden=0: model.hidden"), problems.toString());
    assertTrue(problems.get(1).contains("--figure 'a' is given twice"), problems.toString());
    assertTrue(problems.get(2).startsWith("figure 'c': a sweep needs at least one --grid"), problems.toString());
  }
}
