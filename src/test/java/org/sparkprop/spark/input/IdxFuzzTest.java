package org.sparkprop.spark.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.data.DataException;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.PartitionReader;
import org.sparkprop.io.FileDamage;
import org.sparkprop.io.UntrustedReads;

/**
 * Thousands of damaged IDX image and label files, plain and gzipped, made from a good pair with a
 * fixed seed: cut short, bits flipped, and dimensions replaced by extreme or nearby values (inside
 * the gzip stream too, recompressed, so that the header check meets them). The driver's header
 * check and then partitions' readers (the whole file, and its second half) run on each, as a job
 * would; every case ends in rows or a {@link DataException} naming the file, within an allocation
 * bound set by the files' length, without hanging. No Spark: the readers are what is under test.
 */
class IdxFuzzTest {
  private static final long SEED = 20261205L;
  private static final int CASES = 1000;
  private static final int RECORDS = 16;

  /*
   * Hadoop's streams and codec objects take a fixed few MiB; per byte of file a reader holds one
   * record's bytes and floats. A gzipped byte can stand for up to 1032 bytes of data (DEFLATE's
   * largest expansion), hence the larger factor for gzipped files.
   */
  private static final long FIXED_BYTES = 8L << 20;
  private static final long BYTES_PER_PLAIN_BYTE = 64;
  private static final long BYTES_PER_GZIPPED_BYTE = 64 * IdxRows.MAX_DEFLATE_EXPANSION;

  @TempDir
  Path tmp;

  @Test
  void damagedIdxFilesAreRefusedWithTheirOwnException() throws Exception {
    byte[] images = idx(0x0D, new int[] {RECORDS, 2, 3});
    byte[] labels = idx(0x08, new int[] {RECORDS});
    Configuration conf = new Configuration();
    FileSystem fs = new org.apache.hadoop.fs.Path(tmp.toUri()).getFileSystem(conf);
    assertEquals(RECORDS + RECORDS / 2, readAll(conf, fs, false, images, labels), "the good files give all rows, then the second half");

    FileDamage damage = new FileDamage(SEED);
    UntrustedReads plain = new UntrustedReads("plain IDX", DataException.class::isInstance, FIXED_BYTES,
        BYTES_PER_PLAIN_BYTE);
    UntrustedReads gzipped = new UntrustedReads("gzipped IDX", DataException.class::isInstance, FIXED_BYTES,
        BYTES_PER_GZIPPED_BYTE);
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      for (int i = 0; i < CASES; i++) {
        boolean gzip = i % 2 == 1;
        boolean damageImages = damage.nextInt(2) == 0;
        byte[] good = damageImages ? images : labels;
        String kind;
        byte[] damaged;
        switch (damage.nextInt(gzip ? 4 : 3)) {
          case 0:
            kind = "truncation";
            damaged = damage.truncated(gzip ? gzip(good) : good);
            break;
          case 1:
            kind = "bit flips";
            damaged = damage.bitsFlipped(gzip ? gzip(good) : good, 4);
            break;
          case 2: {
            kind = "dimension";
            int dims = good[3];
            byte[] edited = damage.intReplaced(good, 4 + 4 * damage.nextInt(dims), ByteOrder.BIG_ENDIAN);
            damaged = gzip ? gzip(edited) : edited;
            break;
          }
          default:
            kind = "bit flips inside the gzip stream";
            damaged = gzip(damage.bitsFlipped(good, 4));
        }
        byte[] img = damageImages ? damaged : gzipIf(gzip, images);
        byte[] lab = damageImages ? gzipIf(gzip, labels) : damaged;
        (gzip ? gzipped : plain).check((damageImages ? "images " : "labels ") + kind, i, img.length + lab.length,
            "fuzzed-", () -> readAll(conf, fs, gzip, img, lab));
      }
    }, () -> "an IDX read hung at " + plain.current() + " / " + gzipped.current());
    plain.assertNoProblems();
    gzipped.assertNoProblems();
    for (UntrustedReads reads : new UntrustedReads[] {plain, gzipped}) {
      reads.casesByKind().forEach((kind, cases) -> assertTrue(reads.refusedByKind().getOrDefault(kind, 0) > 0,
          kind + ": none of " + cases + " cases was refused"));
    }
  }

  /** The driver's check of both headers, then the readers of all records and of the second half. */
  private long readAll(Configuration conf, FileSystem fs, boolean gzip, byte[] images, byte[] labels) throws IOException {
    String suffix = gzip ? ".gz" : "";
    Path img = tmp.resolve("fuzzed-images" + suffix);
    Path lab = tmp.resolve("fuzzed-labels" + suffix);
    Files.write(img, images);
    Files.write(lab, labels);
    org.apache.hadoop.fs.Path imgPath = new org.apache.hadoop.fs.Path(img.toUri());
    org.apache.hadoop.fs.Path labPath = new org.apache.hadoop.fs.Path(lab.toUri());
    IdxRows.Headers headers = IdxRows.headers(conf, "data.train", fs.getFileStatus(imgPath), "data.trainLabels",
        fs.getFileStatus(labPath));
    long n = headers.images().records();
    long rows = 0;
    for (long first : new long[] {0, n / 2}) {
      try (PartitionReader r = IdxRows.reader(conf, imgPath.toString(), labPath.toString(), headers, LabelMode.CLASSES,
          first, n)) {
        while (r.next()) {
          rows++;
        }
      }
    }
    return rows;
  }

  /** An IDX file of the given type and dimensions, values 0, 1, 2, ... (labels: 0 and 1). */
  private static byte[] idx(int type, int[] dims) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
    int values = 1;
    for (int x : dims) {
      d.writeInt(x);
      values *= x;
    }
    for (int v = 0; v < values; v++) {
      if (type == 0x0D) {
        d.writeFloat(v * 0.5f);
      } else {
        d.writeByte(v % 2);
      }
    }
    return b.toByteArray();
  }

  private static byte[] gzipIf(boolean gzip, byte[] bytes) throws IOException {
    return gzip ? gzip(bytes) : bytes;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(b)) {
      out.write(bytes);
    }
    return b.toByteArray();
  }

  /** The good files' gzip form round-trips, so damage inside it is the test's, not the writer's. */
  @Test
  void gzipOfTheGoodFilesRoundTrips() throws IOException {
    byte[] images = idx(0x0D, new int[] {RECORDS, 2, 3});
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip(images)))) {
      assertEquals(images.length, in.readAllBytes().length);
    }
  }
}
