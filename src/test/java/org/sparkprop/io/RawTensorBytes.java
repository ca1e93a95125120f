package org.sparkprop.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Builds tensor-file bytes straight from the documented layout, independently of the writer:
 * it pins the format down, and it can declare what no writer would (absurd sizes, unknown types)
 * while still carrying valid checksums, so the reader's own checks are what a test reaches.
 */
final class RawTensorBytes {
  private byte[] magic = TensorFileFormat.MAGIC.clone();
  private int version = 1;
  private Integer declaredEntryCount;
  private final List<byte[]> tableEntries = new ArrayList<>();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  RawTensorBytes magic(byte[] magic) {
    this.magic = magic;
    return this;
  }

  RawTensorBytes version(int version) {
    this.version = version;
    return this;
  }

  RawTensorBytes declaredEntryCount(int count) {
    this.declaredEntryCount = count;
    return this;
  }

  /** An entry table record, declaring whatever it is told; no data is added. */
  RawTensorBytes declare(byte[] name, int typeCode, long count) {
    ByteBuffer b = le(4 + name.length + 1 + 8);
    b.putInt(name.length).put(name).put((byte) typeCode).putLong(count);
    tableEntries.add(b.array());
    return this;
  }

  RawTensorBytes declare(String name, int typeCode, long count) {
    return declare(name.getBytes(StandardCharsets.UTF_8), typeCode, count);
  }

  RawTensorBytes floats(String name, float... values) {
    declare(name, 1, values.length);
    ByteBuffer b = le(4 * values.length);
    for (float v : values) {
      b.putFloat(v);
    }
    data.writeBytes(b.array());
    return this;
  }

  RawTensorBytes int64(String name, long value) {
    declare(name, 2, 1);
    data.writeBytes(le(8).putLong(value).array());
    return this;
  }

  RawTensorBytes string(String name, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    declare(name, 3, bytes.length);
    data.writeBytes(bytes);
    return this;
  }

  RawTensorBytes rawData(byte[] bytes) {
    data.writeBytes(bytes);
    return this;
  }

  byte[] build() {
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    table.writeBytes(le(4).putInt(declaredEntryCount != null ? declaredEntryCount : tableEntries.size()).array());
    tableEntries.forEach(table::writeBytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(magic);
    out.writeBytes(le(4).putInt(version).array());
    out.writeBytes(le(4).putInt(table.size()).array());
    out.writeBytes(table.toByteArray());
    out.writeBytes(le(4).putInt(crc(out.toByteArray())).array());
    out.writeBytes(data.toByteArray());
    out.writeBytes(le(4).putInt(crc(out.toByteArray())).array());
    return out.toByteArray();
  }

  static int crc(byte[] bytes) {
    CRC32C c = new CRC32C();
    c.update(bytes);
    return (int) c.getValue();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
