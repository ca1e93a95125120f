package org.sparkprop.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.io.TensorFileFormat.EntryType;

/**
 * Parses a tensor file as untrusted input. The order of checks is what makes it safe: the real
 * file length is known first, the entry table is bounded and checksummed before any of its
 * sizes is believed, every declared size is checked against the bytes that really remain before
 * an array is allocated, and nothing in the data is interpreted (strings decoded) until the
 * whole-file checksum has matched. So a damaged or hostile file costs at most one pass over its
 * own bytes and memory proportional to its own length.
 */
final class TensorFileReader {
  private static final int CHUNK_BYTES = 1 << 16;

  private final InputStream in;
  private final CRC32C crc = new CRC32C();
  private final long length;
  private final String file;
  private long position;

  private TensorFileReader(InputStream raw, long length, String file) {
    this.in = new CheckedInputStream(raw, crc);
    this.length = length;
    this.file = file;
  }

  static TensorFile read(FileSystem fs, Path path) throws IOException {
    String file = path.toString();
    long length = fs.getFileStatus(path).getLen();
    if (length == 0) {
      throw new CorruptFileException(file + " is empty (0 bytes): not a Sparkprop tensor file,"
          + " or a write that never got past creating it");
    }
    try (FSDataInputStream in = fs.open(path)) {
      return new TensorFileReader(in, length, file).read();
    } catch (ChecksumException e) {
      // Hadoop's own .crc side file (LocalFileSystem, ChecksumFileSystem) caught the damage first.
      throw new CorruptFileException(checksumMismatch(file)
          + " (the file system's checksum file disagrees: " + e.getMessage() + ")", e);
    }
  }

  static String checksumMismatch(String file) {
    return "checksum mismatch in " + file + ": the file is damaged";
  }

  private TensorFile read() throws IOException {
    checkMagic();
    int tableBytes = readPreamble();
    List<EntryHeader> headers = parseTable(readTable(tableBytes), tableBytes);
    long dataStart = TensorFileFormat.PREAMBLE_BYTES + (long) tableBytes + TensorFileFormat.CRC_BYTES;
    checkDataSizes(headers, length - dataStart - TensorFileFormat.CRC_BYTES);

    List<Object> raw = new ArrayList<>(headers.size());
    byte[] chunk = new byte[CHUNK_BYTES];
    for (EntryHeader h : headers) {
      raw.add(readData(h, chunk));
    }
    verifyChecksum("data");
    return TensorFile.wrap(interpret(headers, raw), file);
  }

  private void checkMagic() throws IOException {
    byte[] magic = TensorFileFormat.MAGIC;
    int available = (int) Math.min(length, magic.length);
    byte[] found = new byte[available];
    readFully(found, available);
    for (int i = 0; i < available; i++) {
      if (found[i] != magic[i]) {
        throw new CorruptFileException(file + " is not a Sparkprop tensor file (wrong magic):"
            + " it starts with " + TensorFileFormat.hex(found, available) + ", expected "
            + TensorFileFormat.magicDescription());
      }
    }
    if (available < magic.length) {
      throw truncated("it is " + length + " bytes long and ends inside the "
          + magic.length + "-byte magic number");
    }
  }

  private int readPreamble() throws IOException {
    if (length < TensorFileFormat.PREAMBLE_BYTES - 4) {
      throw truncated("it is " + length + " bytes long and ends before its format version");
    }
    int version = readInt();
    if (version != TensorFileFormat.VERSION) {
      throw new UnsupportedVersionException(file + " has tensor-file format version " + version
          + "; this build reads version " + TensorFileFormat.VERSION + " only. It was written by"
          + " a newer Sparkprop, or the file is damaged");
    }
    if (length < TensorFileFormat.PREAMBLE_BYTES) {
      throw truncated("it is " + length + " bytes long and ends inside its "
          + TensorFileFormat.PREAMBLE_BYTES + "-byte preamble");
    }
    int tableBytes = readInt();
    if (tableBytes < 4) {
      throw damaged("its entry table is declared as " + tableBytes + " bytes (at least 4 needed)");
    }
    if (tableBytes > TensorFileFormat.MAX_TABLE_BYTES) {
      throw damaged("it declares a " + tableBytes + "-byte entry table, above the limit of "
          + TensorFileFormat.MAX_TABLE_BYTES + " bytes");
    }
    long minimum = TensorFileFormat.PREAMBLE_BYTES + (long) tableBytes + 2L * TensorFileFormat.CRC_BYTES;
    if (length < minimum) {
      throw new CorruptFileException(file + " is truncated or damaged: it declares a " + tableBytes
          + "-byte entry table, which needs a file of at least " + minimum + " bytes, but it is "
          + length + " bytes long");
    }
    return tableBytes;
  }

  private ByteBuffer readTable(int tableBytes) throws IOException {
    byte[] table = new byte[tableBytes];
    readFully(table, tableBytes);
    verifyChecksum("entry table");
    return ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
  }

