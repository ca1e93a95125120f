package org.sparkprop.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8: String.getBytes and new String(bytes) silently replace what they cannot code,
 * which would let a damaged name or an unpaired surrogate pass as something else.
 */
final class Utf8 {
  static byte[] encode(String s) throws CharacterCodingException {
    ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .encode(CharBuffer.wrap(s));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes, offset, length))
        .toString();
  }

  private Utf8() {}
}
