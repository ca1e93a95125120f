package org.sparkprop.io;

import java.io.IOException;

/**
 * A file that exists but cannot be used: damaged, truncated, of another format, or internally
 * inconsistent. The message always names the file and says what is wrong with it, because the
 * person reading it usually has to decide which file to delete or restore.
 */
public class CorruptFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptFileException(String message) {
    super(message);
  }

  public CorruptFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
