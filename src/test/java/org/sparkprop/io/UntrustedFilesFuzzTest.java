package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.JobRecipe;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.optim.OptimizerState;
import org.sparkprop.train.TrainingState;

/**
 * Thousands of damaged models and checkpoints, made from good ones with a fixed seed: cut short,
 * bits flipped, size fields replaced by extreme or nearby values, and (so that the damage gets past
 * the checksums to the parsers behind them) bits flipped and fields edited with the checksums
 * recomputed. Every read must end either in a usable result or in {@link CorruptFileException}
 * naming the file, within an allocation bound set by the file's length, and without hanging.
 */
class UntrustedFilesFuzzTest {
  private static final long SEED = 20261205L;
  private static final int CASES = 1200;

  /*
   * Allocation bounds: Hadoop's local streams and checksum buffers, Jackson's parser and
   * symbol tables and the configuration objects of a resume take a fixed few MiB whatever the
   * file; per byte of file, a read may hold the bytes, the parsed arrays or tree, and a copy of
   * each (a JSON tree costs tens of bytes per input byte). A size field believed blindly costs
   * gigabytes, orders of magnitude beyond either.
   */
  private static final long FIXED_BYTES = 8L << 20;
  private static final long BYTES_PER_FILE_BYTE = 64;

  @TempDir
  Path tmp;

