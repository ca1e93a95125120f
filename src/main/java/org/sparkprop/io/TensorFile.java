package org.sparkprop.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.io.TensorFileFormat.EntryType;

/**
 * An immutable set of named entries, each a float32 array, an int64 scalar or a UTF-8 string,
 * in insertion order; the contents of one tensor file (layout in {@link TensorFileFormat}).
 *
 * <p>Arrays are copied going in and coming out, so no caller can change what another sees.
 * Reading is done by {@link #read}, which treats the file as untrusted; writing streams to any
 * {@link OutputStream}, and it is the caller's job to make that write atomic (the stores in this
 * package write to a temporary name and rename).
 */
public final class TensorFile {
  private final Map<String, Object> entries;
  private final String source;

  private TensorFile(Map<String, Object> entries, String source) {
    this.entries = Collections.unmodifiableMap(entries);
    this.source = source;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads and fully verifies a tensor file; see {@link TensorFileFormat} for what is checked. */
  public static TensorFile read(FileSystem fs, Path path) throws IOException {
    return TensorFileReader.read(fs, path);
  }

  /** Writes this file's bytes to {@code out}, which is flushed but not closed. */
  public void writeTo(OutputStream out) throws IOException {
    TensorFileWriter.write(this, out);
  }

  /** Where the entries came from (a path, or "&lt;in memory&gt;"), for error messages. */
  public String source() {
    return source;
  }

  public Set<String> names() {
    return entries.keySet();
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  public float[] floats(String name) throws CorruptFileException {
    return floatsShared(name).clone();
  }

  public long longValue(String name) throws CorruptFileException {
    return (Long) require(name, EntryType.INT64);
  }

  public String string(String name) throws CorruptFileException {
    return (String) require(name, EntryType.UTF8);
  }

  /** The stored array itself; for this package's codecs, which copy once instead of twice. */
  float[] floatsShared(String name) throws CorruptFileException {
    return (float[]) require(name, EntryType.FLOAT32);
  }

  Map<String, Object> entries() {
    return entries;
  }

  /** For the reader, which owns the freshly read arrays. */
  static TensorFile wrap(LinkedHashMap<String, Object> entries, String source) {
    return new TensorFile(entries, source);
  }

  private Object require(String name, EntryType type) throws CorruptFileException {
    Object value = entries.get(name);
    if (value == null) {
      throw new CorruptFileException(source + " has no entry " + TensorFileFormat.quote(name)
          + " (" + type.description + "); it holds " + entries.keySet());
    }
    EntryType actual = EntryType.of(value);
    if (actual != type) {
      throw new CorruptFileException(source + ": entry " + TensorFileFormat.quote(name) + " is a "
          + actual.description + ", expected a " + type.description);
    }
    return value;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TensorFile[").append(source);
    entries.forEach((name, value) -> {
      sb.append(", ").append(name).append(": ");
      if (value instanceof float[] a) {
        sb.append("float32[").append(a.length).append(']');
      } else if (value instanceof String s) {
        sb.append("string(").append(s.length()).append(" chars)");
      } else {
        sb.append(value);
      }
    });
    return sb.append(']').toString();
  }

  /** Collects entries; names are unique, non-empty and at most 1024 bytes of UTF-8. */
  public static final class Builder {
    private final LinkedHashMap<String, Object> entries = new LinkedHashMap<>();

    private Builder() {}

    public Builder putFloats(String name, float[] values) {
      return put(name, Objects.requireNonNull(values, "values").clone());
    }

    public Builder putLong(String name, long value) {
      return put(name, value);
    }

    public Builder putString(String name, String value) {
      Objects.requireNonNull(value, "value");
      try {
        Utf8.encode(value);
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("string entry " + TensorFileFormat.quote(name)
            + " is not valid Unicode (an unpaired surrogate?)", e);
      }
      return put(name, value);
    }

    /** Takes the array without copying; for this package's codecs, which own it. */
    Builder putFloatsShared(String name, float[] values) {
      return put(name, Objects.requireNonNull(values, "values"));
    }

    public TensorFile build() {
      return new TensorFile(new LinkedHashMap<>(entries), "<in memory>");
    }

    private Builder put(String name, Object value) {
      checkName(name);
      if (entries.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("duplicate entry name " + TensorFileFormat.quote(name));
      }
      return this;
    }

    private static void checkName(String name) {
      Objects.requireNonNull(name, "name");
      int bytes;
      try {
        bytes = Utf8.encode(name).length;
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("entry name is not valid Unicode: "
            + TensorFileFormat.quote(name), e);
      }
      if (bytes < 1 || bytes > TensorFileFormat.MAX_NAME_BYTES) {
        throw new IllegalArgumentException("entry name must be 1 to "
            + TensorFileFormat.MAX_NAME_BYTES + " bytes of UTF-8, got " + bytes);
      }
    }
  }
}
