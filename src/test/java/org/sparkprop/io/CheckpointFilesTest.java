package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint's value semantics, its entries in a tensor file, and the store's names and limits. */
class CheckpointFilesTest {
  @TempDir Path tmp;

  private static Checkpoint.Builder base() {
    return Checkpoint.builder().epoch(3).round(1234).seed(-42).weights(new float[] {1, 2}).optimizerKind("adam")
        .optimizerSteps(7).optimizerSlots(new float[] {0.5f, 0.25f}).metadataJson("{\"a\":1}");
  }

  // ---- Checkpoint

  @Test
  void checkpointsAreEqualExactlyWhenEveryFieldIs() {
    Checkpoint c = base().build();
    assertEquals(c, base().build());
    assertEquals(c.hashCode(), base().build().hashCode());
    List<Checkpoint> others = List.of(base().epoch(4).build(), base().round(1235).build(), base().seed(42).build(),
        base().weights(new float[] {1, 3}).build(), base().optimizerKind("sgd").build(), base().optimizerSteps(8).build(),
        base().optimizerSlots(new float[] {0.5f, 0.5f}).build(), base().optimizerSlots().build(),
        base().metadataJson("{\"a\":2}").build());
    for (Checkpoint other : others) {
      assertNotEquals(c, other, other.toString());
      assertNotEquals(c.hashCode(), other.hashCode(), other.toString());
    }
    assertNotEquals(c, (Object) "checkpoint");
  }

  @Test
  void aCheckpointDescribesItself() {
    assertEquals("Checkpoint[round 1234, epoch 3, 2 weights, optimizer adam with 1 slots after 7 steps]", base().build().toString());
    Checkpoint c = base().build();
    assertEquals(2, c.parameterCount());
    assertEquals(1, c.optimizerSlotCount());
    assertEquals("{\"a\":1}", c.metadataJson());
  }

  @Test
  void theBuilderRefusesWhatCouldNotBeResumed() {
    assertEquals("epoch, round and optimizerSteps must be >= 0, got -1, 1234, 7",
        assertThrows(IllegalArgumentException.class, () -> base().epoch(-1).build()).getMessage());
    assertEquals("epoch, round and optimizerSteps must be >= 0, got 3, 1234, -1",
        assertThrows(IllegalArgumentException.class, () -> base().optimizerSteps(-1).build()).getMessage());
    assertEquals("optimizerKind must be set", assertThrows(IllegalArgumentException.class, () -> base().optimizerKind(" ").build())
        .getMessage());
    assertEquals("optimizerKind must be set", assertThrows(IllegalArgumentException.class, () -> base().optimizerKind(null).build())
        .getMessage());
    assertEquals("weights", assertThrows(NullPointerException.class, () -> base().weights(null).build()).getMessage());
    assertEquals("optimizerSlots[1]", assertThrows(NullPointerException.class,
        () -> base().optimizerSlots(new float[1], null).build()).getMessage());
    assertEquals("metadataJson", assertThrows(NullPointerException.class, () -> base().metadataJson(null).build()).getMessage());
    Checkpoint zero = base().epoch(0).round(0).optimizerSteps(0).build();
    assertEquals(0, zero.round());
  }

  // ---- CheckpointCodec

  /** The entries of a checkpoint file as a writer of version 1 lays them out, with these counters. */
  private static TensorFile.Builder entries(long epoch, long round, long steps, long slots, String kind) {
    return TensorFile.builder().putLong(CheckpointCodec.FORMAT_VERSION, 1).putLong(CheckpointCodec.EPOCH, epoch)
        .putLong(CheckpointCodec.ROUND, round).putLong(CheckpointCodec.SEED, 9).putString(CheckpointCodec.OPTIMIZER_KIND, kind)
        .putLong(CheckpointCodec.OPTIMIZER_STEPS, steps).putLong(CheckpointCodec.OPTIMIZER_SLOTS, slots)
        .putString(CheckpointCodec.METADATA, "{}").putFloats(CheckpointCodec.WEIGHTS, new float[] {1})
        .putFloats(CheckpointCodec.OPTIMIZER_SLOT + 0, new float[] {2}).putFloats(CheckpointCodec.OPTIMIZER_SLOT + 1, new float[] {3});
  }

