package org.sparkprop.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sparkprop.data.Preprocessing;

/** Preprocessing as JSON, the same in a model's metadata and in a checkpoint's, exact to the bit. */
public final class PreprocessingJson {
  private PreprocessingJson() {
  }

  public static ObjectNode write(Preprocessing p) {
    return ModelFields.preprocessing(p);
  }

  /**
   * Reads the {@code preprocessing} field of {@code parent}.
   *
   * @param file names the file in messages
   */
  public static Preprocessing read(JsonNode parent, String file, int features) throws CorruptFileException {
    return ModelFields.readPreprocessing(Json.MAPPER.valueToTree(parent), new ModelFields.Reader(file), features);
  }
}
