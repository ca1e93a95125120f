package org.sparkprop.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.sparkprop.io.TensorFileFormat.EntryType;

/** Serializes a {@link TensorFile}, streaming the data so that large arrays are not doubled. */
final class TensorFileWriter {
  private static final int CHUNK_BYTES = 1 << 16;

  static void write(TensorFile file, OutputStream sink) throws IOException {
    CRC32C crc = new CRC32C();
    CheckedOutputStream out = new CheckedOutputStream(sink, crc);
    byte[] table = entryTable(file.entries());

    ByteBuffer preamble = le(TensorFileFormat.PREAMBLE_BYTES);
    preamble.put(TensorFileFormat.MAGIC).putInt(TensorFileFormat.VERSION).putInt(table.length);
    out.write(preamble.array());
    out.write(table);
    writeInt(out, (int) crc.getValue());

    byte[] chunk = new byte[CHUNK_BYTES];
    for (Object value : file.entries().values()) {
      if (value instanceof float[] floats) {
        writeFloats(out, floats, chunk);
      } else if (value instanceof Long scalar) {
        out.write(le(8).putLong(scalar).array());
      } else {
        out.write(Utf8.encode((String) value));
      }
    }
    writeInt(out, (int) crc.getValue());
    out.flush();
  }

  private static byte[] entryTable(Map<String, Object> entries) throws IOException {
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    writeInt(table, entries.size());
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      byte[] name = Utf8.encode(e.getKey());
      EntryType type = EntryType.of(e.getValue());
      long count = switch (type) {
        case FLOAT32 -> ((float[]) e.getValue()).length;
        case INT64 -> 1;
        case UTF8 -> Utf8.encode((String) e.getValue()).length;
      };
      if (count > TensorFileFormat.MAX_ELEMENTS) {
        throw new IllegalArgumentException("entry " + TensorFileFormat.quote(e.getKey())
            + " has " + count + " elements, more than a reader can load into one Java array");
      }
      writeInt(table, name.length);
      table.write(name);
      table.write(type.code);
      table.write(le(8).putLong(count).array());
    }
    if (table.size() > TensorFileFormat.MAX_TABLE_BYTES) {
      throw new IllegalArgumentException("too many entries: the entry table would take "
          + table.size() + " bytes, above the limit of " + TensorFileFormat.MAX_TABLE_BYTES);
    }
    return table.toByteArray();
  }

  private static void writeFloats(OutputStream out, float[] values, byte[] chunk)
      throws IOException {
    int perChunk = chunk.length / Float.BYTES;
    ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (int off = 0; off < values.length; off += perChunk) {
      int n = Math.min(perChunk, values.length - off);
      // FloatBuffer.put keeps the raw bits, NaN payloads included.
      bytes.clear();
      bytes.asFloatBuffer().put(values, off, n);
      out.write(chunk, 0, n * Float.BYTES);
    }
  }

  private static void writeInt(OutputStream out, int v) throws IOException {
    out.write(le(4).putInt(v).array());
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private TensorFileWriter() {}
}
