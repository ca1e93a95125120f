package org.sparkprop.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * The header of an IDX file (the MNIST family's format): two zero bytes, a type code, the number
 * of dimensions, then each dimension as a big-endian int32. The first dimension counts the
 * records (images or labels); the others give each record's shape. Everything declared is
 * checked before it is believed: a damaged header must not make a reader allocate gigabytes.
 */
public final class IdxHeader implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Element types by their IDX code. */
  public enum Type {
    UBYTE(0x08, 1), BYTE(0x09, 1), SHORT(0x0B, 2), INT(0x0C, 4), FLOAT(0x0D, 4), DOUBLE(0x0E, 8);

    final int code;
    final int bytes;

    Type(int code, int bytes) {
      this.code = code;
      this.bytes = bytes;
    }

    /** Whether the values are integers: always finite once read as floats, so a reader need not check them. */
    public boolean integral() {
      return this != FLOAT && this != DOUBLE;
    }

    static Type of(int code) {
      for (Type t : values()) {
        if (t.code == code) return t;
      }
      return null;
    }
  }

  /** Far beyond any real record (MNIST's is 784 values); protects against damaged headers. */
  static final long MAX_RECORD_VALUES = 1L << 26;

  private final Type type;
  private final int[] dims; // (dimensions) dims[0] = records

  private IdxHeader(Type type, int[] dims) {
    this.type = type;
    this.dims = dims;
  }

  /** Reads and checks a header; {@code file} names the input in messages. */
  public static IdxHeader read(InputStream in, String file) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] magic = new byte[4];
    try {
      data.readFully(magic);
    } catch (EOFException e) {
      throw new DataException(file + " is not an IDX file: it holds fewer than 4 bytes");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new DataException(String.format(Locale.ROOT, "%s is not an IDX file: it starts with bytes %02x %02x,"
          + " expected 00 00 (is it compressed with something other than gzip, or another format?)", file,
          magic[0] & 0xff, magic[1] & 0xff));
    }
    Type type = Type.of(magic[2] & 0xff);
    if (type == null) {
      throw new DataException(String.format(Locale.ROOT, "%s has IDX type code 0x%02x; expected one of 0x08"
          + " (unsigned byte), 0x09, 0x0B, 0x0C, 0x0D, 0x0E", file, magic[2] & 0xff));
    }
    int ndims = magic[3] & 0xff;
    if (ndims < 1) throw new DataException(file + " declares 0 dimensions; an IDX file needs at least 1");
    int[] dims = new int[ndims];
    long perRecord = 1;
    for (int d = 0; d < ndims; d++) {
      try {
        dims[d] = data.readInt();
      } catch (EOFException e) {
        throw new DataException(file + " ends inside its header (dimension " + (d + 1) + " of " + ndims + ")");
      }
      if (dims[d] < 0) {
        throw new DataException(file + " declares dimension " + (d + 1) + " as " + dims[d] + "; sizes cannot be negative");
      }
      if (d > 0) {
        perRecord *= dims[d];
        if (perRecord > MAX_RECORD_VALUES) {
          throw new DataException(file + " declares records of shape " + Arrays.toString(Arrays.copyOfRange(dims, 1, d + 1))
              + ", more than " + MAX_RECORD_VALUES + " values each: the header is damaged");
        }
      }
    }
    return new IdxHeader(type, dims);
  }

  public Type type() {
    return type;
  }

  public int records() {
    return dims[0];
  }

  /** Values per record: the product of the dimensions after the first (1 for a labels file). */
  public int valuesPerRecord() {
    long v = 1;
    for (int d = 1; d < dims.length; d++) v *= dims[d];
    return (int) v;
  }

  public int dimensions() {
    return dims.length;
  }

  public long headerBytes() {
    return 4L + 4L * dims.length;
  }

  public long recordBytes() {
    return (long) valuesPerRecord() * type.bytes;
  }

  /** Header plus every record: the length of an uncompressed file. */
  public long expectedLength() {
    return headerBytes() + recordBytes() * records();
  }

  /** e.g. "60000 x 28 x 28 unsigned bytes". */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < dims.length; d++) sb.append(d == 0 ? "" : " x ").append(dims[d]);
    return sb.append(' ').append(type.name().toLowerCase(Locale.ROOT)).append(" values").toString();
  }

  /**
   * Reads the next record into {@code out[0, valuesPerRecord())} as floats; {@code scratch} holds
   * at least {@link #recordBytes()} bytes.
   */
  public void readRecord(DataInputStream in, float[] out, byte[] scratch) throws IOException {
    int n = valuesPerRecord();
    in.readFully(scratch, 0, (int) recordBytes());
    switch (type) {
      case UBYTE:
        for (int j = 0; j < n; j++) out[j] = scratch[j] & 0xff;
        break;
      case BYTE:
        for (int j = 0; j < n; j++) out[j] = scratch[j];
        break;
      default: {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(scratch); // big-endian, as IDX is
        for (int j = 0; j < n; j++) {
          switch (type) {
            case SHORT: out[j] = b.getShort(); break;
            case INT: out[j] = b.getInt(); break;
            case FLOAT: out[j] = b.getFloat(); break;
            default: out[j] = (float) b.getDouble();
          }
        }
      }
    }
  }
}
