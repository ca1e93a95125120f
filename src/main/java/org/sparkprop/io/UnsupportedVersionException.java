package org.sparkprop.io;

/**
 * A file whose format version this build does not read. It extends {@link CorruptFileException}
 * because to the code that reads it the outcome is the same (the file is unusable here, and a
 * checkpoint store skips it); the message tells the two cases apart for the person reading it.
 */
public class UnsupportedVersionException extends CorruptFileException {
  private static final long serialVersionUID = 1L;

  public UnsupportedVersionException(String message) {
    super(message);
  }
}
