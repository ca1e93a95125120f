package org.sparkprop.train;

/** Training produced a NaN or infinite loss or gradient; the weights of that round were not applied. */
public final class DivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DivergenceException(String message) {
    super(message);
  }
}
