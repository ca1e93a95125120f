package org.sparkprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties every generated {@link RowGenerator} must have, checked for each generator. */
class RowGeneratorsTest {

  private static final int ROWS = 1001; // odd, so the spiral's two arms differ in length

  /** Each case builds its source from a seed, so that seeds can be varied. */
  static Stream<Arguments> sources() {
    List<Arguments> cases = new ArrayList<>();
    for (String name : Playground.names()) {
      cases.add(Arguments.of("playground " + name,
          (LongFunction<RowGenerator>) seed -> new Playground(name, ROWS, 0.2, seed)));
    }
    cases.add(Arguments.of("playground spiral with extras",
        (LongFunction<RowGenerator>) seed -> new Playground("spiral", ROWS, 0.1, seed,
            Playground.extraFeatureNames())));
    // Batches of the teacher hold up to 256 rows, so the pieces below cut through batches;
    // 1000 features give batches of 65.
    cases.add(Arguments.of("teacher 37 features, 10 classes",
        (LongFunction<RowGenerator>) seed -> new SyntheticTeacher(ROWS, 37, 10, seed)));
    cases.add(Arguments.of("teacher 5 features, regression",
        (LongFunction<RowGenerator>) seed -> new SyntheticTeacher(ROWS, 5, 0, seed)));
    cases.add(Arguments.of("teacher 1000 features, 2 classes",
        (LongFunction<RowGenerator>) seed -> new SyntheticTeacher(ROWS, 1000, 2, seed)));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void packingInUnevenPiecesEqualsPackingWhole(String name, LongFunction<RowGenerator> make) {
    RowGenerator src = make.apply(7);
    PackedBlock whole = RowGenerators.pack(src, 0, ROWS);
    int[] cuts = {0, 137, 600, ROWS};
    float[] x = new float[ROWS * src.features()]; // (ROWS, features)
    float[] y = new float[ROWS * src.targetWidth()]; // (ROWS, targetWidth)
    for (int p = 0; p + 1 < cuts.length; p++) {
      PackedBlock piece = RowGenerators.pack(src, cuts[p], cuts[p + 1] - cuts[p]);
      assertEquals(cuts[p], piece.firstIndex);
      assertEquals(cuts[p + 1], piece.endIndex());
      System.arraycopy(piece.x, 0, x, cuts[p] * src.features(), piece.x.length);
      System.arraycopy(piece.y, 0, y, cuts[p] * src.targetWidth(), piece.y.length);
    }
    assertBitwiseEqual(whole.x, x, name + " x");
    assertBitwiseEqual(whole.y, y, name + " y");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void singleRowsInAnyOrderEqualThePackedBlock(String name, LongFunction<RowGenerator> make) {
    RowGenerator src = make.apply(7);
    PackedBlock whole = RowGenerators.pack(src, 0, ROWS);
    int f = src.features();
    int offset = 3; // rows land at an offset inside larger arrays
    float[] x = new float[offset + f + 2];
    float[] y = new float[offset + 1 + 2];
    for (int i = ROWS - 1; i >= 0; i -= 3) {
      src.fill(i, x, offset, y, offset);
      for (int j = 0; j < f; j++) {
        assertEquals(Float.floatToRawIntBits(whole.x[i * f + j]),
            Float.floatToRawIntBits(x[offset + j]), name + " row " + i + " feature " + j);
      }
      assertEquals(Float.floatToRawIntBits(whole.y[i]), Float.floatToRawIntBits(y[offset]),
          name + " row " + i + " target");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void equalParametersGiveEqualDataAcrossInstancesAndSerialisation(
      String name, LongFunction<RowGenerator> make) throws Exception {
    RowGenerator first = make.apply(11);
    RowGenerator second = make.apply(11);
    byte[] bytes = serialise(first);
    // Spark ships the source with every task: parameters only, no teacher weights.
    assertTrue(bytes.length < 1024, name + " serialises to " + bytes.length + " bytes");
    RowGenerator copy = deserialise(bytes);
    PackedBlock a = RowGenerators.pack(first, 0, ROWS);
    PackedBlock b = RowGenerators.pack(second, 0, ROWS);
    PackedBlock c = RowGenerators.pack(copy, 0, ROWS);
    assertBitwiseEqual(a.x, b.x, name + " x, second instance");
    assertBitwiseEqual(a.y, b.y, name + " y, second instance");
    assertBitwiseEqual(a.x, c.x, name + " x, deserialised");
    assertBitwiseEqual(a.y, c.y, name + " y, deserialised");
    assertEquals(first.describe(), copy.describe());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void seedsChangeTheData(String name, LongFunction<RowGenerator> make) {
    PackedBlock a = RowGenerators.pack(make.apply(1), 0, ROWS);
    PackedBlock b = RowGenerators.pack(make.apply(2), 0, ROWS);
    int same = 0;
    for (int i = 0; i < a.x.length; i++) {
      same += a.x[i] == b.x[i] ? 1 : 0;
    }
    // The spiral's positions along the arms do not depend on the seed, only its noise does.
    assertTrue(same < a.x.length / 100, name + ": " + same + " of " + a.x.length
        + " input values unchanged by a new seed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void fillAllocatesNothing(String name, LongFunction<RowGenerator> make) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
    com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(counter.isThreadAllocatedMemorySupported()
        && counter.isThreadAllocatedMemoryEnabled(), "allocation counter disabled");
    RowGenerator src = make.apply(3);
    int f = src.features();
    float[] x = new float[64 * f]; // (64, features)
    float[] y = new float[64];
    for (int i = 0; i < ROWS; i++) { // first use builds thread-local scratch space
      src.fill(i, x, 0, y, 0);
    }
    src.fillRows(0, 64, x, 0, y, 0);
    long before = counter.getCurrentThreadAllocatedBytes();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < ROWS; i++) {
        src.fill(i, x, 0, y, 0);
      }
      src.fillRows(ROWS - 64, 64, x, 0, y, 0);
    }
    long allocated = counter.getCurrentThreadAllocatedBytes() - before;
    // 20,000 rows: one allocated object per row would be at least 320 KB.
    assertTrue(allocated < 16 * 1024, name + " allocated " + allocated + " bytes for "
        + 20 * ROWS + " rows");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void rowsOutsideTheSourceAreRejected(String name, LongFunction<RowGenerator> make) {
    RowGenerator src = make.apply(3);
    float[] x = new float[src.features()];
    float[] y = new float[1];
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> src.fill(ROWS, x, 0, y, 0));
    assertEquals("row 1001 is outside [0, 1001)", e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> src.fill(-1, x, 0, y, 0));
    IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
        () -> RowGenerators.pack(src, ROWS - 2, 5));
    assertTrue(p.getMessage().startsWith("cannot pack rows [999, 1004) of a source with 1001 "
        + "rows ("), p.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RowGenerators.pack(src, -1, 5));
    assertThrows(IllegalArgumentException.class, () -> RowGenerators.pack(src, 0, -1));
    assertEquals(0, RowGenerators.pack(src, ROWS, 0).rows);
  }

  @Test
  void blocksLargerThanAJavaArrayAreRejectedBeforeAllocating() {
    RowGenerator wide = new SyntheticTeacher(1L << 40, 1 << 20, 2, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RowGenerators.pack(wide, 0, 1 << 12));
    assertTrue(e.getMessage().contains("4294967296 values"), e.getMessage());
  }

  static void assertBitwiseEqual(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        fail(what + ": first difference at " + i + ": " + expected[i] + " vs " + actual[i]);
      }
    }
  }

  private static byte[] serialise(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  private static RowGenerator deserialise(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (RowGenerator) in.readObject();
    }
  }
}
