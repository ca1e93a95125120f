package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Grid arguments: cells in row-major order, and bad keys and values refused with the key registry's messages. */
class SweepGridTest {

  @Test
  void cellsCrossTheAxesFirstAxisSlowest() {
    SweepGrid g = SweepGrid.load(null, List.of("train.epochs=1"),
        List.of("model.hidden=4;8;4,4", "data.playground.extraFeatures=;x1sq,x2sq"));
    assertEquals(6, g.cells().size());
    assertEquals("cell-00", g.cells().get(0).name());
    assertEquals("cell-05", g.cells().get(5).name());
    SweepGrid.Cell c1 = g.cells().get(1);
    assertEquals(List.of(4), c1.config().resolved().get("model.hidden"));
    assertEquals(List.of("x1sq", "x2sq"), c1.config().resolved().get("data.playground.extraFeatures"));
    SweepGrid.Cell c4 = g.cells().get(4);
    assertEquals(List.of(4, 4), c4.config().resolved().get("model.hidden"));
    assertEquals(List.of(), c4.config().resolved().get("data.playground.extraFeatures"));
    assertEquals("model.hidden=4,4 data.playground.extraFeatures=none", c4.label());
    assertEquals(1, c4.config().train().epochs(), "the --set overrides apply to every cell");
  }

  @Test
  void eachCellCheckpointsIntoItsOwnFolder() {
    SweepGrid g = SweepGrid.load(null, List.of("checkpoint.dir=/tmp/ck/"), List.of("model.hidden=4;8"));
    assertEquals("/tmp/ck/cell-00", g.cells().get(0).config().checkpoint().dir());
    assertEquals("/tmp/ck/cell-01", g.cells().get(1).config().checkpoint().dir());
  }

  @Test
  void anUnknownKeyGetsTheRegistrysSuggestion() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> SweepGrid.load(null, List.of(), List.of("model.hiden=4;8", "train.learningrate=0.1;0.01")));
    String m = e.getMessage();
    assertTrue(m.contains("unknown key 'model.hiden' in --grid model.hiden=4;8; did you mean 'model.hidden'?"), m);
    assertTrue(m.contains("did you mean 'train.learningRate'?"), m);
  }

  @Test
  void aBadValueNamesItsCellAndTheKeysRule() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> SweepGrid.load(null, List.of(), List.of("model.hidden=4;0;x", "train.epochs=1;2")));
    List<String> problems = e.problems();
    // Each bad value once, with the first cell that has it, though two cells have each.
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("grid cell model.hidden=0 train.epochs=1: model.hidden"), problems.toString());
    assertTrue(problems.get(1).startsWith("grid cell model.hidden=x train.epochs=1: model.hidden"), problems.toString());
  }

  @Test
  void keysOfTheApplicationAndMalformedAxesAreRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> SweepGrid.load(null, List.of(),
        List.of("spark.master=local[1];local[2]", "spark.conf.spark.executor.memory=1g;2g", "math.kernel=auto;portable",
            "model=4", "nokey", "model.hidden=4;4", "train.seed=1;2", "train.seed=3")));
    String m = e.getMessage();
    assertTrue(m.contains("--grid spark.master=local[1];local[2]: spark.master cannot vary within a sweep"), m);
    assertTrue(m.contains("--grid spark.conf.spark.executor.memory=1g;2g: spark.conf.spark.executor.memory cannot vary"), m);
    assertTrue(m.contains("math.kernel cannot vary"), m);
    assertTrue(m.contains("'model' is a section, not a key"), m);
    assertTrue(m.contains("malformed --grid 'nokey'"), m);
    assertTrue(m.contains("the value '4' is given twice"), m);
    assertTrue(m.contains("train.seed is already an axis of the grid"), m);
    assertThrows(ConfigException.class, () -> SweepGrid.load(null, List.of(), List.of()), "no axis at all");
  }
}
