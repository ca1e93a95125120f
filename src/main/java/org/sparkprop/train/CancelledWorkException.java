package org.sparkprop.train;

/**
 * The work of a round or of an evaluation was cancelled from outside the loop (a distributed job
 * cancelled by its operator) before it produced a result. The loop takes it as a stop request: the
 * state is that of the last completed round, so nothing is lost.
 */
public final class CancelledWorkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CancelledWorkException(String message, Throwable cause) {
    super(message, cause);
  }
}
