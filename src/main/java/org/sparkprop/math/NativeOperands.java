package org.sparkprop.math;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One thread's native buffers for a GEMM's A, B and C, grown to the largest operands it has
 * passed. Each is a FloatPointer (freed at once when it is outgrown, unlike a direct ByteBuffer,
 * which waits for a GC) seen through a direct FloatBuffer, whose bulk get/put compile to plain
 * memory copies, unlike FloatPointer's JNI get/put. Shared by the native GEMMs (OpenBLAS, oneDNN).
 */
class NativeOperands {
  // Smallest allocation, in floats (256 KiB): avoids re-growing through tiny sizes.
  private static final int MIN_FLOATS = 1 << 16;

  FloatPointer aMem;
  FloatPointer bMem;
  FloatPointer cMem;
  FloatBuffer aBuf;
  FloatBuffer bBuf;
  FloatBuffer cBuf;

  FloatBuffer a(int floats) {
    if (aBuf == null || aBuf.capacity() < floats) {
      aMem = grow(aMem, floats);
      aBuf = aMem.asBuffer();
    }
    return aBuf;
  }

  FloatBuffer b(int floats) {
    if (bBuf == null || bBuf.capacity() < floats) {
      bMem = grow(bMem, floats);
      bBuf = bMem.asBuffer();
    }
    return bBuf;
  }

  FloatBuffer c(int floats) {
    if (cBuf == null || cBuf.capacity() < floats) {
      cMem = grow(cMem, floats);
      cBuf = cMem.asBuffer();
    }
    return cBuf;
  }

  private static FloatPointer grow(FloatPointer old, int floats) {
    if (old != null) old.close();
    // Round up to a power of two so that a slowly growing shape does not reallocate each call.
    long size = Math.max(MIN_FLOATS, Long.highestOneBit(Math.max(1, floats - 1)) << 1);
    FloatPointer p = new FloatPointer(Math.min(size, Integer.MAX_VALUE - 8));
    if (p.isNull()) throw new OutOfMemoryError("cannot allocate " + size + " floats of scratch");
    return p;
  }
}
