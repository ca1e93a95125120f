package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("ckpts");
  }

  private CheckpointStore store(int keep) throws IOException {
    return new CheckpointStore(TestFiles.uri(dir()), TestFiles.conf(), keep);
  }

  private CheckpointStore faultyStore(WriteFault fault) throws IOException {
    return new CheckpointStore(TestFiles.uri(dir()), TestFiles.conf(), 5, fault);
  }

  static Checkpoint checkpoint(long round) {
    float[] w = new float[1000];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(round * 1000 + i);
    }
    return Checkpoint.builder()
        .epoch((int) (round / 10))
        .round(round)
        .seed(0x5eed_0000_0000_0001L)
        .weights(w)
        .optimizerKind("adam")
        .optimizerSteps(round * 3)
        .optimizerSlots(Arrays.copyOf(w, w.length), new float[w.length])
        .metadataJson("{\"config\":{\"lr\":0.001},\"round\":" + round + "}")
        .build();
  }

  private Path file(long round) {
    return dir().resolve(CheckpointStore.nameFor(round));
  }

  private List<String> filesOnDisk() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
    }
  }

  @Test
  void roundTripIsExact() throws IOException {
    float[] awkward = TensorFileTest.awkwardFloats();
    String metadata = "{\"config\":{\"layers\":[784,128,10],\"lr\":1.0E-3},"
        + "\"preprocessing\":{\"mean\":[0.1307],\"std\":[0.3081]},\"note\":\"é 猫 🐕\"}";
    Checkpoint saved = Checkpoint.builder()
        .epoch(3).round(1234).seed(-42).weights(awkward)
        .optimizerKind("momentum").optimizerSteps(1234)
        .optimizerSlots(new float[] {1f, Float.NaN}).metadataJson(metadata).build();
    CheckpointStore store = store(3);
    store.save(saved);

    Checkpoint loaded = store.latest().orElseThrow();
    assertEquals(saved, loaded);
    assertEquals(Checkpoint.FORMAT_VERSION, loaded.formatVersion());
    assertEquals(3, loaded.epoch());
    assertEquals(1234, loaded.round());
    assertEquals(-42, loaded.seed());
    assertEquals("momentum", loaded.optimizerKind());
    assertEquals(1234, loaded.optimizerSteps());
    assertEquals(metadata, loaded.metadataJson());
    TensorFileTest.assertBitIdentical(awkward, loaded.weights());
    TensorFileTest.assertBitIdentical(new float[] {1f, Float.NaN}, loaded.optimizerSlots()[0]);
    assertEquals(saved, store.load("ckpt-000000001234"));
    assertEquals(List.of("ckpt-000000001234"), filesOnDisk());
  }

  @Test
  void emptyOrMissingDirectoryHasNoCheckpoint() throws IOException {
    CheckpointStore missing = store(2);
    assertEquals(Optional.empty(), missing.latest());
    assertEquals(List.of(), missing.list());
    Files.createDirectories(dir());
    assertEquals(Optional.empty(), store(2).latest());
  }

  @Test
  void rotationKeepsTheNewest() throws IOException {
    CheckpointStore store = store(3);
    for (long round : new long[] {10, 20, 30, 40, 50, 60}) {
      store.save(checkpoint(round));
    }
    assertEquals(List.of("ckpt-000000000060", "ckpt-000000000050", "ckpt-000000000040"), store.list());
    assertEquals(List.of("ckpt-000000000040", "ckpt-000000000050", "ckpt-000000000060"), filesOnDisk());
    assertEquals(60, store.latest().orElseThrow().round());
  }

  @Test
  void listOrdersByRoundNotText() throws IOException {
    CheckpointStore store = store(5);
    store.save(checkpoint(999_999_999_999L));
    store.save(checkpoint(1_000_000_000_000L));
    assertEquals(List.of("ckpt-1000000000000", "ckpt-999999999999"), store.list());
    Files.writeString(dir().resolve("ckpt-12"), "not canonical");
    Files.writeString(dir().resolve("notes.txt"), "ignored");
    assertEquals(2, store.list().size());
  }

  @Test
  void latestSkipsLeftoversAndDamagedNewest() throws IOException {
    CheckpointStore store = store(5);
    store.save(checkpoint(1));
    store.save(checkpoint(2));
    Path leftover = dir().resolve("_tmp-ckpt-000000000003-deadbeef");
    Files.write(leftover, new byte[] {1, 2, 3});
    TestFiles.flipBit(file(2), 8 * 200 + 3);

    try (LogCapture log = new LogCapture(CheckpointStore.class)) {
      assertEquals(checkpoint(1), store.latest().orElseThrow());
      List<String> warnings = log.warnings();
      assertTrue(warnings.stream().anyMatch(w -> w.contains(leftover.getFileName().toString())
          && w.contains("did not finish")), warnings.toString());
      assertTrue(warnings.stream().anyMatch(w -> w.contains("Skipping checkpoint")
          && w.contains(TestFiles.hadoopName(file(2)))
          && w.contains("checksum mismatch in " + TestFiles.hadoopName(file(2)))), warnings.toString());
    }
    assertEquals(List.of("ckpt-000000000002", "ckpt-000000000001"), store.list());
  }

  @Test
  void latestSkipsDamageCaughtByHadoopsOwnChecksum() throws IOException {
    CheckpointStore store = store(5);
    store.save(checkpoint(1));
    store.save(checkpoint(2));
    assertTrue(Files.exists(TestFiles.crcSideFile(file(2))), "LocalFileSystem keeps a .crc file");
    byte[] b = Files.readAllBytes(file(2));
    b[300] ^= 1;
    Files.write(file(2), b); // the stale .crc side file stays
    assertEquals(1, store.latest().orElseThrow().round());
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> store.load("ckpt-000000000002"));
    assertTrue(e.getMessage().startsWith("checksum mismatch in " + TestFiles.hadoopName(file(2))),
        e.getMessage());
    assertTrue(e.getMessage().contains("the file system's checksum file disagrees"), e.getMessage());
  }

  @Test
  void latestSkipsTruncatedAndRenamedCheckpoints() throws IOException {
    CheckpointStore store = store(5);
    store.save(checkpoint(1));
    store.save(checkpoint(2));
    byte[] b = Files.readAllBytes(file(2));
    TestFiles.replaceContent(file(2), Arrays.copyOf(b, b.length / 2));
    // A copy of checkpoint 1 under a later name must not pass for round 3.
    Files.copy(file(1), file(3));
    assertEquals(1, store.latest().orElseThrow().round());
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> store.load("ckpt-000000000003"));
    assertTrue(e.getMessage().contains("holds round 1 but its name says round 3"), e.getMessage());
  }

  @Test
  void latestReturnsEmptyWhenEveryCheckpointIsDamaged() throws IOException {
    CheckpointStore store = store(5);
    store.save(checkpoint(1));
    TestFiles.replaceContent(file(1), new byte[0]);
    assertEquals(Optional.empty(), store.latest());
  }

  @Test
  void crashMidWriteLeavesThePreviousCheckpoint() throws IOException {
    store(5).save(checkpoint(1));
    long size = Files.size(file(1));
    for (long cut : new long[] {0, 10, 100, size / 2, size - 1}) {
      CheckpointStore crashing = faultyStore(WriteFault.crashAfter(cut));
      assertThrows(WriteFault.SimulatedCrash.class, () -> crashing.save(checkpoint(2)));

      List<String> onDisk = filesOnDisk();
      assertTrue(onDisk.stream().anyMatch(n -> n.startsWith("_tmp-ckpt-000000000002-")),
          "a crash leaves its temporary file: " + onDisk);
      assertFalse(Files.exists(file(2)), "nothing published under the real name");
      CheckpointStore fresh = store(5);
      assertEquals(List.of("ckpt-000000000001"), fresh.list());
      assertEquals(checkpoint(1), fresh.latest().orElseThrow());
    }
    // The next good save cleans the leftovers up.
    store(5).save(checkpoint(3));
    assertEquals(List.of("ckpt-000000000001", "ckpt-000000000003"), filesOnDisk());
  }

  @Test
  void ioErrorMidWriteCleansUpAndKeepsThePrevious() throws IOException {
    store(5).save(checkpoint(1));
    CheckpointStore failing = faultyStore(WriteFault.ioErrorAfter(500));
    IOException e = assertThrows(IOException.class, () -> failing.save(checkpoint(2)));
    assertEquals("injected fault after 500 bytes", e.getMessage());
    assertEquals(List.of("ckpt-000000000001"), filesOnDisk());
    assertEquals(checkpoint(1), store(5).latest().orElseThrow());
  }

  @Test
  void aGoodCheckpointIsNeverReplaced() throws IOException {
    CheckpointStore store = store(5);
    store.save(checkpoint(5));
    Checkpoint other = Checkpoint.builder().round(5).weights(new float[] {1f})
        .optimizerKind("sgd").build();
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> store.save(other));
    assertTrue(e.getMessage().contains("a good checkpoint for this round already exists at "
        + TestFiles.hadoopName(file(5))), e.getMessage());
    assertEquals(checkpoint(5), store.latest().orElseThrow());
    assertEquals(List.of("ckpt-000000000005"), filesOnDisk());
  }

  /** The resume path: latest() skipped a damaged newer checkpoint, and training reaches it again. */
  @Test
  void resumingPastADamagedCheckpointReplacesIt() throws IOException {
    CheckpointStore store = store(2);
    store.save(checkpoint(100));
    store.save(checkpoint(200));
    TestFiles.flipBit(file(200), 8 * 1000);
    assertEquals(100, store.latest().orElseThrow().round());

    store.save(checkpoint(150));
    assertEquals(List.of("ckpt-000000000200", "ckpt-000000000150", "ckpt-000000000100"), store.list(),
        "a later round is never rotated away by an earlier one");
    store.save(checkpoint(200));
    assertEquals(List.of("ckpt-000000000200", "ckpt-000000000150"), store.list());
    assertEquals(checkpoint(200), store.latest().orElseThrow());
  }

  @Test
  void argumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> store(0));
    assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.builder().weights(new float[1]).optimizerKind("sgd").metadataJson("{oops").build());
    assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.builder().weights(new float[1]).build());
    assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.builder().round(-1).weights(new float[1]).optimizerKind("sgd").build());
    assertThrows(IllegalArgumentException.class, () -> store(1).load("weights.bin"));
  }

  @Test
  void checkpointIsImmutable() {
    float[] w = {1f, 2f};
    float[] slot = {3f};
    Checkpoint c = Checkpoint.builder().weights(w).optimizerKind("sgd").optimizerSlots(slot).build();
    w[0] = 9f;
    slot[0] = 9f;
    c.weights()[1] = 9f;
    c.optimizerSlots()[0][0] = 9f;
    assertEquals(2f, c.weights()[1]);
    assertEquals(1f, c.weights()[0]);
    assertEquals(3f, c.optimizerSlots()[0][0]);
  }
}
