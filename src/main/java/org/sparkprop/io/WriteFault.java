package org.sparkprop.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Test hook: lets exactly {@code afterBytes} bytes of a file through, then fails, either as an
 * I/O error (which the store cleans up after) or as a crash, an {@link Error} that bypasses
 * the store's clean-up just as a killed process would, leaving the partial temporary file.
 */
final class WriteFault {
  enum Kind { IO_ERROR, CRASH }

  /** Thrown to stand for the process dying mid-write. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }

  private final long afterBytes;
  private final Kind kind;

  private WriteFault(long afterBytes, Kind kind) {
    this.afterBytes = afterBytes;
    this.kind = kind;
  }

  static WriteFault ioErrorAfter(long bytes) {
    return new WriteFault(bytes, Kind.IO_ERROR);
  }

  static WriteFault crashAfter(long bytes) {
    return new WriteFault(bytes, Kind.CRASH);
  }

  OutputStream wrap(OutputStream out) {
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        long room = afterBytes - written;
        if (len <= room) {
          out.write(b, off, len);
          written += len;
          return;
        }
        out.write(b, off, (int) Math.max(0, room));
        written = afterBytes;
        String message = "injected fault after " + afterBytes + " bytes";
        if (kind == Kind.CRASH) {
          throw new SimulatedCrash(message);
        }
        throw new IOException(message);
      }
    };
  }
}
