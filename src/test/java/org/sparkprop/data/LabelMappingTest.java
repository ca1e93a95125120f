package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Class names: their canonical form, their order, and the mapping saved with a model. */
class LabelMappingTest {

  @Test
  void numbersWrittenDifferentlyAreOneClass() {
    for (String s : new String[] {"1", "1.0", "1e0", "+1", "1.000", " 1 ", "10e-1", "0.1e1"}) {
      assertEquals("1", LabelMapping.canonical(s), s);
    }
    assertEquals("0", LabelMapping.canonical("-0"));
    assertEquals("0", LabelMapping.canonical("0.000"));
    assertEquals("0", LabelMapping.canonical("0e5"));
    assertEquals("-2.5", LabelMapping.canonical("-2.50"));
    assertEquals("1.5", LabelMapping.canonical("+1.50"));
    assertEquals("100", LabelMapping.canonical("1e2"));
    assertEquals("0.001", LabelMapping.canonical("1e-3"));
  }

  @Test
  void wholeNumbersUpToNineteenDigitsAreWrittenOutLargerOnesInScientificForm() {
    assertEquals("1000000000000000000", LabelMapping.canonical("1e18"));
    assertEquals("1E+19", LabelMapping.canonical("1e19"));
    assertEquals("1234567890123456789", LabelMapping.canonical("1234567890123456789"));
    assertEquals("1.234567890123456789E+19", LabelMapping.canonical("12345678901234567890"));
    assertEquals("12345678901234567891", LabelMapping.canonical("12345678901234567891"), "no exponent to write");
  }

  @Test
  void namesThatAreNotNumbersAreTrimmedAndEmptyOnesAreNoLabel() {
    assertEquals("cat", LabelMapping.canonical("  cat\t"));
    assertEquals("nan", LabelMapping.canonical("nan"));
    assertEquals("1f", LabelMapping.canonical("1f"));
    assertNull(LabelMapping.canonical(""));
    assertNull(LabelMapping.canonical("   "));
  }

  @Test
  void numericLabelValuesGetTheSameNamesAsTheirText() {
    assertEquals("3", LabelMapping.canonical(3.0));
    assertEquals("-2", LabelMapping.canonical(-2.0));
    assertEquals("0", LabelMapping.canonical(0.0));
    assertEquals("0.5", LabelMapping.canonical(0.5));
    assertEquals("2.5", LabelMapping.canonical(2.50));
    assertEquals("100000000000000000", LabelMapping.canonical(1e17));
    assertEquals("-100000000000000000", LabelMapping.canonical(-1e17));
    assertEquals("1E+18", LabelMapping.canonical(1e18));
    assertEquals("-1E+18", LabelMapping.canonical(-1e18));
    for (double v : new double[] {7, -3, 0.25, 1e-3, 12345.5}) {
      assertEquals(LabelMapping.canonical(Double.toString(v)), LabelMapping.canonical(v), "value " + v);
    }
  }

  @Test
  void classIndicesAreCanonicalWholeNumbersBelowTheClassLimit() {
    assertEquals(0, LabelMapping.classIndex("0"));
    assertEquals(9, LabelMapping.classIndex("9"));
    assertEquals(42, LabelMapping.classIndex("42"));
    assertEquals(9999, LabelMapping.classIndex("9999"));
    for (String s : new String[] {"10000", "01", "00", "-1", "1.5", "", "a", "1a", "/", ":", "1E+19"}) {
      assertEquals(-1, LabelMapping.classIndex(s), s);
    }
    assertEquals(-1, LabelMapping.classIndex(null));
  }

  @Test
  void fittedClassesAreOrderedByValueWhenAllAreNumbersElseByText() {
    assertEquals(List.of("1", "2", "10"), LabelMapping.fit(List.of("10", "2", "1", "2")).names());
    assertEquals(List.of("-1", "0", "1.5"), LabelMapping.fit(Set.of("1.5", "-1", "0")).names());
    assertEquals(List.of("10", "2", "a", "b"), LabelMapping.fit(List.of("b", "a", "10", "2")).names());
    LabelMapping digits = LabelMapping.fit(List.of("2", "0", "1"));
    for (int c = 0; c < 3; c++) assertEquals(c, digits.indexOf(Integer.toString(c)), "labels 0..k-1 map to themselves");
  }

  @Test
  void aMappingKnowsItsClassesInOrder() {
    LabelMapping m = LabelMapping.of(List.of("dog", "cat", "ant"));
    assertEquals(3, m.classes());
    assertEquals(0, m.indexOf("dog"));
    assertEquals(1, m.indexOf("cat"));
    assertEquals(2, m.indexOf("ant"));
    assertEquals(-1, m.indexOf("cow"));
    assertEquals(-1, m.indexOf(null));
    assertEquals("cat", m.name(1));
    assertEquals(List.of("dog", "cat", "ant"), m.names());
    assertEquals("LabelMapping[dog, cat, ant]", m.toString());
    assertEquals(List.of("0", "1", "2", "3"), LabelMapping.indices(4).names());
    assertEquals(2, LabelMapping.indices(4).indexOf("2"));
  }

  @Test
  void badClassListsAreRefused() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> LabelMapping.of(List.of()));
    assertEquals("a label mapping needs at least one class", none.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> LabelMapping.of(List.of("a", "b", "a")));
    assertEquals("class names repeat in [a, b, a]", twice.getMessage());
    assertEquals(1, LabelMapping.of(List.of("only")).classes());
  }

  @Test
  void messagesListFewClassesAndAbbreviateMany() {
    List<String> twelve = new ArrayList<>();
    for (int i = 0; i < 12; i++) twelve.add("c" + i);
    assertEquals(String.join(", ", twelve), LabelMapping.of(twelve).describe());
    List<String> thirteen = new ArrayList<>(twelve);
    thirteen.add("c12");
    assertEquals("c0, c1, c2, c3, c4, c5, ... c12 (13 classes)", LabelMapping.of(thirteen).describe());
    assertEquals("a", LabelMapping.of(List.of("a")).describe());
  }

  @Test
  void equalityIsByNamesInOrder() {
    LabelMapping ab = LabelMapping.of(List.of("a", "b"));
    assertEquals(ab, LabelMapping.of(List.of("a", "b")));
    assertEquals(ab.hashCode(), LabelMapping.of(List.of("a", "b")).hashCode());
    assertNotEquals(ab, LabelMapping.of(List.of("b", "a")));
    assertNotEquals(ab.hashCode(), LabelMapping.of(List.of("b", "a")).hashCode());
    assertNotEquals(ab, LabelMapping.of(List.of("a")));
    assertNotEquals(ab, (Object) "a, b");
  }

  @Test
  void aMappingReadBackFromJavaSerialisationLooksUpTheSame() throws Exception {
    LabelMapping m = LabelMapping.of(List.of("x", "y"));
    assertEquals(1, m.indexOf("y")); // builds the transient lookup before writing
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    LabelMapping copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (LabelMapping) in.readObject();
    }
    assertEquals(m, copy);
    assertEquals(1, copy.indexOf("y"));
    assertEquals(0, copy.indexOf("x"));
  }
}
