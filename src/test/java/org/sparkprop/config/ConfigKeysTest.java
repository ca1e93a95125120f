package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading each key's definition from the comments of reference.conf, and refusing a definition that does not read. */
class ConfigKeysTest {
  private static ConfigKeys parse(String text) {
    return ConfigKeys.parse(ConfigFactory.parseString(text));
  }

  private static String mistake(String text) {
    return assertThrows(IllegalStateException.class, () -> parse(text)).getMessage();
  }

  @Test
  void aKeyIsItsDocValuesTypeParamAndDefault() {
    ConfigKeys keys = parse("""
        train {
          # The update rule, with a doc
          # on two lines.
          # Values: sgd       plain gradient descent
          #         momentum  heavy-ball momentum, whose description
          #                   goes on here
          #         adam, adamw
          # Type: string.
          # Spark ML param: optimizer.
          optimizer = Adam

          # A fraction.
          # Type: number in [0, 1).
          momentum = 0.9
        }
        """);
    ConfigKey optimizer = keys.get("train.optimizer");
    assertEquals("The update rule, with a doc on two lines.", optimizer.doc());
    assertEquals(new ValueType.OneOf(List.of(new ValueType.Choice("sgd", "plain gradient descent"),
        new ValueType.Choice("momentum", "heavy-ball momentum, whose description goes on here"),
        new ValueType.Choice("adam", ""), new ValueType.Choice("adamw", ""))), optimizer.type());
    assertEquals("adam", optimizer.defaultValue(), "the default in the spelling of Values");
    assertEquals("optimizer", optimizer.sparkParam());
    ConfigKey momentum = keys.get("train.momentum");
    assertEquals(new ValueType.Real(0, true, 1, false), momentum.type());
    assertEquals(0.9, momentum.defaultValue());
    assertNull(momentum.sparkParam());
    assertEquals(List.of("train.optimizer", "train.momentum"), keys.all().stream().map(ConfigKey::key).toList(),
        "in the order of the file");
    assertTrue(keys.isSection("train"));
  }

  @Test
  void everyTypeOfTheGrammarReads() {
    ConfigKeys keys = parse("""
        # d
        # Type: boolean.
        a = true
        # d
        # Type: non-empty string.
        b = x
        # d
        # Type: column name, or 0-based column index.
        c = 3
        # d
        # Type: integer >= 1 (64-bit).
        d = 5
        # d
        # Type: integer, 0 or >= 2.
        e = 0
        # d
        # Type: integer (64-bit).
        f = -9
        # d
        # Type: number > 0.
        g = 1e-8
        # d
        # Type: number in (0, 0.5].
        h = 0.5
        # d
        # Type: list of integers >= 1.
        i = [3, 4]
        # d
        # Values: x1sq  x1^2
        #         sinx1
        # Type: list of distinct values.
        j = [SINX1]
        # d
        # Type: object of strings.
        k {}
        """);
    assertEquals(new ValueType.Flag(), keys.get("a").type());
    assertEquals(new ValueType.Text(true), keys.get("b").type());
    assertEquals(new ValueType.Column(), keys.get("c").type());
    assertEquals("3", keys.get("c").defaultValue());
    assertEquals(new ValueType.Whole(1, Long.MAX_VALUE, null), keys.get("d").type());
    assertEquals(5L, keys.get("d").defaultValue(), "64-bit keys hold a Long");
    assertEquals(new ValueType.Whole(2, Integer.MAX_VALUE, 0L), keys.get("e").type());
    assertEquals(0, keys.get("e").defaultValue());
    assertEquals(new ValueType.Whole(Long.MIN_VALUE, Long.MAX_VALUE, null), keys.get("f").type());
    assertEquals(new ValueType.Real(0, false, Double.POSITIVE_INFINITY, false), keys.get("g").type());
    assertEquals(new ValueType.Real(0, false, 0.5, true), keys.get("h").type());
    assertEquals(List.of(3, 4), keys.get("i").defaultValue());
    assertEquals(List.of("sinx1"), keys.get("j").defaultValue());
    assertEquals(new ValueType.Settings(), keys.get("k").type());
    assertFalse(keys.isSection("k"), "an object with a Type is one key, not a section");
  }

  @Test
  void aDefinitionThatDoesNotReadStopsTheProgramNamingTheKey() {
    assertTrue(mistake("# d\nx = 1\n").contains("defines x wrongly: it has no 'Type:' line"));
    assertTrue(mistake("# Type: integer >= 0.\nx = 1\n").contains("defines x wrongly: it has no documentation"));
    assertTrue(mistake("# d\n# Type: integer in [0, 1].\nx = 1\n").contains("its type 'integer in [0, 1]' is not one"));
    assertTrue(mistake("# d\n# Type: number >= 1.\nx = 0.5\n").contains("its default 0.5 is not a number >= 1"));
    assertTrue(mistake("# d\n# Values: a  b\n# Type: integer >= 0.\nx = 1\n").contains("'Values:' goes with"));
    assertTrue(mistake("# d\n# Values: a, b\n# Type: string.\nx = c\n").contains("its default 'c' is not one of a, b"));
    assertTrue(mistake("# d\n# Values: a (b)\n# Type: string.\nx = a\n").contains("cannot read the Values line 'a (b)'"));
    assertTrue(mistake("# d\n# Type: boolean.\n# Spark ML param: p.\nx = true\n# d\n# Type: boolean.\n"
        + "# Spark ML param: p.\ny = true\n").contains("the Spark ML param name p is used by another key too"));
  }

  @Test
  void everyValueOfEveryEnumeratedKeyIsAConstantOfItsEngineType() {
    // TrainConfig turns each accepted name into an enum constant; a name the engine lacks would be an
    // IllegalStateException (a program error), not a ConfigException (a user error).
    int values = 0;
    for (ConfigKey k : ConfigKeys.reference().all()) {
      if (!(k.type() instanceof ValueType.OneOf o)) continue;
      for (String name : o.names()) {
        try {
          TrainConfig.load(null, List.of(k.key() + "=" + name, "data.train=x", "data.trainLabels=y"));
        } catch (ConfigException e) {
          for (String p : e.problems()) assertFalse(p.startsWith(k.key() + " = ") && p.contains(": expected "), p);
        }
        values++;
      }
    }
    assertTrue(values > 40, "probed " + values + " values");
  }

  @Test
  void theReferenceDefinesEveryKeyOnce() {
    ConfigKeys keys = ConfigKeys.reference();
    assertEquals(keys.all().size(), keys.all().stream().map(ConfigKey::key).distinct().count());
    assertEquals(Map.of(), keys.get("spark.conf").defaultValue());
    assertTrue(keys.get("train.maxRounds").type() instanceof ValueType.Whole w && w.wide());
    assertTrue(keys.get("model.hidden").param().isPresent());
    assertTrue(keys.get("spark.master").param().isEmpty());
  }
}
