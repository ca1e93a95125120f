package org.sparkprop.data;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A packed block kept in a local file and read by positional reads ({@code pread}) on a channel
 * kept open: a row costs a read of its own bytes, through the operating system's page cache. (A
 * memory mapping would read more: once the rows do not fit in the page cache, each page fault
 * of a mapped file makes the kernel read megabytes around the page, far more than the row.)
 * The file is written once by {@link #write}; its layout is a header (magic, first index, rows,
 * features, target width, weighted flag), then the features (rows, features), the targets (rows,
 * targetWidth) and, when the flag is 1, the sample weights (rows), all float32 in little-endian
 * order, so that a file means the same on every host. An unweighted file has the flag 0 (the
 * bytes before the flag existed).
 *
 * <p>Threads may read one instance at once (tasks of one executor share a file): positional reads
 * do not move a shared position, and each thread reads into its own buffer. {@link #close} closes
 * the channel; until then the file's blocks stay allocated even if it is deleted.
 */
public final class RowFile implements RowBlock, Closeable {
  /** "SPR1": the layout's version; a file of another layout is refused rather than misread. */
  private static final int MAGIC = 0x53505231;
  private static final int HEADER_BYTES = 32;
  private static final int WRITE_CHUNK_FLOATS = 1 << 20; // 4 MiB of floats per write
  /** Floats read per call at most: a larger row range is read in calls of this size (4 MiB). */
  private static final int READ_CHUNK_FLOATS = 1 << 20;
  /** How often a read reopens a channel another thread's interrupt closed before giving up. */
  private static final int REOPENS = 8;

  /** Each thread's read buffer, grown to the largest read it made (at most {@link #READ_CHUNK_FLOATS}). */
  private static final ThreadLocal<ReadBuffer> BUFFER = ThreadLocal.withInitial(ReadBuffer::new);

  private final Path file;
  private final long firstIndex;
  private final int rows;
  private final int features;
  private final int targetWidth;
  private final boolean weighted;
  private final long xAt; // byte offsets of the three regions
  private final long yAt;
  private final long wAt;
  private volatile FileChannel channel;
  private volatile boolean closed;

  private RowFile(Path file, FileChannel channel, long firstIndex, int rows, int features, int targetWidth,
                  boolean weighted) {
    this.file = file;
    this.channel = channel;
    this.firstIndex = firstIndex;
    this.rows = rows;
    this.features = features;
    this.targetWidth = targetWidth;
    this.weighted = weighted;
    this.xAt = HEADER_BYTES;
    this.yAt = xAt + 4L * rows * features;
    this.wAt = yAt + 4L * rows * targetWidth;
  }

  /** Bytes of the file {@link #write} makes of {@code block}. */
  public static long fileBytes(PackedBlock block) {
    return HEADER_BYTES + block.payloadBytes();
  }

  /** Writes {@code block} to {@code file} (replacing it), in the layout {@link #open} reads. */
  public static void write(PackedBlock block, Path file) throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(MAGIC).putLong(block.firstIndex).putInt(block.rows).putInt(block.features)
          .putInt(block.targetWidth).putInt(block.w == null ? 0 : 1).flip();
      header.limit(HEADER_BYTES);
      writeFully(out, header);
      ByteBuffer chunk = ByteBuffer.allocateDirect(4 * WRITE_CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
      writeFloats(out, block.x, chunk);
      writeFloats(out, block.y, chunk);
      if (block.w != null) writeFloats(out, block.w, chunk);
    }
  }

  /** Opens a file {@link #write} wrote, checking its header against its length; the channel stays open until {@link #close}. */
  public static RowFile open(Path file) throws IOException {
    FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = in.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && in.read(header, header.position()) > 0) {
        // until the header is read or the file ends
      }
      if (header.hasRemaining() || header.getInt(0) != MAGIC) {
        throw new IOException(file + " is not a packed-rows file (no SPR1 header)");
      }
      long first = header.getLong(4);
      int rows = header.getInt(12);
      int features = header.getInt(16);
      int targetWidth = header.getInt(20);
      boolean weighted = header.getInt(24) == 1;
      long expected = HEADER_BYTES + 4L * rows * (features + targetWidth + (weighted ? 1 : 0));
      if (size != expected) {
        throw new IOException(file + " holds " + size + " bytes but its header describes " + expected + " ("
            + rows + " rows x (" + features + " features + " + targetWidth + " targets) float32)");
      }
      return new RowFile(file, in, first, rows, features, targetWidth, weighted);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static void writeFloats(FileChannel out, float[] values, ByteBuffer chunk) throws IOException {
    FloatBuffer view = chunk.clear().asFloatBuffer(); // the whole chunk, whatever the last write left
    for (int at = 0; at < values.length; at += WRITE_CHUNK_FLOATS) {
      int n = Math.min(WRITE_CHUNK_FLOATS, values.length - at);
      view.clear();
      view.put(values, at, n);
      chunk.clear().limit(4 * n);
      writeFully(out, chunk);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) out.write(bytes);
  }

  /** The file the rows are read from. */
  public Path file() {
    return file;
  }

  @Override
  public long firstIndex() {
    return firstIndex;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int targetWidth() {
    return targetWidth;
  }

  @Override
  public void copyRows(int local, int count, float[] xOut, int xAt, float[] yOut, int yAt) {
    readFloats(this.xAt + 4L * local * features, xOut, xAt, count * features);
    readFloats(this.yAt + 4L * local * targetWidth, yOut, yAt, count * targetWidth);
  }

  @Override
  public boolean weighted() {
    return weighted;
  }

  @Override
  public void copyWeights(int local, int count, float[] out, int at) {
    if (!weighted) throw new UnsupportedOperationException("the rows of " + file + " carry no sample weights");
    readFloats(wAt + 4L * local, out, at, count);
  }

  /** Closes the channel: reads fail from now on, and a deleted file's blocks are freed. */
  @Override
  public synchronized void close() throws IOException {
    closed = true;
    channel.close();
  }

  /** Reads {@code n} floats from byte {@code position} of the file into {@code out} from {@code at} on. */
  private void readFloats(long position, float[] out, int at, int n) {
    ReadBuffer buffer = BUFFER.get();
    while (n > 0) {
      int take = Math.min(n, READ_CHUNK_FLOATS);
      ByteBuffer bytes = buffer.holding(take);
      readFully(bytes, position);
      buffer.floats.get(0, out, at, take);
      position += 4L * take;
      at += take;
      n -= take;
    }
  }

  /**
   * Fills {@code bytes} from byte {@code position} on. An interrupt of a thread blocked in a read
   * closes the channel for every thread (the channel's contract): the interrupted thread fails (its
   * task is being killed), the others reopen the file and go on.
   */
  private void readFully(ByteBuffer bytes, long position) {
    int reopened = 0;
    while (bytes.hasRemaining()) {
      FileChannel in = channel;
      try {
        if (in.read(bytes, position + bytes.position()) < 0) {
          throw new EOFException(file + " ends before byte " + (position + bytes.limit()) + " of its rows");
        }
      } catch (ClosedByInterruptException e) {
        throw new UncheckedIOException("reading " + file + " was interrupted", e);
      } catch (ClosedChannelException e) {
        if (closed) throw new IllegalStateException(file + " was released: its rows can no longer be read", e);
        if (++reopened > REOPENS) throw new UncheckedIOException("cannot keep " + file + " open to read its rows", e);
        reopen(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bytes " + position + "-" + (position + bytes.limit()) + " of " + file, e);
      }
    }
  }

  /** Replaces {@code stale}, a channel an interrupt closed, unless another thread did already or the rows were released. */
  private synchronized void reopen(FileChannel stale) {
    if (closed) throw new IllegalStateException(file + " was released: its rows can no longer be read");
    if (channel != stale) return;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reopen " + file + " to read its rows", e);
    }
  }

  /** One thread's direct buffer and its float view, reused by every read of that thread. */
  private static final class ReadBuffer {
    private ByteBuffer bytes;
    private FloatBuffer floats;

    ReadBuffer() {
      allocate(1 << 12);
    }

    /** The buffer, cleared and limited to {@code n} floats' bytes, grown first if it holds fewer. */
    ByteBuffer holding(int n) {
      if (n > floats.capacity()) allocate(Math.min(READ_CHUNK_FLOATS, Math.max(n, 2 * floats.capacity())));
      bytes.clear().limit(4 * n);
      return bytes;
    }

    private void allocate(int floatCapacity) {
      bytes = ByteBuffer.allocateDirect(4 * floatCapacity).order(ByteOrder.LITTLE_ENDIAN);
      floats = bytes.asFloatBuffer();
    }
  }
}