  private static String refusal(TensorFile f) {
    return assertThrows(CorruptFileException.class, () -> CheckpointCodec.decode(f)).getMessage();
  }

  @Test
  void theEntriesRoundTripAndUnknownOnesAreIgnored() throws IOException {
    Checkpoint c = CheckpointCodec.decode(entries(Integer.MAX_VALUE, 5, 6, 2, "momentum").putString("later.addition", "x").build());
    assertEquals(Integer.MAX_VALUE, c.epoch());
    assertEquals(5, c.round());
    assertEquals(9, c.seed());
    assertEquals(6, c.optimizerSteps());
    assertEquals(2, c.optimizerSlotCount());
    assertEquals(3f, c.optimizerSlots()[1][0]);
    assertEquals("momentum", c.optimizerKind());
    assertEquals(c, CheckpointCodec.decode(CheckpointCodec.encode(c)));
  }

  @Test
  void countersOutOfRangeAreDamage() {
    assertEquals("<in memory> is damaged: epoch 2147483648 is out of range", refusal(entries(1L << 31, 5, 6, 2, "sgd").build()));
    assertEquals("<in memory> is damaged: epoch -1 is out of range", refusal(entries(-1, 5, 6, 2, "sgd").build()));
    assertEquals("<in memory> is damaged: epoch, round and optimizerSteps must be >= 0, got 0, -5, 6",
        refusal(entries(0, -5, 6, 2, "sgd").build()));
    assertEquals("<in memory> is damaged: optimizerKind must be set", refusal(entries(0, 5, 6, 2, "").build()));
  }

  @Test
  void theSlotCountIsBoundedByTheEntriesTheFileHolds() {
    // 11 entries: 11 slots would be possible by count, but slot 2 is not there.
    assertEquals("<in memory> has no entry 'optimizer.slot.2' (float32 array); it holds [checkpoint.formatVersion, epoch, round,"
        + " seed, optimizer.kind, optimizer.steps, optimizer.slots, metadata, weights, optimizer.slot.0, optimizer.slot.1]",
        refusal(entries(0, 5, 6, 11, "sgd").build()));
    assertEquals("<in memory> is damaged: it declares 12 optimizer slots but holds only 11 entries",
        refusal(entries(0, 5, 6, 12, "sgd").build()));
    assertEquals("<in memory> is damaged: it declares -1 optimizer slots but holds only 11 entries",
        refusal(entries(0, 5, 6, -1, "sgd").build()));
    assertEquals(0, assertDoesNotThrowDecode(entries(0, 5, 6, 0, "sgd").build()).optimizerSlotCount(),
        "slots beyond the declared count are ignored");
  }