  @Test
  void damagedModelsAreRefusedWithTheirOwnException() throws Exception {
    Path dir = tmp.resolve("fuzzed-model");
    Files.createDirectories(dir);
    byte[] metadata = Files.readAllBytes(FrozenModelTest.resource("v1-moons").resolve(ModelStore.METADATA));
    byte[] weights = Files.readAllBytes(FrozenModelTest.resource("v1-moons").resolve(ModelStore.WEIGHTS_FILE));
    String uri = dir.toUri().toString();
    writeModel(dir, metadata, weights);
    Configuration conf = TestFiles.conf();
    LoadedModel.load(uri, conf); // warms Hadoop and Jackson up, and shows the originals are good

    FileDamage damage = new FileDamage(SEED);
    TensorLayout layout = TensorLayout.of(weights);
    List<int[]> numbers = numberSpans(metadata);
    UntrustedReads reads = new UntrustedReads("model", CorruptFileException.class::isInstance,
        FIXED_BYTES, BYTES_PER_FILE_BYTE);
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      for (int i = 0; i < CASES; i++) {
        boolean damageMetadata = i % 2 == 0;
        Damaged d = damageMetadata ? damageJson(damage, metadata, numbers) : damageTensorFile(damage, weights, layout);
        writeModel(dir, damageMetadata ? d.bytes : metadata, damageMetadata ? weights : d.bytes);
        String kind = (damageMetadata ? "metadata.json " : "weights.bin ") + d.kind;
        reads.check(kind, i, metadata.length + weights.length, "fuzzed-model", () -> LoadedModel.load(uri, conf));
      }
    }, () -> "a model read hung at " + reads.current());
    reads.assertNoProblems();
    assertEveryKindWasRefusedSometimes(reads);
  }

  @Test
  void damagedCheckpointsAreRefusedWithTheirOwnException() throws Exception {
    LoadedModel model = LoadedModel.load(FrozenModelTest.resource("v1-moons").toUri().toString(), TestFiles.conf());
    TrainConfig cfg = TrainConfig.defaults();
    JobRecipe recipe = JobRecipe.of(cfg, Map.of("model.network", model.spec().describe(), "data.trainRows", 400));
    float[] w = model.weights();
    float[] half = w.clone();
    for (int j = 0; j < half.length; j++) half[j] *= 0.5f;
    TrainingState state = new TrainingState(1, 3, 7, w, new OptimizerState(cfg.train().optimizer().configName(), 7,
        new float[][] {half, w}), 1.5, 40, 0.25, 1, half, 1);
    Path dir = tmp.resolve("fuzzed-checkpoints");
    CheckpointStore store = new CheckpointStore(dir.toUri().toString(), TestFiles.conf(), 1);
    store.save(TrainingCheckpoints.toCheckpoint(state, cfg, model.spec(), model.preprocessing(), recipe));
    String name = CheckpointStore.nameFor(7);
    Path file = dir.resolve(name);
    byte[] good = Files.readAllBytes(file);
    Files.deleteIfExists(TestFiles.crcSideFile(file));
    UntrustedReads.Read resume = () -> TrainingCheckpoints.resume(store.load(name), name, model.spec(), cfg, recipe,
        ResumePolicy.WITH_CHANGES);
    resume.run(); // the original is good, and the code paths are warm

    FileDamage damage = new FileDamage(SEED + 1);
    TensorLayout layout = TensorLayout.of(good);
    // A resume may also refuse a checkpoint it cannot continue (another size or optimizer): that
    // refusal names the checkpoint too.
    UntrustedReads reads = new UntrustedReads("checkpoint", t -> t instanceof CorruptFileException
        || t instanceof IllegalArgumentException && String.valueOf(t.getMessage()).startsWith("the checkpoint "),
        FIXED_BYTES, BYTES_PER_FILE_BYTE);
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      for (int i = 0; i < CASES; i++) {
        Damaged d = damageTensorFile(damage, good, layout);
        Files.write(file, d.bytes);
        reads.check(d.kind, i, d.bytes.length, name, resume);
      }
    }, () -> "a checkpoint read hung at " + reads.current());
    reads.assertNoProblems();
    assertEveryKindWasRefusedSometimes(reads);
  }

  /** A test that can fail: if no case of a kind is refused, that kind of damage never reached a check. */
  private static void assertEveryKindWasRefusedSometimes(UntrustedReads reads) {
    for (Map.Entry<String, Integer> e : reads.casesByKind().entrySet()) {
      int refused = reads.refusedByKind().getOrDefault(e.getKey(), 0);
      assertTrue(refused > 0, e.getKey() + ": none of " + e.getValue() + " cases was refused");
    }
    // Truncations of a checksummed file can never be accepted.
    reads.casesByKind().keySet().stream().filter(k -> k.endsWith("bin truncation") || k.equals("truncation"))
        .forEach(k -> assertEquals(reads.casesByKind().get(k), reads.refusedByKind().get(k), k));
  }

  private static void writeModel(Path dir, byte[] metadata, byte[] weights) throws IOException {
    Files.write(dir.resolve(ModelStore.METADATA), metadata);
    Files.write(dir.resolve(ModelStore.WEIGHTS_FILE), weights);
  }

  private record Damaged(String kind, byte[] bytes) {
  }

  private static Damaged damageTensorFile(FileDamage damage, byte[] good, TensorLayout layout) {
    switch (damage.nextInt(4)) {
      case 0:
        return new Damaged("truncation", damage.truncated(good));
      case 1:
        return new Damaged("bit flips", damage.bitsFlipped(good, 4));
      case 2: {
        int field = damage.nextInt(layout.intFields.size() + layout.longFields.size());
        byte[] b = field < layout.intFields.size()
            ? damage.intReplaced(good, layout.intFields.get(field), ByteOrder.LITTLE_ENDIAN)
            : damage.longReplaced(good, layout.longFields.get(field - layout.intFields.size()), ByteOrder.LITTLE_ENDIAN);
        return new Damaged("size field, checksums recomputed", layout.resealed(b));
      }
      default:
        return new Damaged("bit flips, checksums recomputed", layout.resealed(damage.bitsFlipped(good, 4)));
    }
  }

  private static Damaged damageJson(FileDamage damage, byte[] good, List<int[]> numbers) {
    switch (damage.nextInt(3)) {
      case 0:
        return new Damaged("truncation", damage.truncated(good));
      case 1:
        return new Damaged("bit flips", damage.bitsFlipped(good, 4));
      default: {
        int[] span = numbers.get(damage.nextInt(numbers.size()));
        String text = new String(good, StandardCharsets.UTF_8);
        String edited = text.substring(0, span[0]) + damage.suspiciousNumber(text.substring(span[0], span[1]))
            + text.substring(span[1]);
        return new Damaged("number edited", edited.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** Where the numbers of a JSON text are (start, end); only ASCII precedes them in these files. */
  private static List<int[]> numberSpans(byte[] json) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = Pattern.compile("(?<![\\w.\"])-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?").matcher(new String(json, StandardCharsets.UTF_8));
    while (m.find()) spans.add(new int[] {m.start(), m.end()});
    assertTrue(spans.size() > 5, "the metadata has numbers to edit");
    return spans;
  }

  /** The offsets of a good tensor file's size fields, and its two checksums (layout in TensorFileFormat). */
  private static final class TensorLayout {
    final List<Integer> intFields = new ArrayList<>();
    final List<Integer> longFields = new ArrayList<>();
    final int tableBytes;

    private TensorLayout(int tableBytes) {
      this.tableBytes = tableBytes;
    }

    static TensorLayout of(byte[] good) {
      ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
      TensorLayout l = new TensorLayout(b.getInt(12));
      l.intFields.add(12); // table length
      l.intFields.add(16); // entry count
      int at = 20;
      for (int e = 0; e < b.getInt(16); e++) {
        l.intFields.add(at);
        at += 4 + b.getInt(at) + 1;
        l.longFields.add(at);
        at += 8;
      }
      assertEquals(16 + l.tableBytes, at, "the walk ends where the table does");
      return l;
    }

    /** Both checksums recomputed where the good file has them, so that the parsers see the damage. */
    byte[] resealed(byte[] b) {
      ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      int tableCrcAt = 16 + tableBytes;
      if (b.length >= tableCrcAt + 4) buf.putInt(tableCrcAt, crc(b, tableCrcAt));
      if (b.length >= 4) buf.putInt(b.length - 4, crc(b, b.length - 4));
      return b;
    }

    private static int crc(byte[] b, int length) {
      CRC32C c = new CRC32C();
      c.update(b, 0, length);
      return (int) c.getValue();
    }
  }
}
