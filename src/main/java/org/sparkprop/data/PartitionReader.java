package org.sparkprop.data;

import java.io.Closeable;
import java.io.IOException;

/**
 * The rows of one partition of an input, read one at a time into one reused {@link ParsedRow}.
 * A format's reader implements it; the loading pipeline only ever sees this interface, so every
 * format shares one implementation of counting, bad-row handling, packing and scaling.
 *
 * <p>Order of use: {@link #next()} until it returns false, reading {@link #row()} after each true;
 * then {@link #close()}.
 */
public interface PartitionReader extends Closeable {

  /** Moves to the next row (blank lines and headers are not rows); false when none is left. */
  boolean next() throws IOException;

  /** The current row, good or bad; valid until the next call of {@link #next()}. */
  ParsedRow row();

  /**
   * For line-based inputs: the file and start offset of this partition's split and the number of
   * lines it has read so far, so that the driver can turn split-relative line numbers into file
   * line numbers. Null for other inputs.
   */
  default LineSegment segment() {
    return null;
  }

  /** Lines [.., lines) of {@code file} read by the split starting at byte {@code start}. */
  record LineSegment(String file, long start, long lines) implements java.io.Serializable {
  }
}
