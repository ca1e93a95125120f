package org.sparkprop.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** A float array as Base64 text of its little-endian IEEE bits: exact, for JSON metadata. */
final class FloatsBase64 {
  private FloatsBase64() {
  }

  static String encode(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  static float[] decode(String text) {
    byte[] raw = Base64.getDecoder().decode(text);
    if (raw.length % Float.BYTES != 0) throw new IllegalArgumentException("not a float array: " + raw.length + " bytes");
    float[] out = new float[raw.length / Float.BYTES];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