  private static Checkpoint assertDoesNotThrowDecode(TensorFile f) {
    try {
      return CheckpointCodec.decode(f);
    } catch (CorruptFileException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aTensorFileThatIsNotACheckpointOrOfAnotherVersionIsNamed() {
    assertEquals("<in memory> is a tensor file but not a checkpoint: it has no checkpoint.formatVersion entry",
        refusal(TensorFile.builder().putFloats("weights", new float[1]).build()));
    TensorFile v2 = TensorFile.builder().putLong(CheckpointCodec.FORMAT_VERSION, 2).build();
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> CheckpointCodec.decode(v2));
    assertInstanceOf(UnsupportedVersionException.class, e);
    assertEquals("<in memory> has checkpoint format version 2; this build reads version 1 only. It was written by a newer"
        + " Sparkprop, or the file is damaged", e.getMessage());
  }

  // ---- CheckpointStore

  private Path dir() {
    return tmp.resolve("ckpts");
  }

  private CheckpointStore store(int keep) throws IOException {
    return new CheckpointStore(TestFiles.uri(dir()), TestFiles.conf(), keep);
  }

  private static Checkpoint round(long r) {
    return base().round(r).build();
  }

  private List<String> filesOnDisk() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
    }
  }

  @Test
  void keepingOneKeepsOnlyTheNewest() throws IOException {
    CheckpointStore store = store(1);
    for (long r = 1; r <= 3; r++) store.save(round(r));
    assertEquals(List.of("ckpt-000000000003"), filesOnDisk());
    assertEquals("keep must be at least 1, got 0", assertThrows(IllegalArgumentException.class, () -> store(0)).getMessage());
  }

  @Test
  void keepingThreeKeepsExactlyThree() throws IOException {
    CheckpointStore store = store(3);
    for (long r = 1; r <= 5; r++) store.save(round(r));
    assertEquals(List.of("ckpt-000000000003", "ckpt-000000000004", "ckpt-000000000005"), filesOnDisk());
  }

  @Test
  void roundZeroIsACheckpointLikeAnyOther() throws IOException {
    CheckpointStore store = store(2);
    store.save(round(0));
    assertEquals(List.of("ckpt-000000000000"), store.list());
    assertEquals(0, store.load("ckpt-000000000000").round());
    assertEquals(0, store.latest().orElseThrow().round());
    assertEquals(TestFiles.hadoopName(dir()), store.directory());
  }

  @Test
  void onlyCanonicalNamesAreCheckpoints() {
    assertEquals(7, CheckpointStore.parseRound("ckpt-000000000007"));
    assertEquals(0, CheckpointStore.parseRound("ckpt-000000000000"));
    assertEquals(1_000_000_000_000L, CheckpointStore.parseRound("ckpt-1000000000000"));
    assertEquals(Long.MAX_VALUE, CheckpointStore.parseRound("ckpt-9223372036854775807"));
    for (String name : new String[] {"ckpt-7", "ckpt-0000000000007", "ckpt-9999999999999999999", "xckpt-000000000001",
        "ckpt-000000000001.tmp", "_tmp-ckpt-000000000001-ab", "ckpt-00000000000a"}) {
      assertEquals(-1, CheckpointStore.parseRound(name), name);
    }
    assertEquals("ckpt-000000000042", CheckpointStore.nameFor(42));
  }

  @Test
  void loadingByANameThatIsNotACheckpointsIsRefused() throws IOException {
    CheckpointStore store = store(2);
    assertEquals("not a checkpoint name: ckpt-9999999999999999999",
        assertThrows(IllegalArgumentException.class, () -> store.load("ckpt-9999999999999999999")).getMessage());
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsAnError() throws IOException {
    Files.writeString(dir(), "not a directory");
    CheckpointStore store = store(2);
    IOException e = assertThrows(IOException.class, store::latest);
    assertEquals("checkpoint directory " + TestFiles.hadoopName(dir()) + " is a file", e.getMessage());
  }

  @Test
  void aDirectoryUnderACheckpointsNameIsNeverReplaced() throws IOException {
    Files.createDirectories(dir().resolve("ckpt-000000000005"));
    CheckpointStore store = store(2);
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> store.save(round(5)));
    assertEquals(TestFiles.hadoopName(dir().resolve("ckpt-000000000005")) + " is a directory, not a checkpoint; move it away to"
        + " save this round", e.getMessage());
    assertEquals(List.of("ckpt-000000000005"), filesOnDisk(), "the temporary file is removed");
    assertEquals(List.of(), store.list(), "a directory is not a published checkpoint");
  }

  @Test
  void aDamagedCheckpointOfTheSameRoundIsReplacedWithAWarning() throws IOException {
    CheckpointStore store = store(2);
    store.save(round(5));
    Path file = dir().resolve("ckpt-000000000005");
    TestFiles.replaceContent(file, new byte[] {1, 2, 3});
    try (LogCapture log = new LogCapture(CheckpointStore.class)) {
      store.save(round(5));
      assertTrue(log.warnings().stream().anyMatch(w -> w.startsWith("WARN Replacing damaged checkpoint "
          + TestFiles.hadoopName(file))), log.lines().toString());
    }
    assertEquals(round(5), store.latest().orElseThrow());
    assertFalse(filesOnDisk().stream().anyMatch(n -> n.startsWith("_tmp-")));
  }
}
