package org.sparkprop.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The two fields of {@code metadata.json} that {@link ModelStore} owns, {@code formatVersion}
 * and {@code parameterCount}, written first so a person opening the file sees them at once;
 * every other field is the caller's and passes through untouched.
 */
final class ModelMetadata {
  static final String FORMAT_VERSION = "formatVersion";
  static final String PARAMETER_COUNT = "parameterCount";

  /** Pretty-printed metadata for {@code model}; rejects a caller field that contradicts ours. */
  static String render(ModelRecord model) {
    ObjectNode caller = model.metadata();
    long params = model.parameterCount();
    checkAgrees(caller, FORMAT_VERSION, ModelStore.FORMAT_VERSION);
    checkAgrees(caller, PARAMETER_COUNT, params);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put(FORMAT_VERSION, ModelStore.FORMAT_VERSION);
    out.put(PARAMETER_COUNT, params);
    caller.remove(FORMAT_VERSION);
    caller.remove(PARAMETER_COUNT);
    out.setAll(caller);
    try {
      return Json.MAPPER.writeValueAsString(out) + "\n";
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }

  private static void checkAgrees(ObjectNode caller, String field, long ours) {
    JsonNode given = caller.get(field);
    if (given != null && !(given.isIntegralNumber() && given.canConvertToLong()
        && given.longValue() == ours)) {
      throw new IllegalArgumentException("metadata field " + field + " is " + given
          + " but ModelStore writes " + ours + " there; leave it out or make it agree");
    }
  }

  /** The parsed, checked {@code metadata.json} of a model being loaded. */
  record Parsed(ObjectNode json, long parameterCount) {}

  static Parsed parse(String text, String file) throws CorruptFileException {
    JsonNode node;
    try {
      node = Json.parse(text);
    } catch (Exception e) {
      throw new CorruptFileException(file + " is not valid JSON: " + Json.reason(e), e);
    }
    if (!node.isObject()) {
      throw new CorruptFileException(file + " must hold a JSON object, found " + node.getNodeType());
    }
    JsonNode version = node.get(FORMAT_VERSION);
    if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
      throw new CorruptFileException(file + " has no integer " + FORMAT_VERSION + " field"
          + (version == null ? "" : " (found " + version + ")"));
    }
    if (version.intValue() != ModelStore.FORMAT_VERSION) {
      throw new UnsupportedVersionException(file + " has model format version " + version.intValue()
          + "; this build reads version " + ModelStore.FORMAT_VERSION + " only. It was written by"
          + " a newer Sparkprop, or the file was edited");
    }
    JsonNode count = node.get(PARAMETER_COUNT);
    if (count == null || !count.isIntegralNumber() || !count.canConvertToLong()
        || count.longValue() < 0 || count.longValue() > TensorFileFormat.MAX_ELEMENTS) {
      throw new CorruptFileException(file + " has no valid " + PARAMETER_COUNT + " field (found "
          + count + "; a whole number from 0 to " + TensorFileFormat.MAX_ELEMENTS + " is needed)");
    }
    return new Parsed((ObjectNode) node, count.longValue());
  }

  private ModelMetadata() {}
}
