package org.sparkprop.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A packed block kept in a local file and memory-mapped: reading a row touches only the pages
 * that hold it, and the operating system's page cache keeps the pages in use. The file is written
 * once by {@link #write}; its layout is a header (magic, first index, rows, features, target
 * width, weighted flag), then the features (rows, features), the targets (rows, targetWidth) and,
 * when the flag is 1, the sample weights (rows), all float32 in little-endian order, so that a file
 * means the same on every host. An unweighted file has the flag 0 (the bytes before the flag existed).
 */
public final class MappedRows implements RowBlock {
  /** "SPR1": the layout's version; a file of another layout is refused rather than misread. */
  private static final int MAGIC = 0x53505231;
  private static final int HEADER_BYTES = 32;
  private static final int WRITE_CHUNK_FLOATS = 1 << 20; // 4 MiB of floats per write

  private final long firstIndex;
  private final int rows;
  private final int features;
  private final int targetWidth;
  private final FloatBuffer x; // (rows, features)
  private final FloatBuffer y; // (rows, targetWidth)
  private final FloatBuffer w; // (rows) sample weights, or null
  private final Path file;

  private MappedRows(Path file, long firstIndex, int rows, int features, int targetWidth, FloatBuffer x, FloatBuffer y,
                     FloatBuffer w) {
    this.file = file;
    this.firstIndex = firstIndex;
    this.rows = rows;
    this.features = features;
    this.targetWidth = targetWidth;
    this.x = x;
    this.y = y;
    this.w = w;
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

  /** Maps a file {@link #write} wrote; the mapping stays valid after the channel is closed. */
  public static MappedRows open(Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      MappedByteBuffer map = in.map(FileChannel.MapMode.READ_ONLY, 0, size);
      map.order(ByteOrder.LITTLE_ENDIAN);
      if (size < HEADER_BYTES || map.getInt(0) != MAGIC) {
        throw new IOException(file + " is not a packed-rows file (no SPR1 header)");
      }
      long first = map.getLong(4);
      int rows = map.getInt(12);
      int features = map.getInt(16);
      int targetWidth = map.getInt(20);
      boolean weighted = map.getInt(24) == 1;
      long expected = HEADER_BYTES + 4L * rows * (features + targetWidth + (weighted ? 1 : 0));
      if (size != expected) {
        throw new IOException(file + " holds " + size + " bytes but its header describes " + expected + " ("
            + rows + " rows x (" + features + " features + " + targetWidth + " targets) float32)");
      }
      FloatBuffer x = map.slice(HEADER_BYTES, 4 * rows * features).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      FloatBuffer y = map.slice(HEADER_BYTES + 4 * rows * features, 4 * rows * targetWidth)
          .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      FloatBuffer w = !weighted ? null : map.slice(HEADER_BYTES + 4 * rows * (features + targetWidth), 4 * rows)
          .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      return new MappedRows(file, first, rows, features, targetWidth, x, y, w);
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

  /** The file the rows are mapped from. */
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
    x.get(local * features, xOut, xAt, count * features);
    y.get(local * targetWidth, yOut, yAt, count * targetWidth);
  }

  @Override
  public boolean weighted() {
    return w != null;
  }

  @Override
  public void copyWeights(int local, int count, float[] out, int at) {
    w.get(local, out, at, count);
  }
}
