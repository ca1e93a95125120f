package org.sparkprop.data;

/**
 * Input data that cannot be used as it is. The message is meant for the person who runs the job:
 * it names the input (file, and line or row where the format has them), what was found and what
 * was expected, and is shown as it is, without a stack trace.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
