package org.sparkprop.io;

import java.nio.charset.StandardCharsets;

/**
 * The on-disk layout of a tensor file, version 1. All integers are little-endian.
 *
 * <pre>
 * offset  size  field
 * 0       8     magic: 0x89 'S' 'P' 'T' '\r' '\n' 0x1A '\n'
 * 8       4     int32 format version (1)
 * 12      4     int32 T, byte length of the entry table that follows
 * 16      T     entry table: int32 entry count, then per entry
 *                 int32 name length N (1..1024), N bytes of UTF-8 name,
 *                 uint8 type (1 float32 array, 2 int64 scalar, 3 UTF-8 string),
 *                 int64 element count (bytes for a string, 1 for a scalar)
 * 16+T    4     CRC32C of bytes [0, 16+T)
 * 20+T    ...   data of each entry in table order: float32 / int64 / UTF-8 bytes
 * end-4   4     CRC32C of every byte before it
 * </pre>
 *
 * <p>The entry table carries its own checksum so that a reader can trust the declared sizes
 * (and report a damaged header as such) before it reads any data; the file checksum at the end
 * covers everything. The magic is built like PNG's: the high byte catches 7-bit transfers, the
 * CR LF catches newline conversion, 0x1A stops a DOS {@code type}.
 */
final class TensorFileFormat {
  static final byte[] MAGIC = {
    (byte) 0x89, 'S', 'P', 'T', '\r', '\n', 0x1A, '\n'
  };
  static final int VERSION = 1;
  static final int PREAMBLE_BYTES = MAGIC.length + 4 + 4;
  static final int CRC_BYTES = 4;

  /** Large enough for thousands of entries; small enough that reading a table is always safe. */
  static final int MAX_TABLE_BYTES = 16 << 20;

  static final int MAX_NAME_BYTES = 1024;

  /** The largest array length every JVM allocates; a few header words below Integer.MAX_VALUE. */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** name length + one-byte name + type + count: lets a reader reject an absurd entry count. */
  static final int MIN_ENTRY_BYTES = 4 + 1 + 1 + 8;

  enum EntryType {
    FLOAT32(1, 4, "float32 array"),
    INT64(2, 8, "int64 scalar"),
    UTF8(3, 1, "UTF-8 string");

    final int code;
    final int elementBytes;
    final String description;

    EntryType(int code, int elementBytes, String description) {
      this.code = code;
      this.elementBytes = elementBytes;
      this.description = description;
    }

    static EntryType fromCode(int code) {
      for (EntryType t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }

    static EntryType of(Object value) {
      if (value instanceof float[]) {
        return FLOAT32;
      } else if (value instanceof Long) {
        return INT64;
      } else if (value instanceof String) {
        return UTF8;
      }
      throw new IllegalArgumentException("no entry type for " + value.getClass());
    }
  }

  static String magicDescription() {
    return hex(MAGIC, MAGIC.length) + " (\\x89SPT\\r\\n\\x1a\\n)";
  }

  static String hex(byte[] bytes, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", bytes[i] & 0xFF));
    }
    return sb.toString();
  }

  /** Quotes a name taken from an untrusted file so that it cannot garble a log line. */
  static String quote(String name) {
    StringBuilder sb = new StringBuilder("'");
    name.codePoints().limit(200).forEach(cp -> {
      if (Character.isISOControl(cp) || cp == '\'') {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    if (name.codePointCount(0, name.length()) > 200) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private TensorFileFormat() {}
}