  private List<EntryHeader> parseTable(ByteBuffer t, int tableBytes) throws IOException {
    int count = t.getInt();
    int maxEntries = (tableBytes - 4) / TensorFileFormat.MIN_ENTRY_BYTES;
    if (count < 0 || count > maxEntries) {
      throw damaged("its entry table declares " + count + " entries, impossible in "
          + tableBytes + " bytes");
    }
    List<EntryHeader> headers = new ArrayList<>(count);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < count; i++) {
      EntryHeader h = parseEntry(t, i);
      if (!names.add(h.name)) {
        throw damaged("entry name " + TensorFileFormat.quote(h.name) + " appears twice");
      }
      headers.add(h);
    }
    if (t.hasRemaining()) {
      throw damaged(t.remaining() + " unused bytes at the end of its entry table");
    }
    return headers;
  }

  private EntryHeader parseEntry(ByteBuffer t, int index) throws IOException {
    if (t.remaining() < 4) {
      throw damaged("its entry table ends inside entry #" + index);
    }
    int nameBytes = t.getInt();
    if (nameBytes < 1 || nameBytes > TensorFileFormat.MAX_NAME_BYTES) {
      throw damaged("entry #" + index + " has a name of " + nameBytes + " bytes (1 to "
          + TensorFileFormat.MAX_NAME_BYTES + " allowed)");
    }
    if (t.remaining() < nameBytes + 1 + 8) {
      throw damaged("its entry table ends inside entry #" + index);
    }
    String name;
    try {
      name = Utf8.decode(t.array(), t.position(), nameBytes);
    } catch (CharacterCodingException e) {
      throw damaged("the name of entry #" + index + " is not valid UTF-8");
    }
    t.position(t.position() + nameBytes);
    int code = t.get() & 0xFF;
    EntryType type = EntryType.fromCode(code);
    if (type == null) {
      throw damaged("entry " + TensorFileFormat.quote(name) + " has unknown type code " + code
          + " (known: 1 float32 array, 2 int64 scalar, 3 UTF-8 string)");
    }
    long elements = t.getLong();
    if (elements < 0) {
      throw damaged("entry " + TensorFileFormat.quote(name) + " declares a negative element count ("
          + elements + ")");
    }
    if (type == EntryType.INT64 && elements != 1) {
      throw damaged("entry " + TensorFileFormat.quote(name) + " is an int64 scalar but declares "
          + elements + " elements");
    }
    return new EntryHeader(name, type, elements);
  }

  /** Every size is checked against the bytes really present, so no allocation can exceed them. */
  private void checkDataSizes(List<EntryHeader> headers, long dataBytes) throws IOException {
    long used = 0;
    for (EntryHeader h : headers) {
      long left = dataBytes - used;
      if (h.elements > left / h.type.elementBytes) {
        BigInteger need = BigInteger.valueOf(h.elements).multiply(BigInteger.valueOf(h.type.elementBytes));
        throw new CorruptFileException(file + " is truncated or damaged: entry "
            + TensorFileFormat.quote(h.name) + " declares " + h.elements + " " + h.type.description
            + " elements (" + need + " bytes) but only " + left + " bytes of data remain in the "
            + length + "-byte file");
      }
      if (h.elements > TensorFileFormat.MAX_ELEMENTS) {
        throw damaged("entry " + TensorFileFormat.quote(h.name) + " declares " + h.elements
            + " elements, more than a Java array can hold (" + TensorFileFormat.MAX_ELEMENTS + ")");
      }
      used += h.elements * h.type.elementBytes;
    }
    if (used < dataBytes) {
      throw damaged("it is " + (dataBytes - used) + " bytes longer than its entry table declares"
          + " (" + (length - dataBytes + used) + " bytes expected, " + length + " found)");
    }
  }

  private Object readData(EntryHeader h, byte[] chunk) throws IOException {
    int n = (int) h.elements;
    switch (h.type) {
      case FLOAT32: {
        float[] values = new float[n];
        int perChunk = chunk.length / Float.BYTES;
        for (int off = 0; off < n; off += perChunk) {
          int k = Math.min(perChunk, n - off);
          readFully(chunk, k * Float.BYTES);
          ByteBuffer.wrap(chunk, 0, k * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
              .asFloatBuffer().get(values, off, k);
        }
        return values;
      }
      case INT64: {
        byte[] b = new byte[8];
        readFully(b, 8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
      }
      default: {
        byte[] b = new byte[n];
        readFully(b, n);
        return b;
      }
    }
  }

  private LinkedHashMap<String, Object> interpret(List<EntryHeader> headers, List<Object> raw)
      throws IOException {
    LinkedHashMap<String, Object> entries = new LinkedHashMap<>();
    for (int i = 0; i < headers.size(); i++) {
      EntryHeader h = headers.get(i);
      Object value = raw.get(i);
      if (h.type == EntryType.UTF8) {
        byte[] b = (byte[]) value;
        try {
          value = Utf8.decode(b, 0, b.length);
        } catch (CharacterCodingException e) {
          // The checksum matched, so the writer itself stored bad bytes: not a Sparkprop file.
          throw damaged("string entry " + TensorFileFormat.quote(h.name) + " is not valid UTF-8");
        }
      }
      entries.put(h.name, value);
    }
    return entries;
  }

  private void verifyChecksum(String what) throws IOException {
    long computed = crc.getValue();
    long stored = Integer.toUnsignedLong(readInt());
    if (stored != computed) {
      throw new CorruptFileException(checksumMismatch(file) + " (" + what + ": stored CRC32C "
          + String.format("%08x", stored) + ", computed " + String.format("%08x", computed) + ")");
    }
  }

  private int readInt() throws IOException {
    byte[] b = new byte[4];
    readFully(b, 4);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private void readFully(byte[] b, int n) throws IOException {
    int done = 0;
    while (done < n) {
      int r = in.read(b, done, n - done);
      if (r < 0) {
        // The length was checked up front, so only a file changing under us gets here.
        throw new CorruptFileException(file + " is truncated: it ended at byte " + (position + done)
            + " although its length was " + length + " when opened (is something writing it?)",
            new EOFException());
      }
      done += r;
    }
    position += n;
  }

  private CorruptFileException truncated(String detail) {
    return new CorruptFileException(file + " is truncated: " + detail);
  }

  private CorruptFileException damaged(String detail) {
    return new CorruptFileException(file + " is damaged: " + detail);
  }

  private record EntryHeader(String name, EntryType type, long elements) {}
}
