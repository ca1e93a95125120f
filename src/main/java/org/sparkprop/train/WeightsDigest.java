package org.sparkprop.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of float32 weights in little-endian order: lets anyone compare two runs' results from outside. */
public final class WeightsDigest {
  private WeightsDigest() {
  }

  public static String sha256(float[] weights) {
    ByteBuffer bytes = ByteBuffer.allocate(weights.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(weights);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
