package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local disk's random-read rate, measured as a round reads: reads of one size at random
 * aligned offsets of a file as large as the training rows, with as many threads as a round has
 * tasks running. The file is opened with O_DIRECT, so that every read goes to the device and none
 * is served by the page cache (which is what the rows that are not cached cost); the file is
 * written first, with bytes that are not all zero, and deleted after.
 */
final class RandomReads {
  private static final int ALIGN = 4096; // O_DIRECT wants offsets and buffers aligned to the device's blocks

  private final Path file;
  private final long fileBytes;

  private RandomReads(Path file, long fileBytes) {
    this.file = file;
    this.fileBytes = fileBytes;
  }

  /** Writes a file of {@code bytes} (rounded up to whole 1 MiB) in {@code dir}. */
  static RandomReads prepare(Path dir, long bytes) throws IOException {
    long size = (bytes + (1L << 20) - 1) & -(1L << 20);
    Path file = Files.createTempFile(dir, "sparkprop-random-reads-", ".bin");
    ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
    SplittableRandom r = new SplittableRandom(42);
    while (chunk.hasRemaining()) chunk.putLong(r.nextLong());
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (long at = 0; at < size; at += chunk.capacity()) {
        chunk.clear();
        while (chunk.hasRemaining()) out.write(chunk);
      }
      out.force(true);
    }
    return new RandomReads(file, size);
  }

  /** {@code threads} threads each reading {@code readBytes} at random aligned offsets for {@code seconds}. */
  Map<String, Object> measure(int readBytes, int threads, double seconds) throws IOException, InterruptedException {
    if (readBytes % ALIGN != 0) throw new IllegalArgumentException("read size " + readBytes + " is not a multiple of " + ALIGN);
    AtomicLong reads = new AtomicLong();
    List<Thread> running = new ArrayList<>();
    List<Throwable> failed = java.util.Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      long seed = 1000L + t;
      Thread th = new Thread(() -> {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
          ByteBuffer buf = ByteBuffer.allocateDirect(readBytes + ALIGN).alignedSlice(ALIGN).limit(readBytes);
          SplittableRandom r = new SplittableRandom(seed);
          long slots = fileBytes / readBytes;
          long n = 0;
          while (System.nanoTime() < deadline) {
            buf.clear().limit(readBytes);
            long at = r.nextLong(slots) * readBytes;
            while (buf.hasRemaining()) {
              if (in.read(buf, at + buf.position()) < 0) throw new IOException("end of " + file + " at " + at);
            }
            n++;
          }
          reads.addAndGet(n);
        } catch (IOException | RuntimeException e) {
          failed.add(e);
        }
      }, "random-reads-" + t);
      running.add(th);
      th.start();
    }
    for (Thread th : running) th.join();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    if (!failed.isEmpty()) {
      throw new IOException("random O_DIRECT reads of " + readBytes + " bytes from " + file + " failed: " + failed.get(0),
          failed.get(0));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("readBytes", readBytes);
    m.put("threads", threads);
    m.put("seconds", Bench.round(elapsed, 2));
    m.put("readsPerSecond", Bench.round(reads.get() / elapsed, 0));
    m.put("mbPerSecond", Bench.round(reads.get() * (double) readBytes / elapsed / 1e6, 1));
    return m;
  }

  long fileBytes() {
    return fileBytes;
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }
}
