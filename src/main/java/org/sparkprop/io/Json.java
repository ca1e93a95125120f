package org.sparkprop.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of this package, strict because its input may come from a damaged or
 * foreign file: duplicate keys and trailing garbage are errors rather than silently resolved,
 * and decimals are kept as BigDecimal so that a caller's numbers survive a load and save
 * unchanged (a double would turn 1e400 into Infinity, which is not even JSON).
 */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /** Parses one JSON value; an empty or blank text is an error, not a null. */
  static JsonNode parse(String text) throws JsonProcessingException {
    JsonNode node = MAPPER.readTree(text);
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("empty JSON text");
    }
    return node;
  }

  /** A short reason for an error message, without Jackson's multi-line source excerpt. */
  static String reason(Exception e) {
    if (e instanceof JsonProcessingException j) {
      String where = j.getLocation() == null ? ""
          : " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr();
      return j.getOriginalMessage() + where;
    }
    return e.getMessage();
  }

  private Json() {}
}
